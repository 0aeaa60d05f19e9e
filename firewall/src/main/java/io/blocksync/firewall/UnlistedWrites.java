package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import org.agrona.collections.IntArrayList;

import java.util.ArrayList;
import java.util.List;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Status.APPLIED;
import static io.blocksync.firewall.LiveBans.PERMANENT;

/**
 * Writes that do without a listing, split from {@link KernelCheck}: after a failed check, seeded elements are written
 * anyway ({@link #writeUnlisted}); backends that cannot be listed get every desired element in one call at start-up
 * and at their re-assert interval ({@link #reassert}), on the backend's shared {@link ToolBackoff}. Worker thread only.
 */
final class UnlistedWrites
{
    private final FirewallBackend backend;
    private final DesiredState desired;
    private final ElementTable elements;
    private final BanDeadlines deadlines;
    private final BatchWorker worker;
    private final long reassertIntervalNanos;
    private final IntArrayList confirmed = new IntArrayList();

    UnlistedWrites(
        final FirewallBackend backend, final DesiredState desired, final BanDeadlines deadlines, final BatchWorker worker)
    {
        this.backend = backend;
        this.desired = desired;
        this.elements = desired.elements;
        this.deadlines = deadlines;
        this.worker = worker;
        this.reassertIntervalNanos = BanDeadlines.reassertIntervalNanos(backend);
    }

    /**
     * Without a listing, seeded elements are written anyway: a missing ban is worse than a rewrite.
     */
    void writeUnlisted(final long nowNanos)
    {
        confirmed.clear();
        for (int element = 0, end = elements.highWater(); element < end; element++)
        {
            if (elements.inUse(element) && elements.flag(element, ElementTable.AWAITING_LISTING))
            {
                elements.flag(element, ElementTable.AWAITING_LISTING, false);
                confirmed.addInt(element);
            }
        }
        for (int i = 0, size = confirmed.size(); i < size; i++)
        {
            desired.reassess(confirmed.getInt(i), nowNanos);
        }
        confirmed.clear();
    }

    /**
     * Backends without a listing: write every desired element in one call (start-up and the periodic re-assert).
     * The backends' contract lets them keep the changes, so each is its own object.
     *
     * @return when the next re-assert is due ({@link LiveBans#PERMANENT} for never), or the tool's retry time.
     */
    long reassert(final long nowNanos)
    {
        final List<FirewallChange> changes = new ArrayList<>(elements.size());
        final byte[] addressScratch = new byte[16];
        final Ban ban = new Ban();
        confirmed.clear();
        for (int element = 0, end = elements.highWater(); element < end; element++)
        {
            if (elements.inUse(element) && elements.desired(element))
            {
                elements.prefix(element, ban.prefix(), addressScratch);
                ban.reason(elements.reason(element)).protocol(elements.protocol(element)).port(elements.port(element));
                final FirewallChange change = new FirewallChange()
                    .set(ADD, ban, deadlines.kernelTimeoutSeconds(desired.deadlineNanos(element), nowNanos));
                change.object = elements.objectName(element);
                changes.add(change);
                confirmed.addInt(element);
            }
        }

        try
        {
            backend.reconcile(changes);
            worker.counters.reconciles.incrementAndGet();
            worker.failures.recovered(FailureKind.APPLY);
            worker.tool.succeeded(ToolBackoff.WRITES);
            for (int i = 0, size = confirmed.size(); i < size; i++)
            {
                final int element = confirmed.getInt(i);
                elements.flag(element, ElementTable.AWAITING_LISTING, false);
                if (ElementTable.DIRTY != elements.state(element))
                {
                    desired.enforced(element);
                }
            }
            completeConfirmed(nowNanos);
            return PERMANENT == reassertIntervalNanos ? PERMANENT : nowNanos + reassertIntervalNanos;
        }
        catch (final RuntimeException ex)
        {
            worker.counters.failedAttempts.incrementAndGet();
            worker.counters.lastError = "reconcile of " + changes.size() + " bans failed: " + FirewallException.describe(ex);
            worker.failures.failed(FailureKind.APPLY, worker.counters.lastError);
            confirmed.clear();
            worker.tool.failed(ToolBackoff.WRITES, nowNanos);
            return worker.tool.retryAtNanos();
        }
    }

    void completeConfirmed(final long nowNanos)
    {
        for (int i = 0, size = confirmed.size(); i < size; i++)
        {
            desired.waiting.complete(desired.waiting.take(confirmed.getInt(i)), APPLIED, null, nowNanos);
        }
        confirmed.clear();
    }
}
