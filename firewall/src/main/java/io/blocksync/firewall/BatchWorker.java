package io.blocksync.firewall;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.FLUSH;
import static io.blocksync.firewall.FirewallChange.Status.APPLIED;
import static io.blocksync.firewall.FirewallChange.Status.FAILED;
import static io.blocksync.firewall.ElementTable.NONE;
import static io.blocksync.firewall.LiveBans.PERMANENT;

/**
 * The worker side of {@link FirewallBatcher}, a reconciler: changes from the loop update the {@link DesiredState} and
 * mark kernel elements dirty; dirty elements go out as group commits ({@link ElementCommit}: at once when idle, and
 * what arrives during a commit joins the next, up to {@code maxBatch}; while bulk flows, at most one every
 * {@code bulkInterval}); bans end on time; a periodic check repairs what
 * someone else removed: every {@code checkInterval} a cheap look at the objects (never their elements), and a full
 * listing diffed against the desired state ({@link KernelDiff}) as often as costs at most 1/{@value #FULL_CHECK_SHARE}
 * of the worker's time, at least every {@code fullCheckMax}. Backends that cannot be listed are re-asserted whole at
 * their re-assert interval. Single-threaded and driven by {@link #doWork(long, boolean)} with the time passed in.
 */
final class BatchWorker
{
    private static final long NANOS_PER_MILLI = 1_000_000L;

    final WorkerCounters counters = new WorkerCounters();
    final FirewallFailures failures;
    /** The backend's one retry schedule for commits and the object check alike. */
    final ToolBackoff tool;

    private final FirewallBackend backend;
    private final NanoClock clock;
    private final OneToOneConcurrentArrayQueue<FirewallChange> requests;
    private final OneToOneConcurrentArrayQueue<FirewallChange> completions;
    private final int maxBatch;
    private final long flushDelayNanos;
    private final long bulkIntervalNanos;
    private final BanDeadlines deadlines;
    private final DesiredState desired;
    private final ElementTable elements;
    private final ElementKey key = new ElementKey();
    private final ElementCommit commit;
    private final KernelCheck check;
    private long lastChangeNanos = Long.MIN_VALUE / 2;
    /**
     * When the last commit began and how many of the loop's changes had arrived for it: what tells bulk from lone
     * changes. Expiries, retries and repairs are not counted: a commit of two expiries must not hold a lone ban.
     */
    private long lastCommitNanos = Long.MIN_VALUE / 2;
    private int lastCommitOffers;
    private int offersSinceCommit;

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
        this.flushDelayNanos = settings.flushDelayMs() * NANOS_PER_MILLI;
        this.bulkIntervalNanos = settings.bulkIntervalMs() * NANOS_PER_MILLI;
        this.deadlines = new BanDeadlines(settings, backend);
        this.failures = new FirewallFailures(settings.label(), settings.log());
        this.tool = new ToolBackoff(deadlines);
        this.desired = new DesiredState(this::publish);
        this.elements = desired.elements;
        this.commit = new ElementCommit(backend, desired, deadlines, failures, counters, tool);
        this.check = new KernelCheck(backend, settings, desired, deadlines, this);
        this.commit.repair(check::repairAfterFailure);
    }

    /**
     * Take the live bans from the store; the first {@link #doWork(long, boolean)} lists the kernel (or re-asserts) and
     * writes only what is missing.
     */
    void seed(final Iterable<FirewallChange> liveBans, final long nowNanos)
    {
        for (final FirewallChange change : liveBans)
        {
            if (ADD == change.op())
            {
                final int element = put(change, deadlines.deadline(change.timeoutSeconds(), 0, nowNanos));
                elements.flag(element, ElementTable.AWAITING_LISTING, true);
                desired.reassess(element, nowNanos);
            }
        }
        check.due(nowNanos);
    }

    int doWork(final long nowNanos, final boolean closing)
    {
        int work = drain(nowNanos);
        work += expire(nowNanos);
        work += desired.retryDue(nowNanos);
        if (!closing && check.dueNow(nowNanos))
        {
            check.check(nowNanos, clock);
            work++;
        }
        if (!closing && check.merging())
        {
            // One slice of a full check's merge, then the commit below: a lone ban waits a slice, not the merge.
            check.mergeSlice(nowNanos);
            work++;
        }
        if (desired.hasDirty() && (closing || desired.dirtyCount() >= maxBatch ||
            (nowNanos - desired.firstDirtyNanos() >= flushDelayNanos && !holding(nowNanos))))
        {
            lastCommitNanos = nowNanos;
            lastCommitOffers = offersSinceCommit;
            offersSinceCommit = 0;
            check.committing(Math.min(maxBatch, desired.dirtyCount()), nowNanos);
            commit.commit(maxBatch, nowNanos, true);
            work++;
        }

        return work;
    }

    /**
     * @return true while bulk flows and the next commit waits for what arrives until {@code bulkInterval} after the
     * last one began: that one carried more than one of the loop's changes (a lone change after a lone one goes at once, so bans
     * offered one at a time each wait for nothing), and fewer than {@code maxBatch} are dirty. The loop's offers then
     * need not wake the worker ({@link FirewallBatcher}).
     */
    boolean holding(final long nowNanos)
    {
        return lastCommitOffers > 1 && nowNanos - lastCommitNanos < bulkIntervalNanos && desired.dirtyCount() < maxBatch;
    }

    /**
     * @return when a hold ({@link #holding(long)}) ends.
     */
    long holdEndNanos()
    {
        return lastCommitNanos + bulkIntervalNanos;
    }

    /**
     * @return when {@link #doWork(long, boolean)} next has something to do without new input.
     */
    long nextDeadlineNanos()
    {
        if (check.merging())
        {
            return 0;
        }
        long deadline = Math.min(desired.bans.nextDeadlineNanos(), check.nextCheckNanos());
        if (check.eventPending())
        {
            // A removal event waits for the tool's backoff.
            deadline = Math.min(deadline, tool.retryAtNanos());
        }
        deadline = Math.min(deadline, desired.nextRetryNanos());
        if (desired.hasDirty())
        {
            final long due = desired.dirtyCount() >= maxBatch ? 0 : Math.max(desired.firstDirtyNanos() + flushDelayNanos,
                lastCommitOffers > 1 ? lastCommitNanos + bulkIntervalNanos : 0);
            deadline = Math.min(deadline, due);
        }

        return deadline;
    }

    NanoClock clock()
    {
        return clock;
    }

    /**
     * Full listings from now on on a thread and session of their own (when the backend has a reader).
     *
     * @return the listing session's description, or null when listings stay on the worker.
     */
    String startListingThread(final Runnable wake, final String threadName)
    {
        return check.startListingThread(wake, threadName);
    }

    /**
     * Removal events from the backend, when it has them, replace the worker's per-second {@code intact()} check.
     *
     * @return the events' description, or null when the worker keeps polling.
     */
    String startMonitor(final Runnable wake, final java.util.function.Consumer<String> log, final String threadName)
    {
        return check.startMonitor(wake, log, threadName);
    }

    /**
     * @return how long the last full check's listing took, in nanoseconds; any thread.
     */
    long lastFullCheckNanos()
    {
        return check.lastFullCheckNanos();
    }

    /**
     * Stop the listing thread and close its session (after the worker stopped).
     */
    boolean fullCheckInFlight()
    {
        return check.listingInFlight();
    }

    void closeListing()
    {
        check.close();
    }

    boolean isDrained()
    {
        return requests.isEmpty() && !desired.hasDirty();
    }

    int liveBanCount()
    {
        return desired.bans.size();
    }

    boolean isEnforced(final io.blocksync.codec.IpPrefix prefix)
    {
        return desired.isEnforced(prefix);
    }

    String refusal(final io.blocksync.codec.IpPrefix prefix)
    {
        return desired.refusal(prefix);
    }

    void recordError(final String message)
    {
        counters.lastError = message;
    }

    private int drain(final long nowNanos)
    {
        int drained = 0;
        FirewallChange change;
        while (drained < maxBatch && null != (change = requests.poll()))
        {
            ingest(change, nowNanos);
            drained++;
        }
        offersSinceCommit += drained;

        return drained;
    }

    /**
     * @return when the loop's last change arrived, on the worker's clock.
     */
    long lastChangeNanos()
    {
        return lastChangeNanos;
    }

    private void ingest(final FirewallChange change, final long nowNanos)
    {
        lastChangeNanos = nowNanos;
        if (FLUSH == change.op())
        {
            flush(change, nowNanos);
            return;
        }

        final int element;
        try
        {
            if (ADD == change.op())
            {
                final long elapsed = Math.max(0, nowNanos - change.offeredNanos());
                element = put(change, deadlines.deadline(change.timeoutSeconds(), elapsed, nowNanos));
            }
            else
            {
                element = remove(change);
            }
        }
        catch (final FirewallException ex)
        {
            // No object for the ban (e.g. no IPv6 set configured): it can never be written.
            counters.failedChanges.incrementAndGet();
            if (ADD == change.op())
            {
                desired.refuseUnmapped(change.ban().prefix(), FirewallException.describe(ex));
            }
            change.complete(FAILED, FirewallException.describe(ex), nowNanos);
            publish(change);
            return;
        }

        if (NONE == element)
        {
            change.complete(APPLIED, null, nowNanos);
            publish(change);
            return;
        }
        // A later change of the same ban (prefix and reason) decides; earlier ones waiting on the element complete.
        desired.waiting.supersede(element, change.ban().reason(), nowNanos);
        // The flush delay, if any, runs from when the loop offered the change, not from when the worker woke up.
        if (!desired.reassess(element, Math.min(nowNanos, change.offeredNanos())) &&
            ElementTable.ENFORCED == elements.state(element))
        {
            // Nothing for the kernel to do: another ban already holds the element at least as long.
            change.complete(APPLIED, null, nowNanos);
            publish(change);
            return;
        }
        desired.waiting.add(element, change);
    }

    /**
     * @return the element the ban keeps.
     * @throws FirewallException if no object is configured for the ban.
     */
    private int put(final FirewallChange change, final long deadlineNanos)
    {
        final io.blocksync.codec.Ban ban = change.ban();
        key.set(ban.prefix());
        int live = desired.bans.find(key, ban.reason());
        final int element;
        if (NONE == live)
        {
            element = desired.element(elements.objectIndex(backend.objectFor(ban)), key);
            live = desired.bans.add(element, key, ban.reason(), deadlineNanos);
        }
        else
        {
            element = desired.bans.element(live);
            desired.bans.deadline(live, deadlineNanos);
        }
        elements.ban(element, ban.reason(), ban.protocol(), ban.port());

        return element;
    }

    /**
     * @return the element to write, or {@link ElementTable#NONE} when another ban keeps it as it is.
     */
    private int remove(final FirewallChange change)
    {
        final io.blocksync.codec.Ban ban = change.ban();
        key.set(ban.prefix());
        final int live = desired.bans.find(key, ban.reason());
        if (NONE != live)
        {
            return desired.bans.remove(live);
        }

        // Not live here (e.g. banned before a restart and already ended): make sure the kernel does not hold it.
        final int element = desired.element(elements.objectIndex(backend.objectFor(ban)), key);
        if (elements.desired(element))
        {
            return NONE;
        }
        elements.ban(element, ban.reason(), ban.protocol(), ban.port());
        return element;
    }

    private int expire(final long nowNanos)
    {
        int expired = 0;
        int element;
        while (NONE != (element = desired.bans.pollExpired(nowNanos)))
        {
            desired.reassess(element, nowNanos);
            expired++;
        }

        return expired;
    }

    private void flush(final FirewallChange change, final long nowNanos)
    {
        while (desired.hasDirty())
        {
            commit.commit(maxBatch, nowNanos, false);
        }
        // The flush empties every object at once: a listing in flight is void.
        desired.changedSinceListing.wholesale();
        try
        {
            backend.flush();
            counters.batches.incrementAndGet();
            change.complete(APPLIED, null, nowNanos);
        }
        catch (final RuntimeException ex)
        {
            counters.failedAttempts.incrementAndGet();
            failures.failed(FailureKind.APPLY, FirewallException.describe(ex));
            change.complete(FAILED, FirewallException.describe(ex), nowNanos);
        }
        for (int element = 0, end = elements.highWater(); element < end; element++)
        {
            if (elements.inUse(element))
            {
                final int waiting = desired.waiting.take(element);
                desired.waiting.complete(waiting, FirewallChange.Status.SUPERSEDED, null, nowNanos);
            }
        }
        desired.clear();
        publish(change);
    }

    void publish(final FirewallChange change)
    {
        if (!change.internal && !completions.offer(change))
        {
            // Cannot happen: the completion queue holds every slot the batcher owns.
            throw new IllegalStateException("completion queue full");
        }
    }
}
