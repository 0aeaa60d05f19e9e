package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attack on the plain-set hash: one probe run that wraps past the table's last slot (keys chosen by their home slot
 * in the first 128-slot table), emptied from its middle in every order, so Knuth's backward shift must handle the
 * wrap; then the same keys across a growth.
 */
class NftElementHashWrapTest
{
    private static final int V4 = 4 << 8 | 32;

    @Test
    void aProbeRunWrappingPastTheLastSlotSurvivesRemovalsInAnyOrder()
    {
        final List<long[]> keys = new ArrayList<>();
        for (long a = 1; keys.size() < 40; a++)
        {
            final long high = a << 32;
            final int home = ElementKey.hash(high, 0, V4) & 127;
            if (home >= 120 || home <= 3)
            {
                keys.add(new long[]{high});
            }
        }
        final Random random = new Random(14);
        for (int round = 0; round < 500; round++)
        {
            final NftElementHash hash = new NftElementHash();
            try
            {
                for (final long[] key : keys)
                {
                    assertEquals(NftElements.NONE, hash.find(key[0], 0, V4));
                    hash.insert(key[0], 0, V4, key[0], 0);
                }
                final List<long[]> live = new ArrayList<>(keys);
                while (!live.isEmpty())
                {
                    final long[] gone = live.remove(random.nextInt(live.size()));
                    final int at = hash.find(gone[0], 0, V4);
                    assertTrue(at >= 0);
                    hash.remove(at);
                    assertEquals(NftElements.NONE, hash.find(gone[0], 0, V4));
                    for (final long[] key : live)
                    {
                        final int position = hash.find(key[0], 0, V4);
                        assertTrue(position >= 0, "lost a key after a removal, round " + round);
                        assertEquals(key[0], hash.deadlineMs(position));
                    }
                    assertEquals(live.size(), hash.size());
                    if (random.nextInt(4) == 0 && !live.isEmpty())
                    {
                        // Re-add one removed meanwhile through the miss cache.
                        final long[] back = gone;
                        assertEquals(NftElements.NONE, hash.find(back[0], 0, V4));
                        hash.insert(back[0], 0, V4, back[0], 0);
                        live.add(back);
                    }
                }
            }
            finally
            {
                hash.close();
            }
        }
    }
}
