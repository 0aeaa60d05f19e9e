package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.AddressFamily;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expiry sweep reads only what is due, a bounded number of index entries per call, recognises stale index entries
 * by the store's value, and falls back to a whole-store scan only when its index is full.
 */
class ExpirySweepTest
{
    private static final long NOW = 1_764_000_000_000L;

    @TempDir
    Path dir;

    private BanStore store;
    private NodeCounters counters;

    @BeforeEach
    void open() throws Exception
    {
        store = BanStore.openForDaemon(dir.resolve("state"), 20_000);
        counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64))));
    }

    @AfterEach
    void close() throws Exception
    {
        store.close();
    }

    @Test
    void aSweepReadsAtMostItsBoundAndTheNextCallsTakeTheRest()
    {
        final ExpirySweep sweep = new ExpirySweep(store, counters, ExpiryIndex.maxEntriesFor(store.capacity()));
        sweep.rebuild(null);
        final int bans = 10_000;
        for (int i = 0; i < bans; i++)
        {
            put(sweep, host(i), NOW + 60_000);
        }
        assertEquals(bans, sweep.indexSize());
        assertEquals(0, sweep.sweep(NOW + 59_999), "nothing is due before the minute");
        assertEquals(0, sweep.lastRead(), "and nothing was read");

        int removed = 0;
        int calls = 0;
        while (store.size() > 0)
        {
            final int now = sweep.sweep(NOW + 60_000);
            assertTrue(sweep.lastRead() <= ExpirySweep.MAX_ENTRIES_PER_SWEEP, "read " + sweep.lastRead());
            removed += now;
            calls++;
            assertTrue(calls <= 3, "10,000 due entries take three sweeps of 4,096");
        }
        assertEquals(bans, removed);
        assertEquals(3, calls);
        assertEquals(2, counters.expiryCappedCycles.get(), "the first two sweeps stopped at their bound");
        assertEquals(0, sweep.indexSize());
        assertEquals(0, counters.expiryFullScans.get());
    }

    @Test
    void entriesDueLaterCostOneReadARevolutionAndNothingWhileNotDue()
    {
        final ExpirySweep sweep = new ExpirySweep(store, counters, ExpiryIndex.maxEntriesFor(store.capacity()));
        sweep.rebuild(null);
        // Two days away: more than one revolution of the wheel (4.55 h).
        put(sweep, host(1), NOW + 2 * 86_400_000L);
        put(sweep, host(2), NOW + 10_000);
        int reads = 0;
        for (long now = NOW; now < NOW + 2 * 86_400_000L; now += 1000)
        {
            sweep.sweep(now);
            reads += sweep.lastRead();
        }
        assertEquals(1, store.size(), "the ten-second ban went, the two-day one stays");
        // The near ban once; the far one once per revolution it waited (10 or 11 of 16,384 s in two days).
        assertTrue(reads >= 11 && reads <= 12, "reads " + reads);
        assertEquals(1, sweep.sweep(NOW + 2 * 86_400_000L));
        assertEquals(0, store.size());
    }

    @Test
    void aShorterBanAddedAfterALongerOneToAnEmptyIndexStillGoesAtItsEnd()
    {
        final ExpirySweep sweep = new ExpirySweep(store, counters, ExpiryIndex.maxEntriesFor(store.capacity()));
        sweep.rebuild(null);
        assertEquals(0, sweep.sweep(NOW), "an empty index: the walk waits at the next second");
        put(sweep, host(1), NOW + 100_000);
        put(sweep, host(2), NOW + 10_000);
        assertEquals(0, sweep.sweep(NOW + 9_999));
        assertEquals(1, sweep.sweep(NOW + 10_000), "the ten-second ban goes after ten seconds, not with the other");
        assertFalse(store.get(host(2), new Ban()));
        assertEquals(0, sweep.sweep(NOW + 99_999));
        assertEquals(1, sweep.sweep(NOW + 100_000));
    }

    @Test
    void aReBannedOrRemovedEntryIsStaleWhenItsOldEndComes()
    {
        final ExpirySweep sweep = new ExpirySweep(store, counters, ExpiryIndex.maxEntriesFor(store.capacity()));
        sweep.rebuild(null);
        final Ban first = put(sweep, host(1), NOW + 10_000);
        final Ban replaced = new Ban().set(first);
        final Ban later = new Ban().set(first).expiresAtMillis(NOW + 20_000);
        store.put(later);
        sweep.onStored(later, replaced);
        put(sweep, host(2), NOW + 10_000);
        store.remove(host(2));
        final Ban permanent = put(sweep, host(3), NOW + 10_000);
        final Ban forever = new Ban().set(permanent).expiresAtMillis(Ban.PERMANENT);
        store.put(forever);
        sweep.onStored(forever, permanent);

        assertEquals(0, sweep.sweep(NOW + 10_000), "nothing expires at the old end");
        assertEquals(3, sweep.lastStale());
        assertEquals(3, counters.expiryStaleEntries.get());
        assertEquals(2, store.size());
        assertEquals(1, sweep.sweep(NOW + 20_000), "the re-banned entry goes at its new end");
        assertFalse(store.get(host(1), new Ban()));
        assertEquals(0, sweep.indexSize(), "the permanent ban is in no index");
    }

    @Test
    void aFullIndexFallsBackToScanningTheStoreAndLosesNothing()
    {
        final ExpirySweep sweep = new ExpirySweep(store, counters, 4);
        sweep.rebuild(null);
        for (int i = 0; i < 10; i++)
        {
            put(sweep, host(i), NOW + 1000 * (i + 1));
        }
        assertEquals(4, sweep.indexSize());
        assertEquals(1, sweep.sweep(NOW + 1000), "a full scan removes what expired");
        assertEquals(1, counters.expiryFullScans.get());
        assertEquals(0, sweep.sweep(NOW + 1500), "at most one scan a second");
        int removed = 1;
        for (long now = NOW + 2000; now <= NOW + 10_000; now += 1000)
        {
            removed += sweep.sweep(now);
        }
        assertEquals(10, removed, "every entry expired, indexed or not");
        assertEquals(0, store.size());
    }

    @Test
    void theStartScanIndexesWhatTheStoreHoldsAndPassesEachEntryOn()
    {
        for (int i = 0; i < 100; i++)
        {
            store.put(ban(host(i), i % 2 == 0 ? NOW + 5000 : Ban.PERMANENT));
        }
        store.put(ban(network(7), NOW + 5000).action(BanAction.UNBAN));
        final ExpirySweep sweep = new ExpirySweep(store, counters, ExpiryIndex.maxEntriesFor(store.capacity()));
        final int[] visited = new int[1];
        sweep.rebuild(ban -> visited[0]++);
        assertEquals(101, visited[0], "one scan, shared");
        assertEquals(51, sweep.indexSize(), "the 50 bans with an end and the tombstone");
        assertEquals(51, counters.expiryIndexEntries.get());
        assertEquals(51, sweep.sweep(NOW + 5000));
        assertEquals(50, store.size());
    }

    private Ban put(final ExpirySweep sweep, final IpPrefix prefix, final long expiresAtMillis)
    {
        final Ban ban = ban(prefix, expiresAtMillis);
        store.put(ban);
        sweep.onStored(ban, null);
        return ban;
    }

    private static Ban ban(final IpPrefix prefix, final long expiresAtMillis)
    {
        return new Ban().action(BanAction.BAN).prefix(prefix).originNodeId(1).originSequence(1).durationSeconds(60)
            .expiresAtMillis(expiresAtMillis).appliedAtMillis(NOW);
    }

    /** 2001:db8::I/128 for I of 1 and more, 198.51.100.0/32 for 0: both families go through the index. */
    private static IpPrefix host(final int i)
    {
        if (0 == i)
        {
            return new IpPrefix().set(AddressFamily.IPV4, new byte[] {(byte)198, 51, 100, 0}, 32);
        }
        final byte[] address = {0x20, 0x01, 0x0d, (byte)0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)(i >>> 8), (byte)i};
        return new IpPrefix().set(AddressFamily.IPV6, address, 128);
    }

    /** 2001:db8:0:I::/64. */
    private static IpPrefix network(final int i)
    {
        final byte[] address = {0x20, 0x01, 0x0d, (byte)0xb8, 0, 0, 0, (byte)i, 0, 0, 0, 0, 0, 0, 0, 0};
        return new IpPrefix().set(AddressFamily.IPV6, address, 64);
    }
}
