package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
            assertEquals(ahead, progress.streamNext());
        }
    }
}
