package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void aWindowOverABufferIsRestoredExactlyByTheNextWindowOverTheSameBytes()
    {
        final UnsafeBuffer region = new UnsafeBuffer(new byte[8 + 2 * ReplayWindow.LENGTH]);
        final ReplayWindow before = new ReplayWindow(region, 8 + ReplayWindow.LENGTH);
        final ReplayWindow reference = new ReplayWindow();
        final Random random = new Random(42);
        final long base = 1_764_000_000_000L << 20;
        final boolean[] taken = new boolean[3 * ReplayWindow.WINDOW_SIZE];
        for (int i = 0; i < 5_000; i++)
        {
            final int step = random.nextInt(taken.length);
            if (before.check(base + step) == RejectReason.NONE)
            {
                before.accept(base + step);
                reference.accept(base + step);
                taken[step] = true;
            }
        }

        // As a restarted process would: a new window over the same bytes, nothing else carried over.
        final ReplayWindow after = new ReplayWindow(region, 8 + ReplayWindow.LENGTH);
        assertEquals(reference.highest(), after.highest());
        int refused = 0;
        for (int step = 0; step < taken.length; step++)
        {
            final int answer = after.check(base + step);
            assertEquals(reference.check(base + step), answer, "sequence base + " + step);
            refused += taken[step] && answer == RejectReason.REPLAY ? 1 : 0;
        }
        assertEquals(true, refused > 1_000, "most of what was taken is refused again: " + refused);
        assertEquals(0, region.getLong(0), "the bytes before the window are untouched");
        assertEquals(0, new ReplayWindow(region, 8).highest(), "and so is the window beside it");
    }

    @Test
    void aWindowNeedsAnAlignedRegionInsideItsBuffer()
    {
        final UnsafeBuffer region = new UnsafeBuffer(new byte[2 * ReplayWindow.LENGTH]);
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(region, 4));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(region, ReplayWindow.LENGTH + 8));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(region, -8));
        assertEquals(0, new ReplayWindow(region, ReplayWindow.LENGTH).highest());
    }
}
