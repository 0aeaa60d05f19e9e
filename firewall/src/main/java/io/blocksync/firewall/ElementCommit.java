package io.blocksync.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static io.blocksync.firewall.FirewallChange.Status.APPLIED;
import static io.blocksync.firewall.FirewallChange.Status.FAILED;

/**
 * One group commit: the dirty elements taken for it become element changes handed to the backend in one call. When
 * the call fails, the kernel objects are checked and repaired first (a ruleset flush fails every change alike), then
 * the batch is halved to isolate what the kernel refuses, within a bounded number of calls; refused elements are
 * retried with backoff. Worker thread only.
 */
final class ElementCommit
{
    /** Calls one commit may spend isolating refused elements; beyond them the rest fail as a whole and are retried. */
    private static final int MAX_CALLS = 64;

    private final FirewallBackend backend;
    private final DesiredState desired;
    private final BanDeadlines deadlines;
    private final FirewallFailures failures;
    private final WorkerCounters counters;
    private final ArrayList<KernelElement> batch = new ArrayList<>();
    private final ArrayList<FirewallChange> view = new ArrayList<>();
    /** One change per batch position, reused by every commit: an element carries none of its own. */
    private final ArrayList<FirewallChange> changes = new ArrayList<>();
    private Consumer<FirewallChange> publisher;
    private int calls;
    private int refused;

    ElementCommit(
        final FirewallBackend backend,
        final DesiredState desired,
        final BanDeadlines deadlines,
        final FirewallFailures failures,
        final WorkerCounters counters)
    {
        this.backend = backend;
        this.desired = desired;
        this.deadlines = deadlines;
        this.failures = failures;
        this.counters = counters;
    }

    void publisher(final Consumer<FirewallChange> publisher)
    {
        this.publisher = publisher;
    }

    /**
     * Commit up to {@code maxBatch} dirty elements.
     *
     * @param repair checks the kernel objects and re-creates them; true if it repaired something.
     */
    void commit(final int maxBatch, final long nowNanos, final java.util.function.BooleanSupplier repair)
    {
        batch.clear();
        desired.takeDirty(batch, maxBatch);
        if (batch.isEmpty())
        {
            return;
        }

        calls = 0;
        refused = 0;
        final String error = tryApply(0, batch.size(), nowNanos);
        if (null == error)
        {
            failures.recovered(FailureKind.APPLY);
            return;
        }

        failures.failed(FailureKind.APPLY, error);
        if (repair.getAsBoolean() && null == tryApply(0, batch.size(), nowNanos))
        {
            return;
        }
        isolate(0, batch.size(), error, nowNanos);
        if (refused < batch.size())
        {
            failures.failed(FailureKind.PARTIAL, refused + " of " + batch.size() + " element changes refused: " + error);
        }
    }

    private void isolate(final int from, final int to, final String error, final long nowNanos)
    {
        if (to - from == 1 || calls >= MAX_CALLS)
        {
            for (int i = from; i < to; i++)
            {
                refuse(batch.get(i), error, nowNanos);
            }
            return;
        }

        final int middle = (from + to) >>> 1;
        final String first = tryApply(from, middle, nowNanos);
        if (null != first)
        {
            isolate(from, middle, first, nowNanos);
        }
        final String second = tryApply(middle, to, nowNanos);
        if (null != second)
        {
            isolate(middle, to, second, nowNanos);
        }
    }

    /**
     * @return null when the backend applied the range (its elements are settled), else the error.
     */
    private String tryApply(final int from, final int to, final long nowNanos)
    {
        view.clear();
        for (int i = from; i < to; i++)
        {
            while (changes.size() <= i)
            {
                changes.add(new FirewallChange());
            }
            view.add(changeFor(batch.get(i), changes.get(i), nowNanos));
        }

        calls++;
        try
        {
            backend.apply(view);
        }
        catch (final RuntimeException ex)
        {
            counters.failedAttempts.incrementAndGet();
            final String message = FirewallException.describe(ex);
            counters.lastError = message;
            return message;
        }

        counters.batches.incrementAndGet();
        counters.appliedChanges.addAndGet(to - from);
        for (int i = from; i < to; i++)
        {
            final KernelElement element = batch.get(i);
            desired.enforced(element);
            complete(element, APPLIED, null, nowNanos);
        }

        return null;
    }

    private FirewallChange changeFor(final KernelElement element, final FirewallChange change, final long nowNanos)
    {
        if (element.desired())
        {
            change.set(ADD, element.ban, deadlines.kernelTimeoutSeconds(element.deadlineNanos, nowNanos));
            change.ban().prefix().set(element.prefix);
        }
        else
        {
            change.set(REMOVE, element.ban, 0);
            change.ban().prefix().set(element.prefix);
        }
        change.object = element.object;
        change.fresh = !element.written || element.kernelMissing;
        change.kernelMissing = element.kernelMissing;
        change.internal = true;

        return change;
    }

    private void refuse(final KernelElement element, final String error, final long nowNanos)
    {
        refused++;
        counters.failedChanges.incrementAndGet();
        element.attempts++;
        desired.failed(element, nowNanos + deadlines.backoffNanos(element.attempts), error);
        complete(element, FAILED, error, nowNanos);
    }

    private void complete(
        final KernelElement element, final FirewallChange.Status status, final String error, final long nowNanos)
    {
        final List<FirewallChange> waiting = element.waiting;
        for (int i = 0, size = waiting.size(); i < size; i++)
        {
            final FirewallChange slot = waiting.get(i);
            slot.complete(status, error, nowNanos);
            publisher.accept(slot);
        }
        waiting.clear();
    }
}
