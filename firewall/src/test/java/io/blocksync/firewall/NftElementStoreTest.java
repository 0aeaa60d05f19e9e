package io.blocksync.firewall;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The off-heap element store: growth past its first regions and many merges, tombstones revived and squeezed out,
 * order as {@code IpPrefix} compares (unsigned address, then length), and seeded random inserts and removals
 * against a TreeMap.
 */
class NftElementStoreTest
{
    private static final int V6 = 6 << 8;
    private final NftElementStore store = new NftElementStore();

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void growsPastItsFirstRegionsAndWalksInAddressThenLengthOrder()
    {
        final int count = 50_000;
        for (int i = count - 1; i >= 0; i--)
        {
            // Descending inserts: each lands at the front of the delta, the worst case for shifting.
            final int element = store.insert((long)i << 32, 0, V6 | 64, i, 0);
            assertEquals(i, store.deadlineMs(element));
        }
        store.insert(0x8000_0000_0000_0000L, 0, V6 | 1, 7, NftElementStore.IN_KERNEL);
        store.insert(0, 0, V6 | 48, 8, 0);
        assertEquals(count + 2, store.size());
        assertTrue(store.directBytes() >= (count + 2L) * NftElementStore.ENTRY);

        final NftElements.Cursor cursor = store.cursor().first();
        assertEquals(V6 | 48, store.meta(cursor.next()), "::/48 before ::/64 (same address, shorter first)");
        assertEquals(0, store.high(cursor.next()));
        for (int i = 1; i < count; i++)
        {
            assertEquals((long)i << 32, store.high(cursor.next()));
        }
        final int top = cursor.next();
        assertEquals(0x8000_0000_0000_0000L, store.high(top), "unsigned: 8000:: after every 0000:xxxx::");
        assertTrue(store.inKernel(top));
        assertEquals(NftElementStore.NONE, cursor.next());
    }

    @Test
    void aRemovedEntryIsGoneAndComesBackInPlaceAndSeekStartsAtTheKey()
    {
        for (int i = 0; i < 10_000; i++)
        {
            store.insert(i, 0, V6 | 64, i, 0);
        }
        final int removed = store.find(5_000, 0, V6 | 64);
        store.remove(removed);
        assertEquals(NftElementStore.NONE, store.find(5_000, 0, V6 | 64));
        assertEquals(9_999, store.size());

        final NftElements.Cursor cursor = store.cursor().seek(5_000, 0, V6 | 64);
        assertEquals(5_001, store.high(cursor.next()), "the removed entry is skipped");

        final int back = store.insert(5_000, 0, V6 | 64, 42, NftElementStore.IN_KERNEL);
        assertEquals(42, store.deadlineMs(back));
        assertTrue(store.inKernel(back));
        store.inKernel(back, false);
        assertFalse(store.inKernel(store.find(5_000, 0, V6 | 64)));
        assertEquals(10_000, store.size());

        store.clear();
        assertEquals(0, store.size());
        assertEquals(NftElementStore.NONE, store.cursor().first().next());
    }

    @Test
    void everyKeyIsFoundAfterMergesAtTheEndInTheMiddleAndAtTheFront()
    {
        // Ascending inserts merge at the end (the sparse index is re-read from there only), then seeded random keys
        // land anywhere, then keys below all others: after each insert every 997th key so far must still be found.
        final Random random = new Random(13);
        final List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 60_000; i++)
        {
            final long key = i < 20_000 ? 0x4000_0000_0000_0000L + ((long)i << 20) :
                i < 40_000 ? 0x4000_0000_0000_0000L + (random.nextLong() >>> 2) : 0x1000_0000_0000_0000L - 2L * i;
            if (NftElementStore.NONE != store.find(key, 0, V6 | 64))
            {
                continue;
            }
            store.insert(key, 0, V6 | 64, i, 0);
            keys.add(key);
            for (int k = keys.size() - 1; k >= 0; k -= 997)
            {
                assertTrue(NftElementStore.NONE != store.find(keys.get(k), 0, V6 | 64), "key " + k + " after " + i);
            }
            assertEquals(NftElementStore.NONE, store.find(key + 1, 0, V6 | 64));
        }
        assertEquals(keys.size(), store.size());
        final NftElements.Cursor cursor = store.cursor().first();
        long previous = 0;
        for (int element = cursor.next(); NftElementStore.NONE != element; element = cursor.next())
        {
            assertTrue(Long.compareUnsigned(previous, store.high(element)) < 0, "in order");
            previous = store.high(element);
        }
    }

    @Test
    void seededInsertsAndRemovalsMatchATreeMap()
    {
        final Random random = new Random(20261201);
        final TreeMap<Long, Long> reference = new TreeMap<>(Long::compareUnsigned);
        for (int step = 0; step < 200_000; step++)
        {
            final long key = random.nextInt(20_000) * 0x0123_4567_89AB_CDEFL;
            final int found = store.find(key, 0, V6 | 64);
            assertEquals(reference.containsKey(key), NftElementStore.NONE != found, "step " + step);
            if (NftElementStore.NONE == found)
            {
                store.insert(key, 0, V6 | 64, step, 0);
                reference.put(key, (long)step);
            }
            else
            {
                assertEquals(reference.get(key), store.deadlineMs(found));
                if (random.nextBoolean())
                {
                    store.remove(found);
                    reference.remove(key);
                }
                else
                {
                    store.deadlineMs(found, step);
                    reference.put(key, (long)step);
                }
            }
        }
        assertEquals(reference.size(), store.size());
        final List<Long> walked = new ArrayList<>();
        final NftElements.Cursor cursor = store.cursor().first();
        for (int element = cursor.next(); NftElementStore.NONE != element; element = cursor.next())
        {
            walked.add(store.high(element));
            assertEquals(reference.get(store.high(element)), store.deadlineMs(element));
        }
        assertEquals(new ArrayList<>(reference.keySet()), walked);
    }
}
