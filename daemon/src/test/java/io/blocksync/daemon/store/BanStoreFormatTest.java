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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Format v3 is v2 with the reason field widened from 8 to 40 bytes (reasons as operators name them, issue 14).
 * Format v2: the golden record below is the v1 record (the code before {@link Ban}, commit 1d5b928) with the origin
 * key id in byte 4 (v1's flags word), then the version (the origin's hybrid logical clock) and the origin signature
 * appended. A state directory of format v1 (in
 * {@code src/test/resources/store/format-v1}, written by that code) is refused with a one-line message saying what to
 * do: its records carry no origin signatures, and nothing was deployed, so there is no migration.
 */
class BanStoreFormatTest
{
    /** {@link #v2Bans()}'s second ban as the v3 marshaller writes it (v2's record with a 40-byte reason field), little-endian (x86, arm64). */
    private static final String V3_RECORD =
        "01" + "11" + "3500" + "09000000" + "07000000" + "01000000" + "0807060504030201" + "e86be5cf8b010000" +
        "00d8c32cbb030000" + "ff65328f00000000" + "7363616e00000000" + "0".repeat(64) + "dc6de5cf8b010000" + "0700e8cf8b010000" + signatureHex();
    private static final int RESERVED_OFFSET = 5;
    private static final String V1_FIXTURE = "/store/format-v1/";
    private static final List<String> FIXTURE_FILES = List.of(BanStore.MAP_FILE_NAME, BanStore.FORMAT_FILE_NAME);
    private static final long FIXTURE_CAPACITY = 10;
    private static final long YEAR_2100_MILLIS = 4_102_444_800_000L;

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();

    @Test
    void shouldWriteTheV3RecordByteForByte()
    {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the golden record is little-endian");
        final Bytes<?> out = Bytes.allocateElasticDirect(BanMarshaller.LENGTH);
        try
        {
            final Ban ban = v2Bans().get(1);
            BanMarshaller.INSTANCE.write(out, BanMarshaller.INSTANCE.size(ban), ban);

            assertEquals(V3_RECORD, HexFormat.of().formatHex(out.toByteArray()));
        }
        finally
        {
            out.releaseLast();
        }
    }

    @Test
    void shouldReadTheV3RecordIgnoringReservedFlags()
    {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the golden record is little-endian");
        final byte[] record = HexFormat.of().parseHex(V3_RECORD);
        record[RESERVED_OFFSET] = (byte)0xA5;
        record[RESERVED_OFFSET + 2] = (byte)0xFF;
        final Bytes<?> in = Bytes.allocateElasticDirect(BanMarshaller.LENGTH);
        try
        {
            in.write(record);
            final Ban read = new Ban().prefix(v2Bans().get(1).prefix());

            assertTrue(read == BanMarshaller.INSTANCE.read(in, record.length, read), "reads into the given holder");
            assertBanEquals(v2Bans().get(1), read);
            assertEquals(9, read.originKeyId());
            assertArrayEquals(v2Bans().get(1).signature(), read.signature());
        }
        finally
        {
            in.releaseLast();
        }
    }

    @Test
    void shouldRefuseAStoreOfFormatV1SayingWhatToDo() throws IOException
    {
        final Path stateDir = copyV1Fixture();
        final Path formatFile = stateDir.resolve(BanStore.FORMAT_FILE_NAME);
        final String expected = formatFile + ": ban store format v1 was written by a protocol-1 blocksync, whose " +
            "records carry no origin signatures; this one keeps format v3 and does not convert: stop the node, move " +
            "its state directory aside and start it again (peers catch it up)";

        assertEquals(expected, assertThrows(IOException.class,
            () -> BanStore.openForDaemon(stateDir, FIXTURE_CAPACITY, log::add)).getMessage());
        assertEquals(expected, assertThrows(IOException.class, () -> BanStore.openReader(stateDir, log::add)).getMessage());
        for (final String name : FIXTURE_FILES)
        {
            assertArrayEquals(fixtureBytes(name), Files.readAllBytes(stateDir.resolve(name)), name + " left untouched");
        }
    }

    @Test
    void shouldKeepKeyIdsAndSignaturesAcrossAReopen() throws IOException
    {
        final Path stateDir = temp.resolve("state");
        try (BanStore store = BanStore.openForDaemon(stateDir, FIXTURE_CAPACITY, log::add))
        {
            for (final Ban ban : v2Bans())
            {
                store.put(ban);
            }
        }
        assertTrue(Files.readString(stateDir.resolve(BanStore.FORMAT_FILE_NAME)).contains("format=3\n"));

        try (BanStore reader = BanStore.openReader(stateDir, log::add))
        {
            assertStoreHolds(reader, v2Bans());
            final Ban read = new Ban();
            for (final Ban ban : v2Bans())
            {
                assertTrue(reader.get(ban.prefix(), read));
                assertEquals(ban.originKeyId(), read.originKeyId());
                assertArrayEquals(ban.signature(), read.signature());
            }
        }
        assertEquals(List.of(), log, "no recovery, resize or purge");
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

    /** 64 bytes 0x00, 0x01, ... 0x3f. */
    private static String signatureHex()
    {
        final byte[] signature = new byte[64];
        for (int i = 0; i < signature.length; i++)
        {
            signature[i] = (byte)i;
        }
        return HexFormat.of().formatHex(signature);
    }

    /**
     * A permanent IPv4 BAN, an IPv6 BAN with every wide field set (key id 9, signature 0x00-0x3f), and an UNBAN
     * tombstone kept until 2100 (so the purge at open leaves all three).
     */
    private static List<Ban> v2Bans()
    {
        final Ban wide = new Ban().prefix(prefix("2001:db8:bad::/64")).action(BanAction.BAN).protocol(17).port(53)
            .originNodeId(7).hitCount(1).originSequence(0x0102030405060708L).originTimeMillis(1_700_000_001_000L)
            .expiresAtMillis(YEAR_2100_MILLIS).durationSeconds(2_402_444_799L)
            .reason(ReasonCode.of("scan").id()).appliedAtMillis(1_700_000_001_500L).originKeyId(9)
            .version(0x018B_CFE8_0007L);
        for (int i = 0; i < wide.signature().length; i++)
        {
            wide.signature()[i] = (byte)i;
        }
        return List.of(
            new Ban().prefix(prefix("192.0.2.1")).action(BanAction.BAN).protocol(6).port(22).originNodeId(3)
                .hitCount(5).originSequence(41).originTimeMillis(1_700_000_000_123L).expiresAtMillis(Ban.PERMANENT)
                .durationSeconds(Ban.PERMANENT).reason(ReasonCode.of("ssh").id())
                .appliedAtMillis(1_700_000_000_456L),
            wide,
            new Ban().prefix(prefix("198.51.100.0/24")).action(BanAction.UNBAN).originNodeId(2).originSequence(9)
                .originTimeMillis(1_700_000_002_000L).expiresAtMillis(YEAR_2100_MILLIS)
                .reason(ReasonCode.of("manual").id()).appliedAtMillis(1_700_000_002_500L));
    }

    private Path copyV1Fixture() throws IOException
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
        try (InputStream in = BanStoreFormatTest.class.getResourceAsStream(V1_FIXTURE + name))
        {
            if (null == in)
            {
                throw new IOException(V1_FIXTURE + name + " is not on the test classpath");
            }
            return in.readAllBytes();
        }
    }
}
