package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batcher stepped with a manual clock (no threads, no sleeps), plus one run on its real worker thread.
 */
class FirewallBatcherTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final RecordingBackend backend = new RecordingBackend();
    private final List<String> completions = new ArrayList<>();
    private long now = 1_000 * SECOND;

    @Test
    void aLoneChangeIsCommittedAtOnceWhenIdle()
    {
        final FirewallBatcher batcher = open(new BatcherSettings());
        offer(batcher, ADD, "192.0.2.1", 60);
        step(batcher, 0);
        assertEquals(List.of(List.of("ADD 192.0.2.1 timeout=70s reason=ssh")), backend.applied, "no delay by default");
        assertTrue(batcher.isEnforced(Bans.prefix("192.0.2.1")));
        assertFalse(batcher.isEnforced(Bans.prefix("192.0.2.2")), "never banned");
    }

    @Test
    void aFlushDelayMakesTheFirstChangeWaitForCompany()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().flushDelayMs(20));
        offer(batcher, ADD, "192.0.2.1", 60);
        offer(batcher, ADD, "192.0.2.2", 60);

        step(batcher, 19 * MS);
        assertTrue(backend.applied.isEmpty(), "nothing before the flush delay");

        offer(batcher, ADD, "192.0.2.3", 60);
        step(batcher, MS);
        assertEquals(List.of(List.of(
            "ADD 192.0.2.1 timeout=70s reason=ssh",
            "ADD 192.0.2.2 timeout=70s reason=ssh",
            "ADD 192.0.2.3 timeout=70s reason=ssh")), backend.applied, "timeout = time left + 10 s grace");
        assertEquals(1, batcher.batches());
        assertEquals(3, batcher.appliedChanges());
    }

    @Test
    void addThenRemoveOfTheSamePrefixCollapsesIntoTheRemove()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().flushDelayMs(20));
        offer(batcher, ADD, "192.0.2.1", 60);
        offer(batcher, ADD, "198.51.100.0/24", 60);
        offer(batcher, REMOVE, "192.0.2.1", 0);

        step(batcher, 20 * MS);
        batcher.pollCompletions(
            (change) -> completions.add(change.op() + " " + change.ban().prefix() + " " + change.status()));

        assertEquals(1, backend.applied.size());
        assertEquals(Set.of("ADD 198.51.100.0/24 timeout=70s reason=ssh", "REMOVE 192.0.2.1 reason=ssh"),
            new HashSet<>(backend.applied.get(0)), "one element change per element");
        assertEquals(Set.of(
            "ADD 192.0.2.1 SUPERSEDED",
            "ADD 198.51.100.0/24 APPLIED",
            "REMOVE 192.0.2.1 APPLIED"), new HashSet<>(completions));
        assertEquals(3, completions.size());
        assertEquals(1, batcher.liveBanCount());
    }

    @Test
    void maxBatchChangesGoOutWithoutWaiting()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().maxBatch(3).flushDelayMs(20));
        for (int i = 1; i <= 7; i++)
        {
            offer(batcher, ADD, "192.0.2." + i, 60);
        }

        step(batcher, 0);
        step(batcher, 0);
        step(batcher, 0);
        assertEquals(List.of(3, 3), sizes(backend.applied), "two full batches at once, the seventh change waits");

        step(batcher, 20 * MS);
        assertEquals(List.of(3, 3, 1), sizes(backend.applied));
    }

    @Test
    void offerReturnsFalseWhenEverySlotIsInFlightAndTrueOnceCompletionsArePolled()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().capacity(4));
        for (int i = 1; i <= 4; i++)
        {
            assertTrue(offer(batcher, ADD, "192.0.2." + i, 60));
        }
        assertFalse(offer(batcher, ADD, "192.0.2.5", 60), "full");
        assertEquals(4, batcher.queueDepth());

        step(batcher, 20 * MS);
        assertFalse(offer(batcher, ADD, "192.0.2.5", 60), "applied but completions not yet polled");
        assertEquals(4, batcher.pollCompletions((change) -> { }));
        assertEquals(0, batcher.inFlight());
        assertTrue(offer(batcher, ADD, "192.0.2.5", 60));
    }

    @Test
    void aFailedBatchIsRetriedWithExponentialBackoff()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().retryInitialMs(100));
        backend.failuresLeft = 2;
        offer(batcher, ADD, "192.0.2.1", 60);

        step(batcher, 20 * MS);
        assertEquals(1, backend.attempts.size());
        assertEquals("backend says no", batcher.lastError());

        step(batcher, 99 * MS);
        assertEquals(1, backend.attempts.size(), "waits 100 ms before the first retry");
        step(batcher, MS);
        assertEquals(2, backend.attempts.size());

        step(batcher, 199 * MS);
        assertEquals(2, backend.attempts.size(), "then 200 ms");
        step(batcher, MS);
        assertEquals(3, backend.attempts.size());
        assertEquals(1, backend.applied.size());

        batcher.pollCompletions((change) -> completions.add(change.status().toString()));
        assertEquals(List.of("FAILED"), completions, "the failure is reported once; the element is retried behind it");
        assertEquals(2, batcher.failedAttempts());
        assertEquals(2, batcher.failedChanges(), "two refusals of the element");
        assertEquals(2, batcher.failures(FailureKind.APPLY), "each failed commit counted");
        assertTrue(batcher.isEnforced(Bans.prefix("192.0.2.1")), "enforced once a retry went through");
    }

    @Test
    void aChangeTheBackendRejectsIsIsolatedAndReportedWhileTheRestIsApplied()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().maxAttempts(2).retryInitialMs(10));
        backend.rejects = (batch) -> batch.stream().anyMatch((change) -> change.toString().contains("192.0.2.66"));
        for (int i = 60; i < 68; i++)
        {
            offer(batcher, ADD, "192.0.2." + i, 60);
        }

        for (int i = 0; i < 200 && !batcher.isDrained(); i++)
        {
            step(batcher, 10 * MS);
        }
        batcher.pollCompletions((change) -> completions.add(change.ban().prefix() + " " + change.status() +
            (null == change.error() ? "" : ": " + change.error())));

        assertEquals(7, backend.appliedChangeCount());
        assertEquals(8, completions.size(), "every change completes");
        assertTrue(completions.contains("192.0.2.66 FAILED: backend rejects this batch"), completions.toString());
        assertEquals(1, batcher.failedChanges());
        assertEquals(8, batcher.liveBanCount(), "the refused ban stays desired and is retried with backoff");
        assertFalse(batcher.isEnforced(Bans.prefix("192.0.2.66")), "refused: not enforced");
        assertTrue(batcher.isEnforced(Bans.prefix("192.0.2.65")));
        assertTrue(batcher.failures(FailureKind.PARTIAL) >= 1, "a partial commit is counted");
    }

    @Test
    void theBatcherRemovesBansWhenTheirTimeIsUpWithoutACompletion()
    {
        final FirewallBatcher batcher = open(new BatcherSettings());
        offer(batcher, ADD, "192.0.2.1", 30);
        step(batcher, 20 * MS);
        batcher.pollCompletions((change) -> completions.add(change.toString()));

        step(batcher, 30 * SECOND - 20 * MS - 1);
        assertEquals(1, backend.applied.size());
        step(batcher, 1);
        step(batcher, 20 * MS);

        assertEquals(List.of("REMOVE 192.0.2.1 reason=ssh"), backend.applied.get(1));
        assertEquals(0, batcher.pollCompletions((change) -> completions.add(change.toString())));
        assertEquals(0, batcher.liveBanCount());
    }

    @Test
    void longBansAreClampedAndReassertedBeforeTheClampRunsOut()
    {
        backend.maxTimeoutSeconds = 1_000;
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0), () -> now);
        batcher.open(List.of(Bans.add("198.51.100.1", 5_000), Bans.add("198.51.100.2", 0)));

        step(batcher, 0);
        assertEquals(1, backend.reconciled.size());
        assertEquals(Set.of(
            "ADD 198.51.100.1 timeout=1000s reason=ssh",
            "ADD 198.51.100.2 timeout=0s reason=ssh"), new HashSet<>(backend.reconciled.get(0)),
            "clamped; permanent stays permanent");

        step(batcher, 500 * SECOND - 1);
        assertEquals(1, backend.reconciled.size());
        step(batcher, 1);
        assertEquals(2, backend.reconciled.size(), "re-asserted at half the clamp");
        assertTrue(backend.reconciled.get(1).contains("ADD 198.51.100.1 timeout=1000s reason=ssh"));

        step(batcher, 4_600 * SECOND);
        assertEquals(List.of(List.of("ADD 198.51.100.2 timeout=0s reason=ssh")),
            backend.reconciled.subList(backend.reconciled.size() - 1, backend.reconciled.size()),
            "the 5,000 s ban expired");
    }

    @Test
    void jitterSpreadsTheExpiryOfAnImportedList()
    {
        final FirewallBatcher batcher = open(new BatcherSettings().jitterSeed(42).kernelGraceSeconds(0));
        for (int i = 0; i < 100; i++)
        {
            offer(batcher, ADD, "10.0.0." + i, 10_000);
        }
        step(batcher, 20 * MS);

        final Set<String> timeouts = new HashSet<>();
        for (final String change : backend.applied.get(0))
        {
            final long timeout = Long.parseLong(change.replaceAll(".*timeout=(\\d+)s.*", "$1"));
            assertTrue(timeout >= 10_000 && timeout <= 10_100, change);
            timeouts.add(Long.toString(timeout));
        }
        assertTrue(timeouts.size() > 50, "expiry spread over many seconds: " + timeouts.size());
    }

    @Test
    void flushRunsAfterTheChangesBeforeItAndClearsTheLiveView()
    {
        final FirewallBatcher batcher = open(new BatcherSettings());
        offer(batcher, ADD, "192.0.2.1", 60);
        assertTrue(batcher.requestFlush());
        offer(batcher, ADD, "192.0.2.2", 60);

        step(batcher, 20 * MS);
        step(batcher, 0);
        step(batcher, 0);
        batcher.pollCompletions((change) -> completions.add(change.op() + " " + change.status()));

        assertEquals(List.of(
            List.of("ADD 192.0.2.1 timeout=70s reason=ssh"),
            List.of("FLUSH"),
            List.of("ADD 192.0.2.2 timeout=70s reason=ssh")), backend.applied);
        assertEquals(List.of("ADD APPLIED", "FLUSH APPLIED", "ADD APPLIED"), completions);
        assertEquals(1, batcher.liveBanCount());
    }

    @Test
    void startUpReconcilesLiveBansAndRetriesAFailedReconcile()
    {
        backend.reconcileFailures = 1;
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0), () -> now);
        batcher.open(List.of(Bans.add("198.51.100.1", 600)));

        step(batcher, 0);
        assertEquals(0, batcher.reconciles());
        assertEquals("reconcile of 1 bans failed: reconcile says no", batcher.lastError());

        step(batcher, 100 * MS);
        assertEquals(1, batcher.reconciles());
        assertEquals(List.of(List.of("ADD 198.51.100.1 timeout=610s reason=ssh")), backend.reconciled);
    }

    @Test
    void startFailureReachesTheCallerAndOfferRejectsBadValues()
    {
        final RecordingBackend missingTool = new RecordingBackend();
        missingTool.startFailure = "nft not found on PATH (install nftables)";
        final FirewallBatcher failing = new FirewallBatcher(missingTool, new BatcherSettings());
        assertEquals("nft not found on PATH (install nftables)",
            assertThrows(FirewallException.class, () -> failing.start(List.of())).getMessage());

        final FirewallBatcher batcher = open(new BatcherSettings().capacity(1));
        assertThrows(IllegalArgumentException.class,
            () -> batcher.offer(ADD, Bans.ban("192.0.2.1", 0), -1));
        assertTrue(offer(batcher, ADD, "192.0.2.1", 60), "the slot was returned");
    }

    @Test
    void theWorkerThreadAppliesEveryOfferAndCloseFlushesWhatIsQueued()
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().capacity(256));
        batcher.start(List.of());
        int offered = 0;
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (completions.size() < 2_000 && System.nanoTime() < deadline)
        {
            if (offered < 2_000 && batcher.offer(ADD,
                Bans.ban("10.0." + (offered >> 8) + "." + (offered & 255), Bans.SSH), 60))
            {
                offered++;
            }
            batcher.pollCompletions((change) -> completions.add(change.status().toString()));
        }
        assertEquals(2_000, completions.size());
        assertEquals(Set.of("APPLIED"), new HashSet<>(completions));

        for (int i = 0; i < 10; i++)
        {
            assertTrue(batcher.offer(REMOVE, Bans.ban("10.0.0." + i, Bans.SSH), 0));
        }
        batcher.close();

        assertEquals(2_010, backend.appliedChangeCount(), "close applied the queued removals");
        assertTrue(backend.closed);
        assertNull(batcher.lastError());
        assertFalse(batcher.offer(ADD, Bans.ban("192.0.2.1", Bans.SSH), 60), "closed");
    }

    private FirewallBatcher open(final BatcherSettings settings)
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, settings, () -> now);
        batcher.open(List.of());
        batcher.doWork(now);
        backend.reconciled.clear();
        return batcher;
    }

    private boolean offer(final FirewallBatcher batcher, final FirewallChange.Op op, final String prefix,
        final long timeoutSeconds)
    {
        return batcher.offer(op, Bans.ban(prefix, Bans.SSH), timeoutSeconds);
    }

    private void step(final FirewallBatcher batcher, final long nanos)
    {
        now += nanos;
        batcher.doWork(now);
    }

    private static List<Integer> sizes(final List<List<String>> batches)
    {
        final List<Integer> sizes = new ArrayList<>();
        for (final List<String> batch : batches)
        {
            sizes.add(batch.size());
        }
        return sizes;
    }
}
