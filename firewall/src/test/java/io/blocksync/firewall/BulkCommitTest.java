package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commits while bulk flows ({@link BatcherSettings#bulkIntervalMs}): the batcher stepped with a manual clock, plus its
 * worker thread asleep in a hold, woken by a full batch and by close.
 */
class BulkCommitTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final RecordingBackend backend = new RecordingBackend();
    private long now = 1_000 * SECOND;
    private int next = 1;

    @Test
    void aLoneChangeAfterALoneCommitGoesAtOnce()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().bulkIntervalMs(10));
        offer(batcher, 1);
        step(batcher, 0);
        offer(batcher, 1);
        step(batcher, MS);
        offer(batcher, 1);
        step(batcher, MS);
        assertEquals(List.of(1, 1, 1), sizes(), "bans offered one at a time, each after the last is in, wait for nothing");
    }

    @Test
    void whileBulkFlowsTheNextCommitWaitsUntilTheIntervalAfterTheLastBegan()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().bulkIntervalMs(10));
        final long first = now;
        offer(batcher, 7);
        step(batcher, 0);
        assertEquals(List.of(7), sizes(), "the first of a bulk goes at once");

        offer(batcher, 7);
        step(batcher, MS);
        offer(batcher, 7);
        step(batcher, 5 * MS);
        assertEquals(List.of(7), sizes(), "held");
        assertEquals(first + 10 * MS, batcher.nextDeadlineNanos(), "the worker sleeps until the hold ends");

        step(batcher, 4 * MS - 1);
        assertEquals(List.of(7), sizes());
        step(batcher, 1);
        assertEquals(List.of(7, 14), sizes(), "what arrived meanwhile, in one commit");
        assertEquals(21, batcher.appliedChanges());
    }

    @Test
    void aChangeAfterAQuietIntervalGoesAtOnce()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().bulkIntervalMs(10));
        offer(batcher, 7);
        step(batcher, 0);
        step(batcher, 10 * MS);
        offer(batcher, 1);
        step(batcher, 0);
        assertEquals(List.of(7, 1), sizes());
    }

    @Test
    void aCommitOfExpiriesDoesNotHoldTheNextLoneBan()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().bulkIntervalMs(10));
        offer(batcher, 1, 1);
        step(batcher, 0);
        offer(batcher, 1, 1);
        step(batcher, MS);
        step(batcher, 2 * SECOND);
        assertEquals(List.of(1, 1, 2), sizes(), "two bans, one at a time, then both lifted in one commit");

        offer(batcher, 1);
        step(batcher, MS);
        assertEquals(List.of(1, 1, 2, 1), sizes(), "the worker's own expiries are not bulk from the loop");
    }

    @Test
    void aFullBatchNeverWaits()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().bulkIntervalMs(10).maxBatch(4));
        offer(batcher, 2);
        step(batcher, 0);
        offer(batcher, 5);
        step(batcher, MS);
        assertEquals(List.of(2, 4), sizes(), "a full batch at once; the fifth change waits");
        step(batcher, 10 * MS - 1);
        assertEquals(List.of(2, 4), sizes(), "until the interval after the full batch began");
        step(batcher, 1);
        assertEquals(List.of(2, 4, 1), sizes());
    }

    @Test
    void zeroCommitsWhenIdleAsBefore()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().bulkIntervalMs(0));
        offer(batcher, 7);
        step(batcher, 0);
        offer(batcher, 7);
        step(batcher, MS);
        assertEquals(List.of(7, 7), sizes());
    }

    @Test
    void aFullBatchWakesTheWorkerFromAHoldAndCloseCommitsWhatIsHeld()
    {
        // A minute's hold: anything that waits for its end fails the polls below.
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().bulkIntervalMs(60_000)
            .maxBatch(8).checkIntervalMs(3_600_000).fullCheckIntervalMs(86_400_000));
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        offer(batcher, 2);
        batcher.start(List.of());
        await(batcher, 2, deadline);
        while (!batcher.asleepInHold() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertTrue(batcher.asleepInHold(), "after a commit of two, the worker sleeps in a hold");

        offer(batcher, 8);
        await(batcher, 10, deadline);

        offer(batcher, 1);
        batcher.close();
        assertTrue(System.nanoTime() < deadline, "close ended the hold");
        assertEquals(List.of(2, 8, 1), sizes());
        assertEquals(11, backend.appliedChangeCount());
    }

    @Test
    void aChangeOfferedDuringAHoldGoesWhenTheHoldEndsNotAtTheNextCheck()
    {
        // No other deadline for an hour: the worker must wake for the held change itself.
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().bulkIntervalMs(50)
            .checkIntervalMs(3_600_000).fullCheckIntervalMs(86_400_000));
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        offer(batcher, 2);
        batcher.start(List.of());
        await(batcher, 2, deadline);
        while (!batcher.asleepInHold() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }

        offer(batcher, 1);
        await(batcher, 3, deadline);
        batcher.close();
        assertEquals(List.of(2, 1), sizes());
    }

    private void await(final FirewallBatcher batcher, final int applied, final long deadline)
    {
        while (batcher.appliedChanges() < applied && System.nanoTime() < deadline)
        {
            batcher.pollCompletions((change) -> { });
            Thread.onSpinWait();
        }
        batcher.pollCompletions((change) -> { });
        assertEquals(applied, batcher.appliedChanges());
    }

    private FirewallBatcher open(final BatcherSettings settings)
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, settings, () -> now);
        batcher.open(List.of());
        batcher.doWork(now);
        backend.reconciled.clear();
        return batcher;
    }

    /** Offer {@code count} host bans of a minute, of addresses not offered before. */
    private void offer(final FirewallBatcher batcher, final int count)
    {
        offer(batcher, count, 60);
    }

    /** Offer {@code count} host bans of {@code timeoutSeconds}, of addresses not offered before. */
    private void offer(final FirewallBatcher batcher, final int count, final long timeoutSeconds)
    {
        for (int i = 0; i < count; i++, next++)
        {
            assertTrue(batcher.offer(ADD, Bans.ban("10.0." + (next >> 8) + "." + (next & 255), Bans.SSH), timeoutSeconds));
        }
    }

    private void step(final FirewallBatcher batcher, final long nanos)
    {
        now += nanos;
        batcher.doWork(now);
    }

    private List<Integer> sizes()
    {
        final List<Integer> sizes = new ArrayList<>();
        for (final List<String> batch : backend.applied)
        {
            sizes.add(batch.size());
        }
        return sizes;
    }
}
