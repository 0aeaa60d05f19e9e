package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.blocksync.daemon.store.TestBans.assertBanEquals;
import static io.blocksync.daemon.store.TestBans.entry;
import static io.blocksync.daemon.store.TestBans.prefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key and value marshallers lay a record out in a scratch array and copy it to Chronicle's {@code Bytes} in one
 * write: the bytes must be the map's and the write-ahead log's layout, on heap and direct {@code Bytes} alike, and each
 * context's copy must have its own scratch array, or two threads with maps of their own (nodes of one JVM) would
 * write each other's records.
 */
class MarshallerScratchTest
{
    private static final int BANS_PER_THREAD = 20_000;

    @TempDir
    Path temp;

    @Test
    void shouldWriteTheKeyLayoutInOneGo()
    {
        final IpPrefixMarshaller marshaller = new IpPrefixMarshaller();
        // family, prefix length, then the 16-byte address field in network order.
        assertEquals("0418" + "c6336400" + "00".repeat(12), writeKey(marshaller, prefix("198.51.100.0/24"), false));
        assertEquals("0640" + "20010db800010002" + "00".repeat(8), writeKey(marshaller, prefix("2001:db8:1:2::/64"), true));
        assertEquals("0680" + "20010db8000000000000000000000001", writeKey(marshaller, prefix("2001:db8::1/128"), false));
    }

    @Test
    void shouldWriteAndReadTheValueAsTheLogLaysItOut()
    {
        final Ban ban = entry(12_345).version(99);
        for (int i = 0; i < ban.signature().length; i++)
        {
            ban.signature()[i] = (byte)(i * 3 + 1);
        }
        final UnsafeBuffer log = new UnsafeBuffer(new byte[WalEntry.PUT_LENGTH]);
        WalEntry.value(log, 0, ban);
        final byte[] expected = new byte[BanMarshaller.LENGTH];
        log.getBytes(WalEntry.VALUE_OFFSET, expected);

        for (final boolean direct : new boolean[] {false, true})
        {
            final Bytes<?> bytes = direct ? Bytes.allocateElasticDirect(BanMarshaller.LENGTH) : Bytes.allocateElasticOnHeap(8);
            try
            {
                final BanMarshaller marshaller = BanMarshaller.INSTANCE.copy();
                marshaller.write(bytes, BanMarshaller.LENGTH, ban);
                assertArrayEquals(expected, bytes.toByteArray(), direct ? "direct" : "heap");

                final Ban read = new Ban().prefix(ban.prefix());
                assertTrue(read == marshaller.read(bytes, BanMarshaller.LENGTH, read));
                assertBanEquals(ban, read);
                assertArrayEquals(ban.signature(), read.signature());
            }
            finally
            {
                bytes.releaseLast();
            }
        }
    }

    @Test
    void shouldGiveEveryContextItsOwnScratch() throws Exception
    {
        assertNotSame(BanMarshaller.INSTANCE, BanMarshaller.INSTANCE.copy());
        final IpPrefixMarshaller keys = new IpPrefixMarshaller();
        assertNotSame(keys, keys.copy());

        // Two stores, each written and read back by its own thread at once, as two nodes of one JVM do.
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        try
        {
            final Future<Integer> first = threads.submit(fill(temp.resolve("a"), 0));
            final Future<Integer> second = threads.submit(fill(temp.resolve("b"), BANS_PER_THREAD));
            assertEquals(0, first.get(), "bans read back other than written, first store");
            assertEquals(0, second.get(), "bans read back other than written, second store");
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    private static Callable<Integer> fill(final Path stateDir, final int from)
    {
        return () ->
        {
            int wrong = 0;
            try (BanStore store = BanStore.openForDaemon(stateDir, 2 * BANS_PER_THREAD, (line) -> { }))
            {
                final Ban ban = new Ban();
                final Ban read = new Ban();
                final IpPrefix key = new IpPrefix();
                final byte[] scratch = new byte[16];
                for (int i = from; i < from + BANS_PER_THREAD; i++)
                {
                    store.put(entry(i, ban, key, scratch));
                }
                for (int i = from; i < from + BANS_PER_THREAD; i++)
                {
                    entry(i, ban, key, scratch);
                    wrong += store.get(key, read) && sameRecord(ban, read) ? 0 : 1;
                }
            }
            return wrong;
        };
    }

    private static boolean sameRecord(final Ban expected, final Ban actual)
    {
        return expected.originSequence() == actual.originSequence() && expected.port() == actual.port() &&
            expected.originTimeMillis() == actual.originTimeMillis() && expected.reason() == actual.reason() &&
            expected.appliedAtMillis() == actual.appliedAtMillis() && expected.hitCount() == actual.hitCount();
    }

    private static String writeKey(final IpPrefixMarshaller marshaller, final IpPrefix key, final boolean direct)
    {
        final Bytes<?> bytes = direct ? Bytes.allocateElasticDirect(IpPrefixMarshaller.LENGTH) : Bytes.allocateElasticOnHeap(4);
        try
        {
            marshaller.write(bytes, IpPrefixMarshaller.LENGTH, key);
            final String hex = HexFormat.of().formatHex(bytes.toByteArray());
            final UnsafeBuffer log = new UnsafeBuffer(new byte[WalEntry.REMOVE_LENGTH]);
            WalEntry.key(log, 0, key);
            final byte[] logged = new byte[IpPrefixMarshaller.LENGTH];
            log.getBytes(WalEntry.KEY_OFFSET, logged);
            assertEquals(HexFormat.of().formatHex(logged), hex, "the log's key layout");
            final IpPrefix read = marshaller.read(bytes, IpPrefixMarshaller.LENGTH, new IpPrefix());
            assertEquals(key, read);
            return hex;
        }
        finally
        {
            bytes.releaseLast();
        }
    }
}
