package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import org.agrona.collections.IntArrayList;

import java.util.ArrayList;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static io.blocksync.firewall.FirewallChange.Status.APPLIED;
import static io.blocksync.firewall.FirewallChange.Status.FAILED;

/**
 * One group commit: the dirty elements taken for it become element changes handed to the backend in one call. When
 * the call fails, the kernel objects are checked and repaired first (a ruleset flush fails every change alike), then
 * the batch is halved to isolate what the kernel refuses, within a bounded number of calls; refused elements are
 * retried with backoff. A tool that fails whatever it is given waits on the backend's one {@link ToolBackoff},
 * shared with the object check: until its next round, commits complete as refused without running it. Worker thread
 * only.
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
    private final ElementTable elements;
    private final IntArrayList batch = new IntArrayList();
    /** The element's last ban, rebuilt from the table for each change. */
    private final Ban ban = new Ban();
    private final byte[] addressScratch = new byte[16];
    private final ElementKey key = new ElementKey();
    private final ArrayList<FirewallChange> view = new ArrayList<>();
    /** One change per batch position, reused by every commit: an element carries none of its own. */
    private final ArrayList<FirewallChange> changes = new ArrayList<>();
    private Repair repair;
    private int calls;
    private int refused;
    /** The last isolation refused every element: the tool fails as a whole, so the next one probes one first. */
    private boolean wholeCallsFailing;
    /** The backend's one backoff, shared with the object check: while writes fail as a whole, commits wait. */
    private final ToolBackoff tool;
    /** The tool's last message while it fails as a whole: what elements held by the backoff complete with. */
    private String toolError;

    ElementCommit(
        final FirewallBackend backend,
        final DesiredState desired,
        final BanDeadlines deadlines,
        final FirewallFailures failures,
        final WorkerCounters counters,
        final ToolBackoff tool)
    {
        this.tool = tool;
        this.backend = backend;
        this.desired = desired;
        this.deadlines = deadlines;
        this.failures = failures;
        this.counters = counters;
        this.elements = desired.elements;
    }

    /**
     * Checks the kernel objects after a failed call and re-creates them.
     */
    interface Repair
    {
        /**
         * @return true if something was repaired.
         */
        boolean repair(long nowNanos);
    }

    void repair(final Repair repair)
    {
        this.repair = repair;
    }

    /**
     * Commit up to {@code maxBatch} dirty elements.
     *
     * @param mayRepair when a call fails, check and repair the kernel objects before isolating refused elements.
     */
    void commit(final int maxBatch, final long nowNanos, final boolean mayRepair)
    {
        batch.clear();
        desired.takeDirty(batch, maxBatch);
        if (batch.isEmpty())
        {
            return;
        }

        calls = 0;
        refused = 0;
        if (tool.holdingWrites(nowNanos))
        {
            // The tool failed as a whole this round: nothing runs it before the shared backoff ends, however many
            // bans arrive meanwhile; they complete as refused and go out with the next round.
            final String held = null != toolError ? toolError : counters.lastError;
            for (int i = 0, size = batch.size(); i < size; i++)
            {
                refuse(batch.getInt(i), held, nowNanos);
            }
            return;
        }
        final String error = tryApply(0, batch.size(), nowNanos);
        if (null == error)
        {
            wholeCallsFailing = false;
            tool.succeeded(ToolBackoff.WRITES);
            failures.recovered(FailureKind.APPLY);
            failures.recovered(FailureKind.PARTIAL);
            return;
        }

        final String object = batchObject();
        failures.failed(FailureKind.APPLY, object, error);
        if (mayRepair && repair.repair(nowNanos) && null == tryApply(0, batch.size(), nowNanos))
        {
            return;
        }
        // A tool that fails whatever it is given (a broken binary, a missing library) would be run twice per element
        // at every retry by halving: after an isolation that refused everything, one element is tried first, and
        // only if it goes in is the rest halved. Into objects the check found broken and could not re-create, a
        // failed commit failed as a whole, however small: bans arriving one at a time would each run the tool.
        if (tool.objectsBroken() || (wholeCallsFailing && null != tryApply(0, 1, nowNanos)))
        {
            // One backoff for the tool, not one per element: batches refused at different times retry together,
            // and with the object check (ToolBackoff).
            tool.failed(ToolBackoff.WRITES, nowNanos);
            toolError = error;
            for (int i = 0, size = batch.size(); i < size; i++)
            {
                refuse(batch.getInt(i), error, nowNanos);
            }
            return;
        }
        isolate(wholeCallsFailing ? 1 : 0, batch.size(), error, nowNanos);
        wholeCallsFailing = refused == batch.size() && batch.size() > 1;
        if (refused < batch.size())
        {
            failures.failed(FailureKind.PARTIAL, object,
                refused + " of " + batch.size() + " element changes refused: " + error);
        }
    }

    /**
     * @return the kernel object every element of the batch belongs to, or "" when they span several: what a failure
     * is logged once for.
     */
    private String batchObject()
    {
        final int first = elements.objectIndexOf(batch.getInt(0));
        for (int i = 1, size = batch.size(); i < size; i++)
        {
            if (elements.objectIndexOf(batch.getInt(i)) != first)
            {
                return "";
            }
        }
        return elements.objectName(batch.getInt(0));
    }

    private void isolate(final int from, final int to, final String error, final long nowNanos)
    {
        if (to - from == 1 || calls >= MAX_CALLS)
        {
            for (int i = from; i < to; i++)
            {
                refuse(batch.getInt(i), error, nowNanos);
            }
            return;
        }

        final int middle = (from + to) >>> 1;
        final String first = tryApply(from, middle, nowNanos);
        final String second = tryApply(middle, to, nowNanos);
        if (error.equals(first) && error.equals(second))
        {
            // Both halves fail word for word as the whole did: the tool fails whatever it is given (a refusal names
            // its element), so halving further would only run it twice per element.
            for (int i = from; i < to; i++)
            {
                refuse(batch.getInt(i), error, nowNanos);
            }
            return;
        }
        if (null != first)
        {
            isolate(from, middle, first, nowNanos);
        }
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
            view.add(changeFor(batch.getInt(i), changes.get(i), nowNanos));
        }

        final ChangedSinceListing changed = desired.changedSinceListing;
        if (changed.recording())
        {
            // Recorded before the call: after a failure the kernel may hold the change or not.
            for (int i = from; i < to; i++)
            {
                final int element = batch.getInt(i);
                changed.record(elements.objectIndexOf(element), elements.key(element, key));
            }
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
            final int element = batch.getInt(i);
            final int waiting = desired.waiting.take(element);
            desired.enforced(element);
            desired.waiting.complete(waiting, APPLIED, null, nowNanos);
        }

        return null;
    }

    private FirewallChange changeFor(final int element, final FirewallChange change, final long nowNanos)
    {
        ban.reason(elements.reason(element)).protocol(elements.protocol(element)).port(elements.port(element));
        elements.prefix(element, ban.prefix(), addressScratch);
        if (elements.desired(element))
        {
            change.set(ADD, ban, deadlines.kernelTimeoutSeconds(desired.deadlineNanos(element), nowNanos));
        }
        else
        {
            change.set(REMOVE, ban, 0);
        }
        final boolean kernelMissing = elements.flag(element, ElementTable.KERNEL_MISSING);
        change.object = elements.objectName(element);
        change.fresh = !elements.flag(element, ElementTable.WRITTEN) || kernelMissing;
        change.kernelMissing = kernelMissing;
        change.internal = true;

        return change;
    }

    private void refuse(final int element, final String error, final long nowNanos)
    {
        refused++;
        counters.failedChanges.incrementAndGet();
        final int attempts = elements.attempts(element) + 1;
        elements.attempts(element, attempts);
        final long retryAt = tool.holdingWrites(nowNanos) ?
            tool.writesRetryAtNanos() : nowNanos + deadlines.backoffNanos(attempts);
        desired.failed(element, retryAt, error);
        desired.waiting.complete(desired.waiting.take(element), FAILED, error, nowNanos);
    }
}
