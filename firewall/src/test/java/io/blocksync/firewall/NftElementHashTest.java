package io.blocksync.firewall;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hashed element store of plain sets: seeded random inserts, finds, flag and deadline writes and removals against
 * a HashMap, through several doublings and back down to empty (every removal moves the last entry into the hole and
 * shifts a probe run back), keys that differ only in their low word or their length, and clear.
 */
class NftElementHashTest
{
    private static final int V4 = 4 << 8;
    private static final int V6 = 6 << 8;
    private final NftElementHash store = new NftElementHash();

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void agreesWithAHashMapThroughGrowthAndRemovals()
    {
        final Random random = new Random(2026_12_01L);
        final Map<List<Long>, long[]> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++)
        {
            // 20,000 keys: the table grows to them, and late in the run removals win and empty it again.
            final long key = random.nextInt(20_000);
            final long high = 0x20010db800000000L | key >>> 3;
            final long low = key & 7;
            final int meta = (key & 1) == 0 ? V6 | 64 : V6 | 128;
            final List<Long> name = List.of(high, low, (long)meta);
            final int found = store.find(high, low, meta);
            final long[] expected = reference.get(name);
            assertEquals(null != expected, NftElements.NONE != found, "step " + step);
            if (null != expected)
            {
                assertEquals(expected[0], store.deadlineMs(found));
                assertEquals(1 == expected[1], store.inKernel(found));
                assertTrue(store.is(found, high, low, meta));
            }
            final boolean removing = step > 120_000 ? random.nextInt(10) < 8 : random.nextInt(10) < 3;
            if (removing && null != expected)
            {
                store.remove(found);
                reference.remove(name);
            }
            else if (!removing && null == expected)
            {
                final int at = store.insert(high, low, meta, step, 0);
                store.inKernel(at, 0 == step % 3);
                reference.put(name, new long[]{ step, 0 == step % 3 ? 1 : 0 });
            }
            else if (null != expected)
            {
                store.deadlineMs(found, -step);
                store.inKernel(found, !store.inKernel(found));
                expected[0] = -step;
                expected[1] = 1 - expected[1];
            }
            assertEquals(reference.size(), store.size(), "step " + step);
        }
        assertWalks(reference.size());
    }

    @Test
    void walksEveryEntryOnceAndClearsToEmpty()
    {
        for (int i = 0; i < 5_000; i++)
        {
            store.insert(0xC6336400L << 32, i, V4 | 32, i, NftElements.IN_KERNEL);
        }
        assertWalks(5_000);
        assertTrue(store.directBytes() >= 5_000L * NftElements.ENTRY);

        store.clear();
        assertEquals(0, store.size());
        assertEquals(NftElements.NONE, store.cursor().first().next());
        assertEquals(NftElements.NONE, store.find(0xC6336400L << 32, 7, V4 | 32));
        final int at = store.insert(0xC6336400L << 32, 7, V4 | 32, 9, 0);
        assertEquals(at, store.find(0xC6336400L << 32, 7, V4 | 32));
        assertFalse(store.inKernel(at));
    }

    private void assertWalks(final int expected)
    {
        final Set<List<Long>> seen = new HashSet<>();
        final NftElements.Cursor cursor = store.cursor().first();
        for (int at = cursor.next(); NftElements.NONE != at; at = cursor.next())
        {
            assertTrue(seen.add(List.of(store.high(at), store.low(at), (long)store.meta(at))));
            assertEquals(at, store.find(store.high(at), store.low(at), store.meta(at)));
        }
        assertEquals(expected, seen.size());
    }
}
