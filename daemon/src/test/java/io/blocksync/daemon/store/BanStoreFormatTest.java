package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.blocksync.daemon.store.TestBans.assertBanEquals;
import static io.blocksync.daemon.store.TestBans.prefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Format v1 as the code before {@link Ban} wrote it (BanEntry and BanEntryMarshaller, commit 1d5b928): the golden
 * record below and the state directory in {@code src/test/resources/store/format-v1} (capacity 10, holding
 * {@link #v1Bans()} put in that order, closed cleanly) were produced by that code. The store must read both and
 * write the same bytes.
 */
class BanStoreFormatTest
{
    /** {@link #v1Bans()}'s second ban as the v1 marshaller wrote it, little-endian (x86, arm64). */
    private static final String V1_RECORD =
        "01" + "11" + "3500" + "00000000" + "07000000" + "01000000" + "0807060504030201" + "e86be5cf8b010000" +
        "00d8c32cbb030000" + "ff65328f00000000" + "7363616e00000000" + "dc6de5cf8b010000";
    private static final int FLAGS_OFFSET = 4;
    private static final String FIXTURE = "/store/format-v1/";
    private static final List<String> FIXTURE_FILES = List.of(BanStore.MAP_FILE_NAME, BanStore.FORMAT_FILE_NAME);
    private static final long FIXTURE_CAPACITY = 10;
    private static final long YEAR_2100_MILLIS = 4_102_444_800_000L;

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();

    @Test
    void shouldWriteTheV1RecordByteForByte()
    {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the golden record is little-endian");
        final Bytes<?> out = Bytes.allocateElasticDirect(BanMarshaller.LENGTH);
        try
        {
            final Ban ban = v1Bans().get(1);
            BanMarshaller.INSTANCE.write(out, BanMarshaller.INSTANCE.size(ban), ban);

            assertEquals(V1_RECORD, HexFormat.of().formatHex(out.toByteArray()));
        }
        finally
        {
            out.releaseLast();
        }
    }

    @Test
    void shouldReadTheV1RecordIgnoringFlags()
    {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the golden record is little-endian");
        final byte[] record = HexFormat.of().parseHex(V1_RECORD);
        // v1 let the daemon set flags; none ever did, and a reader must not trip over them.
        record[FLAGS_OFFSET] = (byte)0xA5;
        record[FLAGS_OFFSET + 3] = (byte)0xFF;
        final Bytes<?> in = Bytes.allocateElasticDirect(BanMarshaller.LENGTH);
        try
        {
            in.write(record);
            final Ban read = new Ban().prefix(v1Bans().get(1).prefix());

            assertTrue(read == BanMarshaller.INSTANCE.read(in, record.length, read), "reads into the given holder");
            assertBanEquals(v1Bans().get(1), read);
        }
        finally
        {
            in.releaseLast();
        }
    }

    @Test
    void shouldOpenAStoreWrittenByTheV1Code() throws IOException
    {
        final Path stateDir = copyFixture();

        try (BanStore store = BanStore.openForDaemon(stateDir, FIXTURE_CAPACITY, log::add))
        {
            assertStoreHolds(store, v1Bans());
            store.put(new Ban().set(v1Bans().get(0)).prefix(prefix("192.0.2.2")).hitCount(6));
        }
        try (BanStore reader = BanStore.openReader(stateDir, log::add))
        {
            assertEquals(FIXTURE_CAPACITY, reader.capacity());
            assertEquals(4, reader.size());
            final Ban read = new Ban();
            assertTrue(reader.get(prefix("192.0.2.2"), read));
            assertEquals(6, read.hitCount());
        }
        assertEquals(List.of(), log, "no recovery, resize or purge");
    }

    @Test
    void shouldWriteTheSameFileAsTheV1Code() throws IOException
    {
        final Path stateDir = temp.resolve("state");
        try (BanStore store = BanStore.openForDaemon(stateDir, FIXTURE_CAPACITY, log::add))
        {
            for (final Ban ban : v1Bans())
            {
                store.put(ban);
            }
        }

        for (final String name : FIXTURE_FILES)
        {
            assertArrayEquals(fixtureBytes(name), Files.readAllBytes(stateDir.resolve(name)), name);
        }
    }

    private static void assertStoreHolds(final BanStore store, final List<Ban> expected)
    {
        assertEquals(expected.size(), store.size());
        final Ban read = new Ban();
        for (final Ban ban : expected)
        {
            assertTrue(store.get(ban.prefix(), read), ban::toString);
            assertBanEquals(ban, read);
        }
    }

    /**
     * A permanent IPv4 BAN, an IPv6 BAN with every wide field set, and an UNBAN tombstone kept until 2100 (so the
     * purge at open leaves all three).
     */
    private static List<Ban> v1Bans()
    {
        return List.of(
            new Ban().prefix(prefix("192.0.2.1")).action(BanAction.BAN).protocol(6).port(22).originNodeId(3)
                .hitCount(5).originSequence(41).originTimeMillis(1_700_000_000_123L).expiresAtMillis(Ban.PERMANENT)
                .durationSeconds(Ban.PERMANENT).reason(ReasonCode.of("ssh").packed())
                .appliedAtMillis(1_700_000_000_456L),
            new Ban().prefix(prefix("2001:db8:bad::/64")).action(BanAction.BAN).protocol(17).port(53).originNodeId(7)
                .hitCount(1).originSequence(0x0102030405060708L).originTimeMillis(1_700_000_001_000L)
                .expiresAtMillis(YEAR_2100_MILLIS).durationSeconds(2_402_444_799L)
                .reason(ReasonCode.of("scan").packed()).appliedAtMillis(1_700_000_001_500L),
            new Ban().prefix(prefix("198.51.100.0/24")).action(BanAction.UNBAN).originNodeId(2).originSequence(9)
                .originTimeMillis(1_700_000_002_000L).expiresAtMillis(YEAR_2100_MILLIS)
                .reason(ReasonCode.of("manual").packed()).appliedAtMillis(1_700_000_002_500L));
    }

    private Path copyFixture() throws IOException
    {
        final Path stateDir = Files.createDirectory(
            temp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (final String name : FIXTURE_FILES)
        {
            Files.write(stateDir.resolve(name), fixtureBytes(name));
        }
        return stateDir;
    }

    private static byte[] fixtureBytes(final String name) throws IOException
    {
        try (InputStream in = BanStoreFormatTest.class.getResourceAsStream(FIXTURE + name))
        {
            if (null == in)
            {
                throw new IOException(FIXTURE + name + " is not on the test classpath");
            }
            return in.readAllBytes();
        }
    }
}
