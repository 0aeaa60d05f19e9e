package io.blocksync.firewall;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.FLUSH;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static io.blocksync.firewall.FirewallChange.Status.APPLIED;
import static io.blocksync.firewall.FirewallChange.Status.FAILED;
import static io.blocksync.firewall.FirewallChange.Status.SUPERSEDED;
import static io.blocksync.firewall.LiveBans.PERMANENT;

/**
 * The worker side of {@link FirewallBatcher}: coalesces changes into batches, runs the backend, retries and isolates
 * failures, expires bans on time and re-asserts live bans. Single-threaded and driven by {@link #doWork(long, boolean)}
 * with the time passed in, so tests step it with a manual clock.
 */
final class BatchWorker
{
    private static final long NANOS_PER_MILLI = 1_000_000L;

    final AtomicLong appliedChanges = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong failedAttempts = new AtomicLong();
    final AtomicLong failedChanges = new AtomicLong();
    final AtomicLong reconciles = new AtomicLong();
    volatile String lastError;

    private final FirewallBackend backend;
    private final NanoClock clock;
    private final OneToOneConcurrentArrayQueue<FirewallChange> requests;
    private final OneToOneConcurrentArrayQueue<FirewallChange> completions;
    private final int maxBatch;
    private final int maxAttempts;
    private final long flushDelayNanos;
    private final long reassertIntervalNanos;
    private final BanDeadlines deadlines;

    private final LiveBans live = new LiveBans();
    private final ArrayDeque<FirewallChange> pending = new ArrayDeque<>();
    private final HashMap<BanKey, FirewallChange> pendingByKey = new HashMap<>();
    private final BanKey lookup = new BanKey();
    private int pendingLive;

    private final ArrayList<FirewallChange> batch = new ArrayList<>();
    private final ArrayDeque<BatchRange> ranges = new ArrayDeque<>();
    private final ArrayList<FirewallChange> view = new ArrayList<>();
    private long retryAtNanos;

    private long nextReconcileNanos = PERMANENT;
    private int reconcileFailures;

    BatchWorker(
        final FirewallBackend backend,
        final BatcherSettings settings,
        final NanoClock clock,
        final OneToOneConcurrentArrayQueue<FirewallChange> requests,
        final OneToOneConcurrentArrayQueue<FirewallChange> completions)
    {
        this.backend = backend;
        this.clock = clock;
        this.requests = requests;
        this.completions = completions;
        this.maxBatch = settings.maxBatch();
        this.maxAttempts = settings.maxAttempts();
        this.flushDelayNanos = settings.flushDelayMs() * NANOS_PER_MILLI;
        this.deadlines = new BanDeadlines(settings, backend);
        this.reassertIntervalNanos = BanDeadlines.reassertIntervalNanos(backend);
    }

    /**
     * Take the live bans from the store; the first {@link #doWork(long, boolean)} reconciles the backend with them.
     */
    void seed(final Iterable<FirewallChange> liveBans, final long nowNanos)
    {
        for (final FirewallChange change : liveBans)
        {
            if (ADD == change.op())
            {
                live.put(change, deadlines.deadline(change.timeoutSeconds(), 0, nowNanos));
            }
        }
        nextReconcileNanos = nowNanos;
    }

    int doWork(final long nowNanos, final boolean closing)
    {
        int work = 0;
        if (ranges.isEmpty())
        {
            work += drain(nowNanos);
            work += expire(nowNanos);
            if (nowNanos >= nextReconcileNanos && !closing)
            {
                reconcile(nowNanos);
                work++;
            }
            if (shouldFlush(nowNanos, closing))
            {
                takeBatch(nowNanos);
                work++;
            }
        }

        if (!ranges.isEmpty() && nowNanos >= retryAtNanos)
        {
            work += applyRange(nowNanos);
        }

        return work;
    }

    /**
     * @return when {@link #doWork(long, boolean)} next has something to do without new input.
     */
    long nextDeadlineNanos()
    {
        if (!ranges.isEmpty())
        {
            return retryAtNanos;
        }

        long deadline = Math.min(live.nextDeadlineNanos(), nextReconcileNanos);
        final FirewallChange head = dropSupersededHead();
        if (null != head)
        {
            final long flushAt = pendingLive >= maxBatch ? head.ingestNanos : head.ingestNanos + flushDelayNanos;
            deadline = Math.min(deadline, flushAt);
        }

        return deadline;
    }

    boolean isDrained()
    {
        return ranges.isEmpty() && null == dropSupersededHead() && requests.isEmpty();
    }

    int liveBanCount()
    {
        return live.size();
    }

    void recordError(final String message)
    {
        lastError = message;
    }

    private int drain(final long nowNanos)
    {
        int drained = 0;
        while (pendingLive < maxBatch)
        {
            final FirewallChange change = requests.poll();
            if (null == change)
            {
                break;
            }
            ingest(change, nowNanos);
            drained++;
        }

        return drained;
    }

    private void ingest(final FirewallChange change, final long nowNanos)
    {
        // The flush delay runs from when the loop offered the change, not from when the worker woke up.
        change.ingestNanos = change.internal ? nowNanos : Math.min(nowNanos, change.offeredNanos());
        if (FLUSH == change.op())
        {
            // A barrier: nothing coalesces across it, and what was live before it is gone.
            pendingByKey.clear();
            live.clear();
        }
        else
        {
            final FirewallChange previous = pendingByKey.get(lookup.set(change.ban()));
            if (null == previous)
            {
                pendingByKey.put(lookup.copy(), change);
            }
            else
            {
                previous.complete(SUPERSEDED, null, nowNanos);
                pendingLive--;
                pendingByKey.put(lookup, change);
            }

            if (ADD == change.op())
            {
                final long elapsed = change.internal ? 0 : Math.max(0, nowNanos - change.offeredNanos());
                change.deadlineNanos = deadlines.deadline(change.timeoutSeconds(), elapsed, nowNanos);
                live.put(change, change.deadlineNanos);
            }
            else
            {
                live.remove(change);
            }
        }

        pending.addLast(change);
        pendingLive++;
    }

    private int expire(final long nowNanos)
    {
        int expired = 0;
        LiveBans.Entry entry;
        while (null != (entry = live.pollExpired(nowNanos)))
        {
            final FirewallChange removal = new FirewallChange().set(REMOVE, entry.ban(), 0);
            removal.internal = true;
            ingest(removal, nowNanos);
            expired++;
        }

        return expired;
    }

    private void reconcile(final long nowNanos)
    {
        final List<LiveBans.Entry> bans = live.bans();
        final List<FirewallChange> changes = new ArrayList<>(bans.size());
        for (final LiveBans.Entry entry : bans)
        {
            changes.add(new FirewallChange()
                .set(ADD, entry.ban(), deadlines.kernelTimeoutSeconds(entry.deadlineNanos(), nowNanos)));
        }

        try
        {
            backend.reconcile(changes);
            reconciles.incrementAndGet();
            reconcileFailures = 0;
            nextReconcileNanos = PERMANENT == reassertIntervalNanos ? PERMANENT : nowNanos + reassertIntervalNanos;
        }
        catch (final RuntimeException ex)
        {
            failedAttempts.incrementAndGet();
            lastError = "reconcile of " + changes.size() + " bans failed: " + FirewallException.describe(ex);
            nextReconcileNanos = nowNanos + deadlines.backoffNanos(++reconcileFailures);
        }
    }

    private boolean shouldFlush(final long nowNanos, final boolean closing)
    {
        final FirewallChange head = dropSupersededHead();

        return null != head &&
            (closing || pendingLive >= maxBatch || nowNanos - head.ingestNanos >= flushDelayNanos);
    }

    private void takeBatch(final long nowNanos)
    {
        batch.clear();
        while (!pending.isEmpty() && batch.size() < maxBatch)
        {
            final FirewallChange change = pending.peekFirst();
            if (SUPERSEDED == change.status())
            {
                pending.pollFirst();
                publish(change);
                continue;
            }

            if (FLUSH == change.op() && !batch.isEmpty())
            {
                break;
            }

            pending.pollFirst();
            pendingLive--;
            batch.add(change);
            if (FLUSH == change.op())
            {
                break;
            }
            pendingByKey.remove(lookup.set(change.ban()), change);
        }

        if (!batch.isEmpty())
        {
            ranges.addLast(new BatchRange(0, batch.size(), 0));
            retryAtNanos = nowNanos;
        }
    }

    private int applyRange(final long nowNanos)
    {
        final BatchRange range = ranges.peekFirst();
        view.clear();
        for (int i = range.from; i < range.to; i++)
        {
            final FirewallChange change = batch.get(i);
            if (ADD == change.op())
            {
                change.timeoutSeconds(deadlines.kernelTimeoutSeconds(change.deadlineNanos, nowNanos));
            }
            view.add(change);
        }

        try
        {
            if (FLUSH == view.get(0).op())
            {
                backend.flush();
            }
            else
            {
                backend.apply(view);
            }

            ranges.pollFirst();
            batches.incrementAndGet();
            appliedChanges.addAndGet(view.size());
            final long appliedNanos = clock.nanoTime();
            for (int i = 0, size = view.size(); i < size; i++)
            {
                view.get(i).complete(APPLIED, null, appliedNanos);
                publish(view.get(i));
            }
        }
        catch (final RuntimeException ex)
        {
            final String message = FirewallException.describe(ex);
            failedAttempts.incrementAndGet();
            lastError = message;
            range.attempts++;
            if (range.attempts < maxAttempts)
            {
                retryAtNanos = nowNanos + deadlines.backoffNanos(range.attempts);
            }
            else if (range.to - range.from > 1)
            {
                // Split to isolate what the backend rejects; each half gets one more try before splitting again.
                ranges.pollFirst();
                final int middle = (range.from + range.to) >>> 1;
                ranges.addFirst(new BatchRange(middle, range.to, maxAttempts - 1));
                ranges.addFirst(new BatchRange(range.from, middle, maxAttempts - 1));
                retryAtNanos = nowNanos;
            }
            else
            {
                ranges.pollFirst();
                failedChanges.incrementAndGet();
                final FirewallChange change = view.get(0);
                if (ADD == change.op())
                {
                    // Out of the view, or one rejected ban would fail every re-assert; the loop hears it FAILED.
                    live.remove(change);
                }
                change.complete(FAILED, message, nowNanos);
                publish(change);
                retryAtNanos = nowNanos;
            }
        }

        if (ranges.isEmpty())
        {
            batch.clear();
        }
        view.clear();

        return 1;
    }

    private void publish(final FirewallChange change)
    {
        if (!change.internal && !completions.offer(change))
        {
            // Cannot happen: the completion queue holds every slot the batcher owns.
            throw new IllegalStateException("completion queue full");
        }
    }

    private FirewallChange dropSupersededHead()
    {
        FirewallChange head;
        while (null != (head = pending.peekFirst()) && SUPERSEDED == head.status())
        {
            pending.pollFirst();
            publish(head);
        }

        return head;
    }
}
