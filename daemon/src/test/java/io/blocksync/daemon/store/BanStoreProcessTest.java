package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static io.blocksync.daemon.store.TestBans.assertBanEquals;
import static io.blocksync.daemon.store.TestBans.entry;
import static io.blocksync.daemon.store.TestBans.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store as the daemon and the CLI use it: two processes, one of them killed with SIGKILL.
 */
class BanStoreProcessTest
{
    private static final int MIN_PUTS_BEFORE_KILL = 2000;

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();

    @Test
    void shouldRefuseSecondDaemonThenRecoverEveryReportedPutAfterKillMinus9() throws Exception
    {
        final Path stateDir = temp.resolve("state");
        final Set<Integer> reported = new HashSet<>();
        try (ChildJvm child = ChildJvm.start(temp, "writer", stateDir.toString(), "100000", "50000"))
        {
            child.awaitLineStartingWith("ready ");

            final StateDirLockedException ex = assertThrows(
                StateDirLockedException.class, () -> BanStore.openForDaemon(stateDir, 100_000, log::add));
            assertEquals(child.pid(), ex.pid());
            assertEquals(
                "state directory " + stateDir + " is in use by pid " + child.pid() + " (another blocksync daemon?)",
                ex.getMessage());

            child.awaitLine(
                (line) -> line.equals("put " + MIN_PUTS_BEFORE_KILL), "put " + MIN_PUTS_BEFORE_KILL);
            child.killHard();

            for (final String line : child.lines())
            {
                if (line.startsWith("put "))
                {
                    reported.add(Integer.parseInt(line.substring(4)));
                }
            }
        }
        assertTrue(reported.size() > MIN_PUTS_BEFORE_KILL, "puts reported: " + reported.size());
        assertTrue(Files.exists(stateDir.resolve(BanStore.OPEN_MARKER_FILE_NAME)), "killed child left its marker");

        try (BanStore store = BanStore.openForDaemon(stateDir, 100_000, log::add))
        {
            final Ban read = new Ban();
            for (final int i : reported)
            {
                assertTrue(store.get(key(i), read), "entry " + i + " reported but missing");
                assertBanEquals(entry(i), read, "entry " + i);
            }
            assertTrue(store.size() >= reported.size());
            assertTrue(store.size() <= reported.size() + 1, "at most the one put in flight was not reported");
        }
        // The kill may land inside a put, leaving a segment locked: recovery must clear it.
        assertEquals(1, log.size(), log::toString);
        assertTrue(
            log.get(0).startsWith("ban store " + stateDir.resolve("bans.cmap") + " was not closed cleanly " +
            "(store.open was left behind): recovered it, "),
            log::toString);

        log.clear();
        try (BanStore store = BanStore.openForDaemon(stateDir, 100_000, log::add))
        {
            assertTrue(store.size() >= reported.size());
        }
        assertEquals(List.of(), log, "a clean close needs no recovery");
    }

    @Test
    void readerShouldSeeWhatALiveDaemonInAnotherProcessWrites() throws Exception
    {
        final Path stateDir = temp.resolve("state");
        try (ChildJvm child = ChildJvm.start(temp, "serve", stateDir.toString(), "10000"))
        {
            child.awaitLineStartingWith("ready ");
            try (BanStore reader = BanStore.openReader(stateDir, log::add))
            {
                assertEquals(10_000, reader.capacity());
                assertEquals(0, reader.size());

                child.send("put 0 100");
                child.awaitLineStartingWith("done put 100");
                assertEquals(100, reader.size());
                assertEntries(reader, 0, 100, BanAction.BAN);

                child.send("put 100 5000");
                child.awaitLineStartingWith("done put 5000");
                assertEquals(5000, reader.size());
                assertEntries(reader, 0, 5000, BanAction.BAN);

                child.send("unban 0 10");
                child.awaitLineStartingWith("done unban 10");
                assertEntries(reader, 0, 10, BanAction.UNBAN);
                assertEntries(reader, 10, 5000, BanAction.BAN);

                final AtomicInteger visited = new AtomicInteger();
                final AtomicInteger unbans = new AtomicInteger();
                reader.forEach(
                    (ban) ->
                    {
                        visited.incrementAndGet();
                        if (ban.isUnban())
                        {
                            unbans.incrementAndGet();
                        }
                    });
                assertEquals(5000, visited.get());
                assertEquals(10, unbans.get());

                child.send("quit");
                child.awaitLineStartingWith("closed");
                assertEquals(0, child.awaitExit(), child::diagnostics);

                assertEquals(5000, reader.size(), "the file outlives its daemon");
            }
        }
        assertEquals(List.of(), log);

        // No recovery (the child closed cleanly); the ten tombstones are years old by their applied-at times.
        try (BanStore store = BanStore.openForDaemon(stateDir, 10_000, log::add))
        {
            assertEquals(4990, store.size());
        }
        assertEquals(
            List.of("ban store " + stateDir.resolve("bans.cmap") + ": purged 10 expired entries at open"), log);
    }

    /**
     * The child runs without JUnit on its classpath (Chronicle mutes its analytics when it sees JUnit), without
     * -Dchronicle.analytics.disable, with a fresh user.home and with HTTP(S) proxied to a socket here, so that any
     * attempt to phone home stays on loopback and is seen. A child using Chronicle directly shows that the probe
     * works: it connects; a child going through BanStore must not.
     */
    @Test
    void shouldNeverPhoneHome() throws Exception
    {
        final String classPath = withoutJUnit(System.getProperty("java.class.path"));

        try (ProxyProbe proxy = new ProxyProbe())
        {
            final Path rawHome = Files.createDirectory(temp.resolve("raw-home"));
            try (ChildJvm raw = ChildJvm.start(
                temp, classPath, proxy.childFlags(rawHome), "raw-chronicle", temp.resolve("raw.cmap").toString()))
            {
                raw.awaitLineStartingWith("analytics-done");
                assertTrue(raw.lines().contains("analytics-enabled true"), raw::diagnostics);
                proxy.awaitConnection();
                raw.send("quit");
                raw.awaitExit();
            }
            assertTrue(Files.exists(rawHome.resolve(".chronicle.analytics.client.id")));
            assertTrue(proxy.firstRequest().contains("google-analytics"), proxy.firstRequest());

            proxy.reset();
            final Path storeHome = Files.createDirectory(temp.resolve("store-home"));
            try (ChildJvm child = ChildJvm.start(
                temp, classPath, proxy.childFlags(storeHome), "analytics", temp.resolve("state").toString()))
            {
                child.awaitLineStartingWith("analytics-done");
                assertEquals(0, child.awaitExit(), child::diagnostics);

                final List<String> lines = child.lines();
                assertTrue(lines.contains("reader-size 3"), child::diagnostics);
                assertTrue(lines.contains("property chronicle.analytics.disable=true"), child::diagnostics);
                assertTrue(lines.contains("analytics-enabled false"), child::diagnostics);
                assertEquals(
                    List.of(),
                    lines.stream().filter((line) -> line.startsWith("analytics-thread")).collect(Collectors.toList()));
            }
            assertEquals(0, proxy.connections(), "BanStore's process connected to the proxy");
            assertFalse(Files.exists(storeHome.resolve(".chronicle.analytics.client.id")));
            assertFalse(Files.exists(storeHome.resolve(".chronicle.analytics.last")));
        }
    }

    private static void assertEntries(final BanStore reader, final int from, final int to, final BanAction action)
    {
        final Ban read = new Ban();
        final IpPrefix key = new IpPrefix();
        final byte[] scratch = new byte[16];
        final Ban expected = new Ban();
        for (int i = from; i < to; i++)
        {
            TestBans.entry(i, expected, key, scratch);
            assertTrue(reader.get(key, read), "entry " + i);
            if (BanAction.UNBAN == action)
            {
                expected.action(BanAction.UNBAN).originSequence(expected.originSequence() + 1);
            }
            assertBanEquals(expected, read, "entry " + i);
        }
    }

    private static String withoutJUnit(final String classPath)
    {
        final List<String> kept = new ArrayList<>();
        for (final String entry : classPath.split(File.pathSeparator))
        {
            final String name = Path.of(entry).getFileName().toString();
            if (!name.startsWith("junit-") && !name.startsWith("opentest4j") && !name.startsWith("apiguardian"))
            {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /**
     * A loopback socket posing as the HTTP(S) proxy of a child JVM: it records and drops every connection.
     */
    private static final class ProxyProbe implements AutoCloseable
    {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicReference<String> firstRequest = new AtomicReference<>("");
        private final Thread acceptor = new Thread(this::acceptLoop, "proxy-probe");

        ProxyProbe() throws IOException
        {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        List<String> childFlags(final Path home)
        {
            final String host = server.getInetAddress().getHostAddress();
            final String port = Integer.toString(server.getLocalPort());
            return List.of(
                "-Duser.home=" + home,
                "-Dhttps.proxyHost=" + host, "-Dhttps.proxyPort=" + port,
                "-Dhttp.proxyHost=" + host, "-Dhttp.proxyPort=" + port);
        }

        void awaitConnection() throws InterruptedException
        {
            final long deadline = System.nanoTime() + ChildJvm.DEADLINE.toNanos();
            synchronized (connections)
            {
                while (0 == connections.get())
                {
                    final long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
                    if (remainingMs <= 0)
                    {
                        throw new AssertionError("no connection to the proxy probe within " + ChildJvm.DEADLINE);
                    }
                    connections.wait(remainingMs);
                }
            }
        }

        int connections()
        {
            return connections.get();
        }

        String firstRequest()
        {
            return firstRequest.get();
        }

        void reset()
        {
            connections.set(0);
            firstRequest.set("");
        }

        @Override
        public void close() throws IOException
        {
            server.close();
        }

        private void acceptLoop()
        {
            while (!server.isClosed())
            {
                try (Socket socket = server.accept())
                {
                    firstRequest.compareAndSet("", request(socket));
                    synchronized (connections)
                    {
                        connections.incrementAndGet();
                        connections.notifyAll();
                    }
                }
                catch (final IOException ex)
                {
                    // the probe was closed
                }
            }
        }

        private static String request(final Socket socket)
        {
            try
            {
                socket.setSoTimeout(5000);
                final byte[] buffer = new byte[256];
                final int read = socket.getInputStream().read(buffer);
                return read > 0 ? new String(buffer, 0, read, StandardCharsets.US_ASCII) : "(nothing sent)";
            }
            catch (final IOException ex)
            {
                return "(" + ex + ")";
            }
        }
    }
}
