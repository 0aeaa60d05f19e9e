package io.blocksync.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplayWindowTest
{
    @Test
    void windowIsAtLeast1024PacketsWide()
    {
        assertEquals(true, ReplayWindow.WINDOW_SIZE >= 1024);
    }

    @Test
    void acceptsEachSequenceOnceInAnyOrderWithinTheWindow()
    {
        final ReplayWindow window = new ReplayWindow();
        final long base = 10_000;
        for (long s = base + ReplayWindow.WINDOW_SIZE - 1; s >= base; s -= 3)
        {
            assertEquals(RejectReason.NONE, window.check(s), "first sight of " + s);
            window.accept(s);
        }
        for (long s = base + ReplayWindow.WINDOW_SIZE - 1; s >= base; s -= 3)
        {
            assertEquals(RejectReason.REPLAY, window.check(s), "second sight of " + s);
        }
        assertEquals(RejectReason.NONE, window.check(base + 1));
    }

    @Test
    void bigJumpForgetsEverythingBehindTheWindow()
    {
        final ReplayWindow window = new ReplayWindow();
        window.accept(5);
        window.accept(5 + 100 * ReplayWindow.WINDOW_SIZE);
        assertEquals(RejectReason.TOO_OLD, window.check(5));
        assertEquals(RejectReason.NONE, window.check(4 + 100 * ReplayWindow.WINDOW_SIZE));
        assertEquals(RejectReason.REPLAY, window.check(5 + 100 * ReplayWindow.WINDOW_SIZE));
    }

    @Test
    void advancingByPartialBlocksClearsOnlyStaleBits()
    {
        final ReplayWindow window = new ReplayWindow();
        for (long s = 1; s <= 20 * ReplayWindow.WINDOW_SIZE; s += 7)
        {
            assertEquals(RejectReason.NONE, window.check(s), "sequence " + s);
            window.accept(s);
            if (s > 7)
            {
                assertEquals(RejectReason.REPLAY, window.check(s - 7));
                assertEquals(RejectReason.NONE, window.check(s - 1));
            }
        }
    }

    @Test
    void resetToAFloorTreatsEverythingUpToItAsSeen()
    {
        final ReplayWindow window = new ReplayWindow();
        for (final long floor : new long[]{ 0, 1, 63, 64, 127, 1_000_000 })
        {
            window.reset(floor);
            if (floor > 0)
            {
                assertEquals(RejectReason.REPLAY, window.check(floor), "floor " + floor);
            }
            assertEquals(RejectReason.NONE, window.check(floor + 1), "floor " + floor);
            window.accept(floor + 3);
            assertEquals(RejectReason.NONE, window.check(floor + 2), "floor " + floor);
            assertEquals(RejectReason.NONE, window.check(floor + 1), "floor " + floor);
        }
    }

    @Test
    void nonPositiveSequencesAreNeverAccepted()
    {
        final ReplayWindow window = new ReplayWindow();
        assertEquals(RejectReason.TOO_OLD, window.check(0));
        assertEquals(RejectReason.TOO_OLD, window.check(-1));
        assertEquals(RejectReason.TOO_OLD, window.check(Long.MIN_VALUE));
    }
}
