package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamReceiveStateTest
{
    @Test
    void inOrderBatchesMoveTheCumulativePoint()
    {
        final StreamReceiveState state = new StreamReceiveState();
        for (long s = 1; s <= 100; s++)
        {
            assertTrue(state.onBatch(s));
        }
        assertEquals(100, state.cumulative());
        assertEquals(0, state.selectiveBitmap());
        assertFalse(state.onBatch(57), "a batch at or below the cumulative point is a duplicate");
    }

    @Test
    void gapsShowInTheSelectiveBitmapUntilFilled()
    {
        final StreamReceiveState state = new StreamReceiveState();
        state.onBatch(1);
        state.onBatch(3);
        state.onBatch(5);
        assertEquals(1, state.cumulative());
        assertEquals(0b1010L, state.selectiveBitmap(), "bit i is cumulative + 1 + i: 3 and 5 received, 2 and 4 missing");
        assertFalse(state.isNew(3));
        assertTrue(state.isNew(2));

        state.onBatch(2);
        assertEquals(3, state.cumulative());
        assertEquals(0b10L, state.selectiveBitmap());
        state.onBatch(4);
        assertEquals(5, state.cumulative());
        assertEquals(0, state.selectiveBitmap());
    }

    @Test
    void skippingToTheSendersOldestRetainedKeepsWhatArrivedBeyondIt()
    {
        final StreamReceiveState state = new StreamReceiveState();
        state.reset(10);
        state.onBatch(21);
        state.onBatch(23);
        assertTrue(state.skipTo(21), "the sender holds nothing below 21: 11..20 will never come");
        assertEquals(21, state.cumulative(), "11..20 skipped, 21 had arrived");
        assertEquals(0b10L, state.selectiveBitmap(), "22 missing, 23 received");
        assertFalse(state.skipTo(5), "never backwards");
        assertTrue(state.skipTo(1_000));
        assertEquals(999, state.cumulative());
        assertEquals(0, state.selectiveBitmap());
    }

    @Test
    void batchesBeyondTheTrackedRangeAreRefusedUntilTheHoleCloses()
    {
        final StreamReceiveState state = new StreamReceiveState();
        assertTrue(state.isTooFarAhead(StreamReceiveState.RANGE + 1));
        assertFalse(state.onBatch(StreamReceiveState.RANGE + 1));
        for (long s = 2; s <= StreamReceiveState.RANGE; s++)
        {
            assertTrue(state.onBatch(s), "sequence " + s);
        }
        assertEquals(0, state.cumulative(), "1 is still missing");
        assertTrue(state.onBatch(1));
        assertEquals(StreamReceiveState.RANGE, state.cumulative(), "the whole tracked range joins at once");
        assertTrue(state.onBatch(StreamReceiveState.RANGE + 1));
        assertEquals(StreamReceiveState.RANGE + 1, state.cumulative());
    }

    @Test
    void holesFarBehindStillShowTheFirstSixtyFourInTheAck()
    {
        final StreamReceiveState state = new StreamReceiveState();
        for (long s = 2; s <= 300; s++)
        {
            state.onBatch(s);
        }
        assertEquals(0, state.cumulative());
        assertEquals(-2L, state.selectiveBitmap(), "2..65 received, 1 missing");
        assertTrue(state.skipTo(2));
        assertEquals(300, state.cumulative());
    }
}
