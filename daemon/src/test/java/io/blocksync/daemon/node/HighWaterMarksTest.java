package io.blocksync.daemon.node;

import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.testkit.Poll;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HighWaterMarksTest
{
    @TempDir
    Path dir;

    @Test
    void marksRiseOnlyOverContiguousRanges()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 7 });
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
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 7 });
            for (int batch = 1; batch < 200; batch++)
            {
                marks.onRange(7, batch * 20L, batch * 20L + 20);
            }
            assertEquals(0, marks.highWater(7), "the first batch is missing");
            assertEquals(4000, marks.onRange(7, 0, 20), "199 waiting batches joined, not just the first few");
        }
    }

    @Test
    void everyHoleIsRememberedExactlyNotJustTheFirstSixteen()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 7 });
            // 500 batches of 10 with every other one missing: 250 separate waiting ranges.
            for (int batch = 1; batch < 500; batch += 2)
            {
                marks.onRange(7, batch * 10L, batch * 10L + 10);
            }
            assertEquals(250, marks.pendingRanges(7));
            for (int batch = 498; batch >= 2; batch -= 2)
            {
                assertEquals(0, marks.onRange(7, batch * 10L, batch * 10L + 10), "batch 0 is still missing");
            }
            assertEquals(1, marks.pendingRanges(7), "the filled holes merged everything behind batch 0 into one range");
            assertEquals(5000, marks.onRange(7, 0, 10), "every record held is joined at once");
            assertEquals(0, marks.pendingRanges(7));
        }
    }

    @Test
    void overlappingAndReorderedRangesMergeAndOldOnesChangeNothing()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 7 });
            marks.onRange(7, 50, 60);
            marks.onRange(7, 30, 40);
            marks.onRange(7, 70, 80);
            assertEquals(3, marks.pendingRanges(7));
            marks.onRange(7, 35, 75);
            assertEquals(1, marks.pendingRanges(7), "(30, 80] as one");
            assertEquals(29, marks.onRange(7, 0, 29), "still a gap at 30");
            assertEquals(80, marks.onRange(7, 29, 30));
            assertEquals(80, marks.onRange(7, 10, 20));
            assertEquals(0, marks.pendingRanges(7));
        }
    }

    @Test
    void atTheCapTheRangeFurthestAheadIsForgottenAndCounted()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final AtomicCounter dropped = new AtomicCounter(new UnsafeBuffer(new byte[128]), 0);
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 7 }, dropped, 4);
            for (int i = 1; i <= 4; i++)
            {
                marks.onRange(7, i * 100L, i * 100L + 10);
            }
            assertEquals(4, marks.pendingRanges(7));
            marks.onRange(7, 50, 60);
            assertEquals(1, dropped.get(), "(400, 410] forgotten for the nearer (50, 60]");
            marks.onRange(7, 500, 510);
            assertEquals(2, dropped.get(), "a range beyond them all is not remembered");
            assertEquals(4, marks.pendingRanges(7));
            assertEquals(60, marks.onRange(7, 0, 50));
            assertEquals(310, marks.onRange(7, 60, 300), "what was kept joins");
            assertEquals(400, marks.onRange(7, 310, 400), "the forgotten (400, 410] is not joined");
            assertEquals(410, marks.onRange(7, 400, 410), "it must come again");
        }
    }

    @Test
    void marksAndProgressSurviveAReopen()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 2 });
            marks.onRange(2, 0, 33);
            marks.own(1, 12);
            marks.receivedCumulative(2, 44);
            progress.lastPacketSequence(99);
            progress.streamNext(7);
        }
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 2 });
            assertEquals(33, marks.highWater(2));
            assertEquals(12, marks.highWater(1));
            assertEquals(44, marks.receivedCumulative(2));
            assertEquals(99, progress.lastPacketSequence());
            assertEquals(7, progress.streamNext());
            assertEquals(2, marks.count());
        }
    }

    @Test
    void onlyConfiguredNodesHaveMarksAndAnIdFirstSeenOnTheWireChangesNothing()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 2, 3 });
            assertEquals(3, marks.count(), "this node and its two peers");
            assertEquals(List.of(1, 2, 3), List.of(marks.nodeIdAt(0), marks.nodeIdAt(1), marks.nodeIdAt(2)));
            for (int fake = 100; fake < 100_000; fake++)
            {
                assertEquals(0, marks.onRange(fake, 0, 5));
                marks.receivedCumulative(fake, 9);
            }
            assertEquals(3, marks.count(), "no mark was made for any of the made-up ids");
            assertEquals(-1, marks.indexOf(100));
            assertEquals(0, marks.highWater(100));
            assertEquals(-1, progress.slot(100), "nor a slot in the progress file");
            assertEquals(0, progress.slotNodeId(3));
            assertEquals(1, marks.indexOf(2));
        }
    }

    @Test
    void slotsOfNodesNoLongerConfiguredAreFreedAtStartAndTheOthersKeepTheirMarks()
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 2, 3, 4 });
            marks.onRange(2, 0, 20);
            marks.onRange(3, 0, 30);
            marks.onRange(4, 0, 40);
            marks.receivedCumulative(4, 44);
        }
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 4, 2 });
            assertEquals(1, marks.freedAtStart(), "node 3 left the config");
            assertEquals(3, marks.count());
            assertEquals(40, marks.highWater(4));
            assertEquals(44, marks.receivedCumulative(4));
            assertEquals(20, marks.highWater(2));
            assertEquals(0, marks.highWater(3));
            assertEquals(-1, progress.slot(3));
        }
    }

    @Test
    void aProgressFileBelongsToOneNode()
    {
        ProgressFile.open(dir, 1, 0).close();
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> ProgressFile.open(dir, 2, 0));
        assertEquals(true, error.getMessage().contains("belongs to node 1"), error.getMessage());
    }

    @Test
    void packetSequencesStartAboveBothThePersistedValueAndTheClock()
    {
        assertEquals(1000L << 20, PacketSealer.firstSequence(5, 1000));
        assertEquals((1000L << 20) + 1, PacketSealer.firstSequence(1000L << 20, 1000));
    }

    /**
     * With syncing, the file gets a mark only after the sync that covers the records it counts, so that whatever of
     * the file the kernel writes back before a power loss claims nothing the synced log lacks.
     */
    @Test
    void withSyncingTheFileGetsMarksAndReceivedPositionsOnlyAfterTheSyncCoveringThem() throws Exception
    {
        final NodeCounters counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersManager.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersManager.COUNTER_LENGTH, 64))));
        final CountDownLatch gate = new CountDownLatch(1);
        final long[] fileMarkDuringSync = { -1 };
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            final StateSync held = new StateSync()
            {
                public void sync() throws java.io.IOException
                {
                    fileMarkDuringSync[0] = progress.highWater(1);
                    try
                    {
                        gate.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new java.io.IOException(ex);
                    }
                }

                public void syncMap()
                {
                }
            };
            final GroupCommit commit = GroupCommit.start(held, () -> { }, counters, line -> { }, "test-sync");
            try
            {
                final HighWaterMarks marks = new HighWaterMarks(progress, new int[] { 7 });
                marks.writeAfterSyncs(commit);
                marks.onRange(7, 0, 20);
                marks.receivedCumulative(7, 5);
                commit.publish();
                Poll.until("the sync started", () -> fileMarkDuringSync[0] >= 0);

                assertEquals(20, marks.highWater(7), "the loop sees its mark at once");
                assertEquals(0, progress.highWater(1), "the file does not, while the sync covering it runs");
                assertEquals(0, progress.receivedCumulative(1));
                gate.countDown();
                Poll.until("the sync completed", () -> commit.durablePoint() >= 1);
                assertEquals(20, progress.highWater(1), "after the sync, the file has the mark");
                assertEquals(5, progress.receivedCumulative(1));
            }
            finally
            {
                gate.countDown();
                commit.close();
            }
        }
    }
}
