package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one retry schedule of a backend's tool: which side's failure holds element commits. Found by
 * ReconcilerConvergenceKernelTest on a faster host: with the table gone and its re-creation refused, bans arriving one
 * every 50 ms each ran a commit into the missing table between the object check's rounds (45 runs of nft in 3 s).
 */
class ToolBackoffTest
{
    private static final long MS = 1_000_000L;

    private static ToolBackoff backoff()
    {
        return new ToolBackoff(new BanDeadlines(new BatcherSettings().retryInitialMs(100), new LogBackend((line) -> { })));
    }

    @Test
    void aFailedObjectCheckHoldsCommitsUntilTheRoundsRetryTime()
    {
        final ToolBackoff tool = backoff();
        assertFalse(tool.holdingWrites(0));
        tool.failed(ToolBackoff.OBJECTS, 0);
        assertTrue(tool.holding(50 * MS));
        assertTrue(tool.holdingWrites(50 * MS), "a commit into objects that could not be re-created fails whatever it holds");
        assertFalse(tool.holdingWrites(100 * MS), "the next round may try");
        tool.failed(ToolBackoff.OBJECTS, 100 * MS);
        assertEquals(2, tool.attempts());
        assertTrue(tool.holdingWrites(250 * MS));
        tool.succeeded(ToolBackoff.OBJECTS);
        assertFalse(tool.holdingWrites(250 * MS));
        assertEquals(0, tool.attempts());
    }

    @Test
    void reCreatedObjectsLetCommitsRunAtOnceWhileTheNextObjectCheckWaits()
    {
        final ToolBackoff tool = backoff();
        tool.failed(ToolBackoff.OBJECTS, 0);
        tool.failed(ToolBackoff.WRITES, 10 * MS);
        assertEquals(1, tool.attempts(), "failures of one round count once");
        tool.recreated(100 * MS);
        assertTrue(tool.holding(150 * MS));
        assertFalse(tool.holdingWrites(150 * MS));
    }

    @Test
    void writesFailingAsAWholeHoldCommitsWhateverTheObjects()
    {
        final ToolBackoff tool = backoff();
        tool.failed(ToolBackoff.WRITES, 0);
        tool.succeeded(ToolBackoff.OBJECTS);
        assertTrue(tool.holdingWrites(50 * MS));
        tool.succeeded(ToolBackoff.WRITES);
        assertFalse(tool.holdingWrites(50 * MS));
    }
}
