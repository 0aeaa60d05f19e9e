package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.blocksync.daemon.store.TestBans.assertBanEquals;
import static io.blocksync.daemon.store.TestBans.entry;
import static io.blocksync.daemon.store.TestBans.key;
import static io.blocksync.daemon.store.TestBans.prefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BanStoreTest
{
    private static final long NOW = System.currentTimeMillis();
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();

    private BanStore openDaemon(final long capacity) throws IOException
    {
        return BanStore.openForDaemon(temp.resolve("state"), capacity, log::add);
    }

    @Test
    void shouldDisableChronicleAnalyticsWhenTheStoreClassInitialises() throws Exception
    {
        // Surefire sets the property too. Clear it and initialise BanStore afresh in its own class loader: only
        // the class's static initialiser can set it again.
        final String before = System.clearProperty(BanStore.ANALYTICS_DISABLE_PROPERTY);
        try (URLClassLoader loader = new URLClassLoader(classPathUrls(), ClassLoader.getPlatformClassLoader()))
        {
            final Class<?> fresh = Class.forName(BanStore.class.getName(), false, loader);
            assertNotSame(BanStore.class, fresh);
            assertEquals(null, System.getProperty(BanStore.ANALYTICS_DISABLE_PROPERTY));

            Class.forName(BanStore.class.getName(), true, loader);

            assertEquals("true", System.getProperty(BanStore.ANALYTICS_DISABLE_PROPERTY));
        }
        finally
        {
            System.setProperty(BanStore.ANALYTICS_DISABLE_PROPERTY, null == before ? "true" : before);
        }
    }

    @Test
    void shouldRoundTripEveryFieldForIpv4AndIpv6Keys() throws IOException
    {
        final IpPrefix v4 = prefix("192.0.2.1");
        final IpPrefix v4Net = prefix("198.51.100.0/24");
        final IpPrefix v6 = prefix("2001:db8:bad::/64");
        final IpPrefix v6Host = prefix("2001:db8::1/128");
        // The record's flags field has no counterpart in Ban: always written as 0 (see BanMarshallerTest).
        final Ban extremes = new Ban()
            .action(BanAction.UNBAN)
            .protocol(255)
            .port(65535)
            .originNodeId(Integer.MAX_VALUE)
            .hitCount(Integer.MIN_VALUE)
            .originSequence(Long.MAX_VALUE)
            .originTimeMillis(Long.MIN_VALUE)
            .expiresAtMillis(-2)
            .durationSeconds(Long.MAX_VALUE - 1)
            .reason(0x0102_0304_0506_0708L)
            .appliedAtMillis(NOW);

        try (BanStore store = openDaemon(1000))
        {
            store.put(entry(4).prefix(v4));
            store.put(entry(24).prefix(v4Net));
            store.put(entry(64).prefix(v6));
            store.put(extremes.prefix(v6Host));

            final Ban read = new Ban();
            assertTrue(store.get(v4, read));
            assertBanEquals(entry(4).prefix(v4), read);
            assertTrue(store.get(v4Net, read));
            assertBanEquals(entry(24).prefix(v4Net), read);
            assertTrue(store.get(v6, read));
            assertBanEquals(entry(64).prefix(v6), read);
            assertTrue(store.get(v6Host, read));
            assertBanEquals(extremes, read);
            assertEquals(4, store.size());
        }
    }

    @Test
    void passShouldReadEveryFieldInPlaceAsTheMarshallerDoes() throws IOException
    {
        // entries() reads records in the map's memory (BanMarshaller.read(DirectBuffer, ...)); get() through
        // Chronicle's streaming Bytes (BanMarshaller.read(Bytes, ...)): the two must agree on every field and byte.
        final Map<IpPrefix, Ban> written = new HashMap<>();
        final Ban extremes = new Ban()
            .prefix(prefix("2001:db8::1/128"))
            .action(BanAction.UNBAN)
            .protocol(255)
            .port(65535)
            .originKeyId(255)
            .originNodeId(Integer.MAX_VALUE)
            .hitCount(Integer.MIN_VALUE)
            .originSequence(Long.MAX_VALUE)
            .originTimeMillis(Long.MIN_VALUE)
            .expiresAtMillis(-2)
            .durationSeconds(Long.MAX_VALUE - 1)
            .reason(io.blocksync.codec.ReasonCode.of("a-reason-longer-than-eight-bytes.hashed"))
            .appliedAtMillis(NOW)
            .version(Long.MIN_VALUE + 1);
        for (int i = 0; i < extremes.signature().length; i++)
        {
            extremes.signature()[i] = (byte)(0xFF - i);
        }
        written.put(new IpPrefix().set(extremes.prefix()), new Ban().set(extremes));
        for (final String text : new String[] {"192.0.2.1", "198.51.100.0/24", "0.0.0.0/0", "2001:db8:bad::/64"})
        {
            final Ban ban = entry(text.length()).prefix(prefix(text)).originKeyId(text.length()).version(text.hashCode());
            ban.signature()[0] = (byte)text.length();
            ban.signature()[63] = (byte)-text.length();
            written.put(new IpPrefix().set(ban.prefix()), ban);
        }

        try (BanStore store = openDaemon(1000))
        {
            for (final Ban ban : written.values())
            {
                store.put(ban);
            }
            final Ban viaGet = new Ban();
            int seen = 0;
            for (final Ban inPlace : store.entries())
            {
                final Ban expected = written.get(inPlace.prefix());
                assertTrue(null != expected, "unexpected prefix " + inPlace.prefix());
                assertTrue(store.get(inPlace.prefix(), viaGet));
                for (final Ban other : new Ban[] {expected, viaGet})
                {
                    assertBanEquals(other, inPlace);
                    assertEquals(other.originKeyId(), inPlace.originKeyId());
                    assertEquals(other.reasonText(), inPlace.reasonText());
                    assertEquals(java.util.Arrays.toString(other.signature()), java.util.Arrays.toString(inPlace.signature()));
                }
                seen++;
            }
            assertEquals(written.size(), seen);
        }
    }

    @Test
    void shouldTellPrefixesApartByLengthAndFamily() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1).prefix(prefix("192.0.2.0/24")));

            final Ban read = new Ban();
            assertFalse(store.get(prefix("192.0.2.0/25"), read));
            assertFalse(store.get(prefix("192.0.2.0/32"), read));
            assertFalse(store.get(prefix("::c000:200/120"), read));
            assertTrue(store.get(prefix("::ffff:192.0.2.0/120"), read), "IPv4-mapped is the same IPv4 key");
        }
    }

    @Test
    void shouldLeaveHolderUntouchedWhenAbsent() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            final Ban read = entry(7);
            assertFalse(store.get(prefix("203.0.113.9"), read));
            assertBanEquals(entry(7), read);
        }
    }

    @Test
    void shouldOverwriteAndRemove() throws IOException
    {
        final IpPrefix key = prefix("203.0.113.7");
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1).prefix(key));
            store.put(entry(2).prefix(key).action(BanAction.UNBAN));

            final Ban read = new Ban();
            assertTrue(store.get(key, read));
            assertBanEquals(entry(2).prefix(key).action(BanAction.UNBAN), read);
            assertEquals(1, store.size());

            assertTrue(store.remove(key));
            assertFalse(store.remove(key));
            assertFalse(store.get(key, read));
            assertEquals(0, store.size());
        }
    }

    @Test
    void shouldRefuseEntryWithoutAction() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> store.put(new Ban().prefix(prefix("192.0.2.3")).action(null)));
            assertEquals("ban entry for 192.0.2.3 has action null, expected BAN (1) or UNBAN (2)", ex.getMessage());
            assertEquals(0, store.size());
        }
    }

    @Test
    void shouldVisitEveryEntryWithReusedHolders() throws IOException
    {
        final int count = 5000;
        try (BanStore store = openDaemon(count))
        {
            for (int i = 0; i < count; i++)
            {
                store.put(entry(i));
            }

            final Map<IpPrefix, Ban> seen = new HashMap<>();
            final List<Ban> instances = new ArrayList<>();
            store.forEach(
                (ban) ->
                {
                    if (instances.isEmpty())
                    {
                        instances.add(ban);
                    }
                    assertSame(instances.get(0), ban);
                    assertEquals(null, seen.put(new IpPrefix().set(ban.prefix()), new Ban().set(ban)));
                });

            assertEquals(count, seen.size());
            for (int i = 0; i < count; i++)
            {
                assertBanEquals(entry(i), seen.get(key(i)), "entry " + i);
            }
        }
    }

    @Test
    void shouldAllowVisitorToModifyTheStore() throws IOException
    {
        try (BanStore store = openDaemon(1000))
        {
            for (int i = 0; i < 500; i++)
            {
                store.put(entry(i));
            }

            store.forEach((ban) -> store.remove(ban.prefix()));

            assertEquals(0, store.size());
        }
    }

    @Test
    void shouldPurgeExpiredBansAndTombstonesPastTheirRetentionOnly() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1).prefix(prefix("192.0.2.1")).expiresAtMillis(NOW - 1));
            store.put(entry(2).prefix(prefix("192.0.2.2")).expiresAtMillis(NOW));
            store.put(entry(3).prefix(prefix("192.0.2.3")).expiresAtMillis(NOW + 1));
            store.put(entry(4).prefix(prefix("192.0.2.4")).expiresAtMillis(0));
            store.put(entry(5).prefix(prefix("192.0.2.5")).action(BanAction.UNBAN).expiresAtMillis(NOW - 1));
            store.put(entry(6).prefix(prefix("192.0.2.6")).action(BanAction.UNBAN).expiresAtMillis(NOW + HOUR - 1));
            store.put(entry(7).prefix(prefix("192.0.2.7")).action(BanAction.UNBAN).expiresAtMillis(NOW + HOUR));

            assertEquals(3, store.purgeExpired(NOW));

            final Ban read = new Ban();
            assertFalse(store.get(prefix("192.0.2.1"), read), "expired before now");
            assertFalse(store.get(prefix("192.0.2.2"), read), "expires exactly now");
            assertTrue(store.get(prefix("192.0.2.3"), read), "expires later");
            assertTrue(store.get(prefix("192.0.2.4"), read), "permanent");
            assertFalse(store.get(prefix("192.0.2.5"), read), "tombstone past its retention");
            assertTrue(store.get(prefix("192.0.2.6"), read), "tombstone within its retention");
            assertTrue(store.get(prefix("192.0.2.7"), read), "tombstone within its retention");
            assertEquals(0, store.purgeExpired(NOW));
            assertEquals(2, store.purgeExpired(NOW + HOUR - 1), "the ban expiring at NOW + 1 and the first tombstone");
            assertEquals(1, store.purgeExpired(NOW + HOUR), "the second tombstone reaches its retention");
            assertEquals(1, store.size());
            assertTrue(store.get(prefix("192.0.2.4"), read), "permanent");
        }
    }

    @Test
    void shouldKeepContentAcrossCloseAndReopenAndPurgeAtOpen() throws IOException
    {
        final int count = 2000;
        try (BanStore store = openDaemon(count))
        {
            for (int i = 0; i < count; i++)
            {
                store.put(entry(i));
            }
            store.put(entry(99).prefix(prefix("192.0.2.99")).expiresAtMillis(NOW + HOUR));
            store.put(entry(98).prefix(prefix("192.0.2.98")).expiresAtMillis(NOW - HOUR));
        }
        assertFalse(Files.exists(temp.resolve("state").resolve(BanStore.OPEN_MARKER_FILE_NAME)));

        try (BanStore store = openDaemon(count))
        {
            assertEquals(count + 1, store.size());
            final Ban read = new Ban();
            for (int i = 0; i < count; i++)
            {
                assertTrue(store.get(key(i), read), "entry " + i);
                assertBanEquals(entry(i), read);
            }
            assertTrue(store.get(prefix("192.0.2.99"), read));
            assertFalse(store.get(prefix("192.0.2.98"), read));
        }
        assertEquals(List.of("ban store " + temp.resolve("state/bans.cmap") + ": purged 1 expired entries at open"), log);
    }

    @Test
    void shouldRefuseSecondDaemonInThisProcessNamingOurPid() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1));
            final StateDirLockedException ex = assertThrows(StateDirLockedException.class, () -> openDaemon(100));

            final long pid = ProcessHandle.current().pid();
            assertEquals(pid, ex.pid());
            assertEquals(
                "state directory " + temp.resolve("state") + " is in use by pid " + pid +
                " (another blocksync daemon?)",
                ex.getMessage());

            // The refused attempt must not have released the first store's lock or marker.
            assertTrue(store.get(key(1), new Ban()));
            assertTrue(Files.exists(temp.resolve("state").resolve(BanStore.OPEN_MARKER_FILE_NAME)));
            assertEquals(Long.toString(pid), lockFileText());
        }

        assertEquals("", lockFileText());
        try (BanStore store = openDaemon(100))
        {
            assertEquals(1, store.size());
        }
        assertEquals(List.of(), log);
    }

    @Test
    void shouldRecoverWhenMarkerWasLeftBehind() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1));
        }
        Files.write(temp.resolve("state").resolve(BanStore.OPEN_MARKER_FILE_NAME), new byte[0]);

        try (BanStore store = openDaemon(100))
        {
            final Ban read = new Ban();
            assertTrue(store.get(key(1), read));
            assertBanEquals(entry(1), read);
        }
        assertEquals(1, log.size(), log::toString);
        assertEquals(
            "ban store " + temp.resolve("state/bans.cmap") + " was not closed cleanly (store.open was left " +
            "behind): recovered it, nothing to repair",
            log.get(0));
    }

    @Test
    void shouldRecoverWhenLockFileStillNamesADeadPid() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1));
        }
        final long deadPid = deadPid();
        Files.writeString(temp.resolve("state").resolve(BanStore.LOCK_FILE_NAME), deadPid + "\n");

        try (BanStore store = openDaemon(100))
        {
            assertTrue(store.get(key(1), new Ban()));
        }
        assertEquals(1, log.size(), log::toString);
        assertTrue(log.get(0).contains("(blocksync.lock still named pid " + deadPid + ", which is gone)"), log::toString);
    }

    @Test
    void shouldResizeWhenCapacityChanges() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            for (int i = 0; i < 100; i++)
            {
                store.put(entry(i));
            }
        }

        try (BanStore store = openDaemon(5000))
        {
            assertEquals(5000, store.capacity());
            assertEquals(100, store.size());
            for (int i = 100; i < 5000; i++)
            {
                store.put(entry(i));
            }
            final Ban read = new Ban();
            assertTrue(store.get(key(0), read));
            assertBanEquals(entry(0), read);
        }
        assertEquals(1, log.size(), log::toString);
        assertEquals(
            "ban store " + temp.resolve("state/bans.cmap") + " holds 100 entries with capacity 100: resizing it " +
            "to capacity 5000",
            log.get(0));
        assertFalse(Files.exists(temp.resolve("state/bans.cmap.resize")));
    }

    @Test
    void shouldRefuseToShrinkBelowWhatItHolds() throws IOException
    {
        try (BanStore store = openDaemon(5000))
        {
            for (int i = 0; i < 5000; i++)
            {
                store.put(entry(i));
            }
        }

        final IOException ex = assertThrows(IOException.class, () -> openDaemon(10));
        assertEquals(
            "ban store " + temp.resolve("state/bans.cmap") + " holds 5000 entries, more than fit in capacity 10: " +
            "raise [bans] capacity to at least 5000",
            ex.getMessage());

        // Nothing lost, and the directory is free again.
        try (BanStore store = openDaemon(5000))
        {
            assertEquals(5000, store.size());
        }
    }

    @Test
    void shouldResizeWhenCapacityWasNotRecorded() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1));
        }
        Files.delete(temp.resolve("state").resolve(BanStore.FORMAT_FILE_NAME));

        try (BanStore store = openDaemon(300))
        {
            assertEquals(1, store.size());
        }
        assertEquals(
            List.of("ban store " + temp.resolve("state/bans.cmap") + " holds 1 entries with capacity unknown (no " +
                "bans.format): resizing it to capacity 300"),
            log);
        assertTrue(Files.readAllLines(temp.resolve("state").resolve(BanStore.FORMAT_FILE_NAME)).contains("capacity=300"));
    }

    @Test
    void shouldRefuseStoreOfAnotherFormat() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1));
        }
        final Path formatFile = temp.resolve("state").resolve(BanStore.FORMAT_FILE_NAME);
        Files.writeString(formatFile, "format=4\ncapacity=100\n");

        final IOException ex = assertThrows(IOException.class, () -> openDaemon(100));
        assertEquals(formatFile + ": ban store format v4; this blocksync reads format v3", ex.getMessage());
        final IOException readerEx = assertThrows(IOException.class, () -> BanStore.openReader(temp.resolve("state")));
        assertEquals(ex.getMessage(), readerEx.getMessage());

        Files.writeString(formatFile, "format=2\ncapacity=lots\n");
        final IOException garbled = assertThrows(IOException.class, () -> openDaemon(100));
        assertEquals(
            formatFile + ":2: expected 'format=N' or 'capacity=N' with N > 0, found 'capacity=lots'",
            garbled.getMessage());
    }

    @Test
    void shouldReportFullStoreAndKeepWorking() throws IOException
    {
        final int capacity = 1000;
        try (BanStore store = openDaemon(capacity))
        {
            int stored = 0;
            BanStoreFullException full = null;
            while (null == full)
            {
                try
                {
                    store.put(entry(stored));
                    stored++;
                }
                catch (final BanStoreFullException ex)
                {
                    full = ex;
                }
                assertTrue(stored < 100 * capacity, "never became full");
            }

            System.out.println("ban store of capacity " + capacity + " became full at " + stored + " entries");
            assertTrue(stored >= capacity, "holds at least its capacity, held " + stored);
            assertEquals(
                "ban store " + temp.resolve("state/bans.cmap") + " is full (capacity 1000 entries): raise [bans] " +
                "capacity",
                full.getMessage());
            assertEquals(stored, store.size());

            final Ban read = new Ban();
            store.put(entry(0).hitCount(77));
            assertTrue(store.get(key(0), read));
            assertEquals(77, read.hitCount());
            assertTrue(store.remove(key(1)));
            store.put(entry(1));
            assertTrue(store.get(key(stored - 1), read));
            assertBanEquals(entry(stored - 1), read);
        }
    }

    @Test
    void shouldCreateStateDirOwnerOnly() throws IOException
    {
        final Path stateDir = temp.resolve("a/b/state");
        try (BanStore store = BanStore.openForDaemon(stateDir, 10, log::add))
        {
            assertEquals(stateDir.resolve("bans.cmap"), store.file());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
        }
    }

    @Test
    void shouldRefuseStateDirWritableByOthers() throws IOException
    {
        final Path stateDir = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwxr-x"));

        final IOException ex = assertThrows(IOException.class, () -> BanStore.openForDaemon(stateDir, 10, log::add));
        assertEquals(
            "state directory " + stateDir + " is writable by group or others (rwxrwxr-x), so anyone could edit the " +
            "bans: chmod 700 it",
            ex.getMessage());
        assertFalse(Files.exists(stateDir.resolve("bans.cmap")));
    }

    @Test
    void readerShouldSeeDaemonChangesInThisProcess() throws IOException
    {
        try (BanStore daemon = openDaemon(1000);
            BanStore reader = BanStore.openReader(temp.resolve("state"), log::add))
        {
            assertEquals(1000, reader.capacity());
            final Ban read = new Ban();
            assertFalse(reader.get(key(1), read));

            daemon.put(entry(1));
            assertTrue(reader.get(key(1), read));
            assertBanEquals(entry(1), read);

            daemon.remove(key(1));
            assertFalse(reader.get(key(1), read));
        }
        assertEquals(List.of(), log);
    }

    @Test
    void readerShouldRefuseMissingStore()
    {
        final Path stateDir = temp.resolve("nothing-here");
        final NoSuchFileException ex = assertThrows(NoSuchFileException.class, () -> BanStore.openReader(stateDir));

        assertEquals(
            stateDir.resolve("bans.cmap") + ": no ban store here: has a blocksync daemon run with state directory " +
            stateDir + "?",
            ex.getMessage());
        assertFalse(Files.exists(stateDir));
    }

    @Test
    void readerShouldWarnAboutUncleanStoreNobodyHolds() throws IOException
    {
        try (BanStore store = openDaemon(100))
        {
            store.put(entry(1));
        }
        Files.write(temp.resolve("state").resolve(BanStore.OPEN_MARKER_FILE_NAME), new byte[0]);

        try (BanStore reader = BanStore.openReader(temp.resolve("state"), log::add))
        {
            assertTrue(reader.get(key(1), new Ban()));
        }
        assertEquals(1, log.size(), log::toString);
        assertTrue(log.get(0).startsWith("warning: ban store "), log::toString);
    }

    @Test
    void jvmFlagsFileShouldMatchTheFlagsThisTestRunsWith() throws IOException
    {
        final List<String> fileFlags = ChildJvm.launcherFlags();
        final List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();

        assertNotEquals(0, fileFlags.size());
        for (final String flag : fileFlags)
        {
            assertTrue(jvmArgs.contains(flag), () -> flag + " is in jvm-flags.txt but not in " + jvmArgs);
        }
        for (final String arg : jvmArgs)
        {
            if ((arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) &&
                !arg.contains("jdk.internal.misc"))
            {
                assertTrue(fileFlags.contains(arg), () -> arg + " is in chronicle.jvm.args but not in jvm-flags.txt");
            }
        }
    }

    private String lockFileText() throws IOException
    {
        return new String(
            Files.readAllBytes(temp.resolve("state").resolve(BanStore.LOCK_FILE_NAME)), StandardCharsets.US_ASCII)
            .trim();
    }

    private static URL[] classPathUrls() throws IOException
    {
        final String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        final URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++)
        {
            urls[i] = Path.of(entries[i]).toUri().toURL();
        }
        return urls;
    }

    private static long deadPid()
    {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent())
        {
            pid++;
        }
        return pid;
    }
}
