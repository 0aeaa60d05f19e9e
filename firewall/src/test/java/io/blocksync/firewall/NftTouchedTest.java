package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch's touch log keeps each key once, with the state of its first touch, in first-touch order, through the
 * growth of its index, and forgets everything at clear.
 */
class NftTouchedTest
{
    private static final int V6 = 6 << 8;

    @Test
    void keepsTheFirstTouchOfEachKeyInOrderThroughGrowthAndClear()
    {
        final NftTouched touched = new NftTouched();
        for (int batch = 0; batch < 3; batch++)
        {
            final int keys = 1_000 + batch;
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < keys; i++)
                {
                    // The second round's state must not replace the first's.
                    touched.touch(i, batch, V6 | 64, 0 == round, 0 == i % 2, round * 1_000_000L + i);
                }
            }
            assertEquals(keys, touched.size());
            for (int i = 0; i < keys; i++)
            {
                assertEquals(i, touched.high(i));
                assertEquals(batch, touched.low(i));
                assertEquals(V6 | 64, touched.meta(i));
                assertTrue(touched.existed(i));
                assertEquals(0 == i % 2, touched.inKernel(i));
                assertEquals(i, touched.deadlineMs(i));
            }
            touched.clear();
            assertTrue(touched.isEmpty());
        }
        touched.touch(1, 2, V6 | 64, false, true, 5);
        touched.touch(1, 2, V6 | 63, true, false, 6);
        assertEquals(2, touched.size(), "keys differing only in length are two");
        assertFalse(touched.existed(0));
    }
}
