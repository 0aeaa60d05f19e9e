package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressFileEpochTest
{
    private static final long NOW = 1_764_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aNewEpochOverAnExistingFileJumpsBothSequencesAboveTheClock() throws Exception
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, 0))
        {
            progress.streamNext(101);
        }
        try (ProgressFile progress = ProgressFile.open(dir, 1, NOW))
        {
            assertFalse(progress.newEpoch(), "the file continues");
            assertEquals(101, progress.streamNext());

            progress.startNewEpoch(NOW);

            assertTrue(progress.newEpoch());
            assertEquals(ProgressFile.epochStart(NOW) + 1, progress.streamNext());
            assertEquals(ProgressFile.epochStart(NOW), progress.lastOriginSequence());
        }
        try (ProgressFile progress = ProgressFile.open(dir, 1, NOW))
        {
            assertEquals(ProgressFile.epochStart(NOW) + 1, progress.streamNext(), "the epoch is kept in the file");
        }
    }

    @Test
    void aNewEpochNeverMovesASequenceDown() throws Exception
    {
        try (ProgressFile progress = ProgressFile.open(dir, 1, NOW))
        {
            final long ahead = ProgressFile.epochStart(NOW) + 500;
            progress.streamNext(ahead);
            progress.startNewEpoch(NOW - 1_000);
            assertTrue(progress.streamNext() >= ahead, "never down: " + progress.streamNext());
        }
    }

    /**
     * After an unclean stop a node starts a new epoch so that no stream or origin sequence a peer holds is used
     * again. The file may be stale (batches leave before the sync that covers them) and the wall clock at boot may be
     * behind (a board without a real-time clock, before NTP): the epoch must still start above what was sent, which
     * only the synced sequence ceiling knows.
     */
    @Test
    void aNewEpochAfterPowerLossWithTheClockBehindStartsAboveEverySequenceSent() throws Exception
    {
        final Path disk = dir.resolve("disk");
        Files.createDirectories(disk);
        final long sentStream;
        final long sentOrigin;
        final long sentPacket;
        try (ProgressFile progress = ProgressFile.open(dir, 1, NOW))
        {
            // The state as last synced: the disk's copy.
            Files.copy(dir.resolve(ProgressFile.FILE_NAME), disk.resolve(ProgressFile.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
            // Ten more decisions in ten batches went to the peers; their sync never completed (power loss). The
            // lease lets them use sequences up to the synced ceiling, no further.
            sentStream = progress.streamNext() + 9;
            sentOrigin = progress.lastOriginSequence() + 10;
            sentPacket = progress.sequenceCeiling();
        }
        // The board boots with its clock at the last saved time, an hour before the run started (or in 1970).
        for (final long bootMillis : new long[] { NOW - 3_600_000L, 0 })
        {
            final Path copy = dir.resolve("boot" + bootMillis);
            Files.createDirectories(copy);
            Files.copy(disk.resolve(ProgressFile.FILE_NAME), copy.resolve(ProgressFile.FILE_NAME));
            try (ProgressFile progress = ProgressFile.open(copy, 1, bootMillis))
            {
                progress.startNewEpoch(bootMillis);
                assertTrue(progress.streamNext() > sentStream,
                    "the new epoch's next stream sequence " + progress.streamNext() + " is one peers already hold (up to " + sentStream + ")");
                assertTrue(progress.lastOriginSequence() >= sentOrigin,
                    "the new epoch numbers decisions from " + (progress.lastOriginSequence() + 1) + ", peers hold up to " + sentOrigin);
                assertTrue(progress.lastPacketSequence() >= sentPacket, "packet sequences continue above the ceiling");
                assertTrue(progress.sequenceCeiling() >= progress.highestSequenceUsed() + ProgressFile.SEQUENCE_LEASE,
                    "the new epoch has a lease of its own");
            }
        }
    }
}
