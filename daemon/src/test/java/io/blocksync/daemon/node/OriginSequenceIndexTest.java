package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.blocksync.daemon.node.HostilePeer.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index catch-up reads instead of scanning the store: per configured origin, the table's entries by origin
 * sequence. Checked against a plain model of the store under seeded random puts, replacements and expiries.
 */
class OriginSequenceIndexTest
{
    private static final long SEED = 20_261_130L;
    private static final long NOW = 1_764_000_000_000L;
    private static final int UNKNOWN_ORIGIN = 99;

    @TempDir
    Path dir;

    private ProgressFile progress;
    private HighWaterMarks origins;
    private NodeCounters counters;

    @BeforeEach
    void open() throws Exception
    {
        progress = ProgressFile.open(dir, 1, 0);
        origins = new HighWaterMarks(progress, new int[] { 2, 3 });
        counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64))));
    }

    @AfterEach
    void close() throws Exception
    {
        progress.close();
    }

    @Test
    void rangesMatchAModelOfTheStoreUnderRandomPutsReplacementsAndExpiries()
    {
        final OriginSequenceIndex index = new OriginSequenceIndex(origins, 1_000, counters.catchUpIndexFull, 7);
        final Map<String, Ban> store = new HashMap<>();
        final Random random = new Random(SEED);
        final int[] originIds = { 1, 2, 3, UNKNOWN_ORIGIN };
        for (int step = 0; step < 20_000; step++)
        {
            final String prefix = random.nextBoolean() ?
                "198.51.100." + random.nextInt(200) : "2001:db8:" + Integer.toHexString(random.nextInt(200)) + "::/64";
            final Ban held = store.get(prefix);
            if (null != held && random.nextInt(4) == 0)
            {
                store.remove(prefix);
                if (held.isBan())
                {
                    index.onExpired(held);
                }
                else
                {
                    index.onTombstoneDropped(held);
                }
            }
            else
            {
                // Sequences up to 400 per origin: now and then two entries share one, which a hostile origin could do.
                final BanAction action = random.nextInt(5) == 0 ? BanAction.UNBAN : BanAction.BAN;
                final Ban next = record(action, prefix, originIds[random.nextInt(originIds.length)], 1 + random.nextInt(400), NOW);
                index.onStored(next, held, false);
                store.put(prefix, next);
            }

            if (step % 97 == 0)
            {
                assertRangesMatch(index, store, random);
            }
        }
        assertRangesMatch(index, store, random);
        assertEquals(store.values().stream().filter(ban -> ban.originNodeId() != UNKNOWN_ORIGIN).count(), index.size(),
            "one entry per stored record of a configured origin");
        assertEquals(0, counters.catchUpIndexFull.get());
    }

    @Test
    void aScanBuiltIndexMatchesTheModelAndStaysRightUnderLaterChanges()
    {
        // The start-up pass only lists entries; finishBuild sorts each origin's list and builds its tree in one go.
        final OriginSequenceIndex index = new OriginSequenceIndex(origins, 10_000, counters.catchUpIndexFull, 11);
        final Map<String, Ban> store = new HashMap<>();
        final Random random = new Random(SEED + 1);
        final int[] originIds = { 1, 2, 3, UNKNOWN_ORIGIN };
        for (int i = 0; i < 6_000; i++)
        {
            final String prefix = "2001:db8:" + Integer.toHexString(i) + "::/64";
            // Sequences up to 3,000 per origin, in no order: many shared, as a hostile origin could make them.
            final Ban entry = record(BanAction.BAN, prefix, originIds[random.nextInt(originIds.length)], 1 + random.nextInt(3_000), NOW);
            index.visit(entry);
            store.put(prefix, entry);
        }
        index.finishBuild();
        assertRangesMatch(index, store, random, 3_000);

        final List<String> keys = new ArrayList<>(store.keySet());
        keys.sort(Comparator.naturalOrder());
        for (int step = 0; step < 6_000; step++)
        {
            final String prefix = keys.get(random.nextInt(keys.size()));
            final Ban held = store.get(prefix);
            if (null != held && random.nextBoolean())
            {
                store.remove(prefix);
                index.onExpired(held);
            }
            else
            {
                final Ban next = record(BanAction.BAN, prefix, originIds[random.nextInt(originIds.length)], 1 + random.nextInt(3_000), NOW);
                index.onStored(next, held, false);
                store.put(prefix, next);
            }
            if (step % 101 == 0)
            {
                assertRangesMatch(index, store, random, 3_000);
            }
        }
        assertRangesMatch(index, store, random, 3_000);
        assertEquals(store.values().stream().filter(ban -> ban.originNodeId() != UNKNOWN_ORIGIN).count(), index.size());
    }

    @Test
    void aRangeIsReadOldestFirstAndALimitKeepsTheOldest()
    {
        final OriginSequenceIndex index = new OriginSequenceIndex(origins, 100, counters.catchUpIndexFull, 7);
        for (int sequence = 50; sequence >= 1; sequence--)
        {
            index.onStored(record(BanAction.BAN, "203.0.113." + sequence, 2, sequence, NOW), null, false);
        }
        final int[] slots = new int[21];

        assertEquals(21, index.collect(origins.indexOf(2), 10, 45, slots, slots.length));
        for (int i = 0; i < 21; i++)
        {
            assertEquals(11 + i, index.sequence(slots[i]));
        }
        assertEquals("203.0.113.11", AddressText.format(index.prefix(slots[0], new IpPrefix())));
        assertEquals(5, index.collect(origins.indexOf(2), 40, 45, slots, slots.length), "(40, 45]");
        assertEquals(0, index.collect(origins.indexOf(2), 50, 90, slots, slots.length), "nothing after 50");
        assertEquals(0, index.collect(origins.indexOf(3), 0, 90, slots, slots.length), "origin 3 holds nothing");
    }

    @Test
    void anEntryThatFindsNoSlotIsCountedAndItsOriginIsNotClaimedPastIt()
    {
        final OriginSequenceIndex index = new OriginSequenceIndex(origins, 4, counters.catchUpIndexFull, 7);
        for (int sequence = 1; sequence <= 6; sequence++)
        {
            index.onStored(record(BanAction.BAN, "203.0.113." + sequence, 2, sequence, NOW), null, false);
        }
        index.onStored(record(BanAction.BAN, "203.0.113.99", UNKNOWN_ORIGIN, 1, NOW), null, false);

        assertEquals(4, index.size());
        assertEquals(2, counters.catchUpIndexFull.get(), "sequences 5 and 6, not the unknown origin's");
        assertEquals(4, index.indexedThrough(origins.indexOf(2)), "catch-up of origin 2 stops before sequence 5");
        assertEquals(Long.MAX_VALUE, index.indexedThrough(origins.indexOf(3)));
    }

    @Test
    void theTableKeepsItUpToDateAndItIsRebuiltByOneScan() throws Exception
    {
        try (BanStore store = BanStore.openForDaemon(dir.resolve("state"), 100))
        {
            final BanPolicy policy = new BanPolicy(List.of(), List.of(), 8, 32, 86_400, 1_000_000);
            final long retention = 86_400_000L;
            final BanTable table = new BanTable(store, policy, counters, retention, 300_000,
                new io.blocksync.daemon.table.HybridLogicalClock(() -> NOW, 300_000, counters.clockRefusedFutureHlc));
            table.applyRemote(record(BanAction.BAN, "198.51.100.1", 2, 1, NOW), NOW);
            table.applyRemote(record(BanAction.BAN, "198.51.100.2", 2, 2, NOW), NOW);
            final OriginSequenceIndex index = new OriginSequenceIndex(
                origins, OriginSequenceIndex.slotsFor(table.capacity(), table.size()), counters.catchUpIndexFull, 7).rebuild(table);
            table.addListener(index);
            assertEquals(2, index.size(origins.indexOf(2)), "what the store held at start");
            assertEquals(141, index.capacity(), "1.25 times the capacity, plus a few");

            // Origin 3 lifts origin 2's first ban: the tombstone replaces the ban in the index.
            table.applyRemote(record(BanAction.UNBAN, "198.51.100.1", 3, 1, NOW + 1), NOW + 1);
            final int[] slots = new int[4];
            assertEquals(1, index.collect(origins.indexOf(2), 0, 10, slots, slots.length));
            assertEquals(2, index.sequence(slots[0]));
            assertEquals(1, index.collect(origins.indexOf(3), 0, 10, slots, slots.length));

            // The ban expires after its hour, the tombstone after its retention: both leave the index.
            table.expire(NOW + 3_600_001);
            assertEquals(0, index.size(origins.indexOf(2)));
            assertEquals(1, index.size(origins.indexOf(3)));
            // The expiry index takes an entry in the second after its end: the tombstone's end is NOW + 1 + retention.
            table.expire(NOW + 1 + retention + 999);
            assertEquals(0, index.size(), "the dropped tombstone is gone too");
            assertEquals(0, table.size());
        }
    }

    @Test
    void anIndexSizedForAMillionEntriesTakesNoHeapAndMemoryOnlyAsItFills()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        final OriginSequenceIndex index = new OriginSequenceIndex(
            origins, OriginSequenceIndex.slotsFor(1_000_000, 0), counters.catchUpIndexFull, 7);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // The on-heap arrays of old took 34 bytes a slot up front: 42 MB, two thirds of the launcher's -Xmx64m.
        assertTrue(allocated < 64 * 1024, "sized for 1,250,016 entries, it allocated " + allocated + " bytes of heap");
        assertEquals(1_250_016, index.capacity());

        for (int sequence = 1; sequence <= SequenceEntries.CHUNK_ENTRIES + 1; sequence++)
        {
            index.onStored(record(BanAction.BAN, "2001:db8:" + Integer.toHexString(sequence) + "::/64", 2, sequence, NOW), null, false);
        }
        final int[] slots = new int[2];
        assertEquals(2, index.collect(origins.indexOf(2), SequenceEntries.CHUNK_ENTRIES - 1, Long.MAX_VALUE, slots, slots.length),
            "the entries on both sides of the first chunk's end");
        assertEquals(SequenceEntries.CHUNK_ENTRIES + 1, index.sequence(slots[1]));
        assertEquals("2001:db8:4001::/64", AddressText.format(index.prefix(slots[1], new IpPrefix())));
    }

    @Test
    void keepingItUpToDateAllocatesNothing()
    {
        final OriginSequenceIndex index = new OriginSequenceIndex(origins, 10_000, counters.catchUpIndexFull, 7);
        final Ban[] bans = new Ban[5_000];
        for (int i = 0; i < bans.length; i++)
        {
            bans[i] = record(BanAction.BAN, "2001:db8:" + Integer.toHexString(i) + "::/64", 2, i + 1, NOW);
        }
        final int[] slots = new int[21];
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (final Ban ban : bans)
            {
                index.onStored(ban, null, false);
            }
            for (int after = 0; after < bans.length; after += 20)
            {
                index.collect(origins.indexOf(2), after, after + 20, slots, slots.length);
            }
            for (final Ban ban : bans)
            {
                index.onExpired(ban);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, index.size());
        assertTrue(allocated < 1024, "the last round of 5,000 inserts, 250 ranges and 5,000 removals allocated " + allocated + " bytes");
    }

    private void assertRangesMatch(final OriginSequenceIndex index, final Map<String, Ban> store, final Random random)
    {
        assertRangesMatch(index, store, random, 400);
    }

    private void assertRangesMatch(
        final OriginSequenceIndex index, final Map<String, Ban> store, final Random random, final int sequences)
    {
        final int[] slots = new int[10_000];
        final IpPrefix prefix = new IpPrefix();
        for (final int origin : new int[] { 1, 2, 3 })
        {
            final long after = random.nextInt(sequences);
            final long through = after + random.nextInt(sequences);
            final List<String> expected = new ArrayList<>();
            store.values().stream()
                .filter(ban -> ban.originNodeId() == origin && ban.originSequence() > after && ban.originSequence() <= through)
                .sorted(Comparator.comparingLong((Ban ban) -> ban.originSequence()).thenComparing((Ban ban) -> AddressText.format(ban.prefix())))
                .forEach(ban -> expected.add(ban.originSequence() + " " + AddressText.format(ban.prefix())));

            final int found = index.collect(origins.indexOf(origin), after, through, slots, slots.length);
            final List<String> actual = new ArrayList<>();
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < found; i++)
            {
                assertTrue(index.sequence(slots[i]) >= previous, "oldest first");
                previous = index.sequence(slots[i]);
                actual.add(index.sequence(slots[i]) + " " + AddressText.format(index.prefix(slots[i], prefix)));
            }
            actual.sort(Comparator.comparingLong((String line) -> Long.parseLong(line.substring(0, line.indexOf(' '))))
                .thenComparing(line -> line));
            assertEquals(expected, actual, "origin " + origin + " in (" + after + ", " + through + "]");
        }
    }
}
