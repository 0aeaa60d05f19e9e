package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HighWaterMarksTest
{
    @TempDir
    Path dir;

    @Test
    void marksRiseOnlyOverContiguousRanges()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress);
            assertEquals(20, marks.onRange(7, 0, 20));
            assertEquals(20, marks.onRange(7, 40, 60), "a range beyond a gap waits");
            assertEquals(20, marks.onRange(7, 25, 40), "still a gap at 21..25");
            assertEquals(60, marks.onRange(7, 20, 25), "the gap closes and the waiting ranges join");
            assertEquals(60, marks.onRange(7, 10, 30), "old ranges change nothing");
        }
    }

    @Test
    void aLongBurstBehindOneHoleJoinsAtOnceWhenTheHoleCloses()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress);
            for (int batch = 1; batch < 200; batch++)
            {
                marks.onRange(7, batch * 20L, batch * 20L + 20);
            }
            assertEquals(0, marks.highWater(7), "the first batch is missing");
            assertEquals(4000, marks.onRange(7, 0, 20), "199 waiting batches joined, not just the first few");
        }
    }

    @Test
    void marksAndProgressSurviveAReopen()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress);
            marks.onRange(2, 0, 33);
            marks.own(1, 12);
            marks.receivedCumulative(2, 44);
            progress.lastPacketSequence(99);
            progress.streamNext(7);
        }
        try (ProgressFile progress = ProgressFile.open(dir, 1))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress);
            assertEquals(33, marks.highWater(2));
            assertEquals(12, marks.highWater(1));
            assertEquals(44, marks.receivedCumulative(2));
            assertEquals(99, progress.lastPacketSequence());
            assertEquals(7, progress.streamNext());
            assertEquals(2, marks.count());
        }
    }

    @Test
    void aProgressFileBelongsToOneNode()
    {
        ProgressFile.open(dir, 1).close();
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> ProgressFile.open(dir, 2));
        assertEquals(true, error.getMessage().contains("belongs to node 1"), error.getMessage());
    }

    @Test
    void packetSequencesStartAboveBothThePersistedValueAndTheClock()
    {
        assertEquals(1000L << 20, PacketSealer.firstSequence(5, 1000));
        assertEquals((1000L << 20) + 1, PacketSealer.firstSequence(1000L << 20, 1000));
    }
}
