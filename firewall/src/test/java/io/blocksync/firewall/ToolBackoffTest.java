package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one retry schedule of a backend's tool. Found by ReconcilerConvergenceKernelTest on a faster host: with the
 * table gone and its re-creation refused, bans arriving one every 50 ms each ran a commit into the missing table
 * between the object check's rounds (45 runs of nft in 3 s): a one-element commit that fails was taken for the
 * kernel refusing that element, never for the tool failing as a whole. {@link ToolBackoff#objectsBroken} says so.
 */
class ToolBackoffTest
{
    private static final long MS = 1_000_000L;

    private static ToolBackoff backoff()
    {
        return new ToolBackoff(new BanDeadlines(new BatcherSettings().retryInitialMs(100), new LogBackend((line) -> { })));
    }

    @Test
    void aFailedObjectCheckMarksTheObjectsBrokenUntilACheckWorks()
    {
        final ToolBackoff tool = backoff();
        assertFalse(tool.objectsBroken());
        tool.failed(ToolBackoff.OBJECTS, 0);
        assertTrue(tool.objectsBroken());
        assertTrue(tool.holding(50 * MS));
        assertFalse(tool.holdingWrites(50 * MS), "a commit may still try once in the round");
        tool.failed(ToolBackoff.WRITES, 60 * MS);
        assertEquals(1, tool.attempts(), "failures of one round count once");
        assertTrue(tool.holdingWrites(60 * MS));
        assertFalse(tool.holdingWrites(100 * MS), "the next round may try");
        tool.succeeded(ToolBackoff.OBJECTS);
        assertFalse(tool.objectsBroken());
        tool.succeeded(ToolBackoff.WRITES);
        assertEquals(0, tool.attempts());
    }

    @Test
    void commitsGetTheirTryInARoundWhoseObjectCheckFailedFirst()
    {
        final ToolBackoff tool = backoff();
        tool.failed(ToolBackoff.OBJECTS, 0);
        tool.failed(ToolBackoff.WRITES, 10 * MS);
        assertEquals(100 * MS, tool.writesRetryAtNanos());
        tool.failed(ToolBackoff.OBJECTS, 100 * MS);
        assertEquals(2, tool.attempts());
        assertFalse(tool.holdingWrites(100 * MS), "the check stepped the schedule first; the commits' round has come");
        tool.failed(ToolBackoff.WRITES, 100 * MS);
        assertEquals(2, tool.attempts(), "the same round");
        assertTrue(tool.holdingWrites(200 * MS));
        assertEquals(300 * MS, tool.writesRetryAtNanos());
    }

    @Test
    void reCreatedObjectsAreNotBrokenAndLetCommitsRunAtOnce()
    {
        final ToolBackoff tool = backoff();
        tool.failed(ToolBackoff.OBJECTS, 0);
        tool.failed(ToolBackoff.WRITES, 10 * MS);
        tool.recreated(100 * MS);
        assertFalse(tool.objectsBroken());
        assertTrue(tool.holding(150 * MS), "the next object check waits a step");
        assertFalse(tool.holdingWrites(150 * MS));
    }

    @Test
    void writesFailingAsAWholeDoNotMakeTheObjectsBroken()
    {
        final ToolBackoff tool = backoff();
        tool.failed(ToolBackoff.WRITES, 0);
        assertFalse(tool.objectsBroken());
        assertTrue(tool.holdingWrites(50 * MS));
    }
}
