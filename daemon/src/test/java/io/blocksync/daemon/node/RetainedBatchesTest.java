package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RetainedBatches#oldest()} and {@link RetainedBatches#contains} without scanning the ring: the held batches are
 * those committed since the ring began, at most its capacity of them.
 */
class RetainedBatchesTest
{
    /** A stream that starts at a clock-derived sequence (a node's start) holds nothing below it, then fills and wraps. */
    @Test
    void holdsWhatWasCommittedSinceItsStartAndAtMostItsCapacity()
    {
        final long start = 1_733_000_000_123L;
        final RetainedBatches ring = new RetainedBatches(8, start);
        assertEquals(start, ring.oldest(), "nothing held yet");
        assertFalse(ring.contains(start - 1));
        assertFalse(ring.contains(start));

        for (int i = 0; i < 5; i++)
        {
            assertEquals(start + i, ring.commit(100));
        }
        assertEquals(start, ring.oldest(), "none dropped while the ring has room");
        assertFalse(ring.contains(start - 1), "below the start: never committed, though within a capacity of next");
        assertTrue(ring.contains(start));
        assertTrue(ring.contains(start + 4));
        assertFalse(ring.contains(start + 5), "not committed yet");

        for (int i = 5; i < 20; i++)
        {
            ring.commit(100);
        }
        assertEquals(start + 12, ring.oldest(), "the last 8 of 20 held");
        assertFalse(ring.contains(start + 11));
        assertTrue(ring.contains(start + 12));
        assertTrue(ring.contains(start + 19));
        assertFalse(ring.contains(start + 20));
    }

    @Test
    void aFreshStreamStartsAtOne()
    {
        final RetainedBatches ring = new RetainedBatches(4, 0);
        assertEquals(1, ring.oldest());
        ring.commit(100);
        ring.commit(100);
        assertEquals(1, ring.oldest());
        assertFalse(ring.contains(0));
        assertTrue(ring.contains(1) && ring.contains(2));
        for (int i = 0; i < 4; i++)
        {
            ring.commit(100);
        }
        assertEquals(3, ring.oldest(), "6 committed, the last 4 held");
    }
}
