package io.blocksync.firewall;

import org.agrona.concurrent.NanoClock;

import static io.blocksync.firewall.LiveBans.PERMANENT;

/**
 * The reconciler's repair side: a cheap look at the backend's tables, sets and rules ({@link FirewallBackend#intact()},
 * never their elements), re-created at once when missing: after a removal event when the backend has them
 * ({@link KernelMonitor}), else every {@code checkInterval}, and after a failed commit; a full listing diffed
 * against the desired state ({@link KernelDiff}) as often as it costs (listing, adoption and merge) at most
 * 1/{@value #FULL_CHECK_SHARE} of the worker's time and at least every {@code fullCheckInterval}, merged in slices
 * between commits ({@link SlicedMerge}); backends that cannot be listed are re-asserted whole at their re-assert
 * interval ({@link UnlistedWrites}). Object checks, re-creations and re-asserts run on the backend's one
 * {@link ToolBackoff}, shared with the commits: a failed check is counted, logged once and retried at the tool's next
 * round. Worker thread only.
 */
final class KernelCheck
{
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /**
     * A full check (listing, adoption, merge) may take 1/20 of the worker's time: 100,000 elements listed and merged in
     * 0.3 s are diffed every 6 s.
     */
    private static final int FULL_CHECK_SHARE = 20;
    /**
     * The listing alone (the kernel's dump, on the listing thread) may take 1/10 of the time even where
     * {@code fullCheckInterval} asks for more: a hash set's dump restarts its walk at every ~32 KB part, so listing n
     * elements costs O(n²) kernel time (1,000,000 elements: 56 s of system time for {@code nft list set} on this 2-core
     * VM), which a 60 s interval would repeat back to back, taking a core from everything else.
     */
    private static final int LISTING_SHARE = 10;

    private final FirewallBackend backend;
    private final DesiredState desired;
    private final BanDeadlines deadlines;
    private final BatchWorker worker;
    private final FirewallFailures failures;
    private final WorkerCounters counters;
    private final SlicedMerge merge;
    private final ToolBackoff tool;
    private final long checkIntervalNanos;
    private final long fullCheckMaxNanos;
    private final ElementTable elements;
    private final UnlistedWrites unlisted;
    private final KernelLister lister;
    private final KernelMonitor monitor = new KernelMonitor();
    private final ChangedSinceListing changed;
    private final KernelListing.Changed changedFilter;
    private long listingStartNanos;
    private volatile long lastFullCheckNanos;
    /** The worker's time adopting the last listing and merging it so far (slices included), in nanoseconds. */
    private long mergeNanos;
    private long nextCheckNanos = PERMANENT;
    private long nextFullCheckNanos;
    /** Elements committed per {@code checkInterval} from which bulk is flowing (a join, an import). */
    static final int BULK_ELEMENTS = 1024;
    /** When commits last reached {@link #BULK_ELEMENTS} within one check interval, or {@link Long#MIN_VALUE}. */
    private long lastBulkNanos = Long.MIN_VALUE;
    private long windowStartNanos;
    private int windowElements;
    /** Failed listings in a row (their own backoff: a broken dump socket must not hold commits). */
    private int listingFailures;
    /** Start-up or a repair: the next check lists everything, busy or not. */
    private boolean forceFull;
    private NanoClock clock;

    KernelCheck(
        final FirewallBackend backend,
        final BatcherSettings settings,
        final DesiredState desired,
        final BanDeadlines deadlines,
        final BatchWorker worker)
    {
        this.backend = backend;
        this.desired = desired;
        this.elements = desired.elements;
        this.deadlines = deadlines;
        this.worker = worker;
        this.failures = worker.failures;
        this.counters = worker.counters;
        this.merge = new SlicedMerge(desired, new KernelDiff(desired, backend));
        this.tool = worker.tool;
        this.checkIntervalNanos = settings.checkIntervalMs() * NANOS_PER_MILLI;
        this.fullCheckMaxNanos = settings.fullCheckIntervalMs() * NANOS_PER_MILLI;
        this.unlisted = new UnlistedWrites(backend, desired, deadlines, worker);
        this.lister = new KernelLister(backend, worker.clock());
        this.changed = desired.changedSinceListing;
        this.changedFilter = (object, key) -> changed.contains(elements.objectIndex(object), key);
    }

    /**
     * Full listings from now on run on a thread of their own, when the backend can open a second session.
     *
     * @param wake unparks the worker when a listing is ready.
     * @return the listing session's description, or null when listings stay on the worker.
     */
    String startListingThread(final Runnable wake, final String threadName)
    {
        return backend.listable() ? lister.startThread(wake, threadName) : null;
    }

    /**
     * Removals noticed through the backend's {@link KernelEvents} from now on, if it has them: the worker then runs
     * {@link FirewallBackend#intact()} only after one, not every {@code checkInterval}.
     *
     * @param wake unparks the worker after an event.
     * @param log  receives a line if the events fail (the worker polls again).
     * @return the events' description, or null when the worker keeps polling.
     */
    String startMonitor(final Runnable wake, final java.util.function.Consumer<String> log, final String threadName)
    {
        return backend.listable() ? monitor.start(backend.openEvents(), wake, log, threadName) : null;
    }

    /**
     * @return true when a removal event asks for a check now.
     */
    boolean eventPending()
    {
        return monitor.pending();
    }

    void close()
    {
        monitor.close();
        lister.close();
    }

    /**
     * @return how long the last full check's listing took, in nanoseconds (0 before the first).
     */
    long lastFullCheckNanos()
    {
        return lastFullCheckNanos;
    }

    /**
     * @return true while a full check runs: its listing on its own thread, or its merge in slices on the worker.
     */
    boolean listingInFlight()
    {
        return lister.inFlight() || merge.active();
    }

    /**
     * The next check, and a full one, are due now (start-up).
     */
    void due(final long nowNanos)
    {
        nextCheckNanos = nowNanos;
        nextFullCheckNanos = nowNanos;
        forceFull = true;
    }

    long nextCheckNanos()
    {
        return nextCheckNanos;
    }

    void check(final long nowNanos, final NanoClock clock)
    {
        this.clock = clock;
        check(nowNanos);
    }

    private void check(final long nowNanos)
    {
        // One backoff for the tool (ToolBackoff): while a round failed, neither objects nor listings run it.
        final boolean held = tool.holding(nowNanos);
        if (!backend.listable())
        {
            if (held)
            {
                nextCheckNanos = tool.retryAtNanos();
                return;
            }
            nextCheckNanos = unlisted.reassert(nowNanos);
            return;
        }

        if (!held)
        {
            try
            {
                if (repairIfBroken(nowNanos, false))
                {
                    // Re-created: the next object check waits one step of the shared backoff, so objects that are
                    // found broken again at once are not re-created back to back.
                    tool.recreated(nowNanos);
                }
                else
                {
                    tool.succeeded(ToolBackoff.OBJECTS);
                }
                failures.recovered(FailureKind.CHECK);
            }
            catch (final RuntimeException ex)
            {
                objectsFailed(nowNanos, ex);
                return;
            }
        }

        try
        {
            if (lister.done() && !merge.active())
            {
                beginMerge(nowNanos);
            }
            // The listing runs on its own session and thread: commits go on meanwhile, so no quiet second is needed.
            // Re-created objects hold the next object check, not the listing that restores their elements.
            if (!tool.holdingWrites(nowNanos) && !lister.inFlight() && !merge.active() &&
                (forceFull || (nowNanos >= nextFullCheckNanos && !bulkFlowing(nowNanos))))
            {
                startFullCheck(nowNanos);
                if (lister.done())
                {
                    beginMerge(nowNanos);
                }
            }
            listingFailures = 0;
            nextCheckNanos = held ? tool.retryAtNanos() :
                Math.max(nowNanos + checkIntervalNanos, tool.holding(nowNanos) ? tool.retryAtNanos() : 0);
        }
        catch (final RuntimeException ex)
        {
            if (!lister.inFlight())
            {
                changed.stop();
            }
            failures.failed(FailureKind.CHECK, FirewallException.describe(ex));
            counters.lastError = FirewallException.describe(ex);
            nextCheckNanos = nowNanos + deadlines.backoffNanos(++listingFailures);
            unlisted.writeUnlisted(nowNanos);
        }
    }

    private void objectsFailed(final long nowNanos, final RuntimeException ex)
    {
        failures.failed(FailureKind.CHECK, FirewallException.describe(ex));
        counters.lastError = FirewallException.describe(ex);
        tool.failed(ToolBackoff.OBJECTS, nowNanos);
        nextCheckNanos = tool.retryAtNanos();
        unlisted.writeUnlisted(nowNanos);
    }

    /**
     * @return true when {@link #check(long, NanoClock)} has something to do now: its time has come, a listing is
     * ready to merge, or a removal event waits (and the tool's backoff lets the check run).
     */
    boolean dueNow(final long nowNanos)
    {
        return nowNanos >= nextCheckNanos || (lister.done() && !merge.active()) ||
            (monitor.pending() && !tool.holding(nowNanos));
    }

    /**
     * @return true while a merge has slices left: the worker runs {@link #mergeSlice(long)} between commits.
     */
    boolean merging()
    {
        return merge.active();
    }

    /**
     * A listing is ready: the worker is woken for it at once, rather than at the next check.
     */
    boolean listingDone()
    {
        return lister.done();
    }

    /**
     * The worker is about to commit {@code elements} changes.
     */
    void committing(final int elements, final long nowNanos)
    {
        if (nowNanos - windowStartNanos >= checkIntervalNanos)
        {
            windowStartNanos = nowNanos;
            windowElements = 0;
        }
        windowElements += elements;
        if (windowElements >= BULK_ELEMENTS)
        {
            lastBulkNanos = nowNanos;
        }
    }

    /**
     * A due full check waits while bulk flows (each commit is confirmed by the kernel, and a listing taken meanwhile
     * would mostly show elements changed since it started, at O(n²) kernel time and an adoption on the worker), but
     * not longer than {@code fullCheckInterval} past its time.
     */
    private boolean bulkFlowing(final long nowNanos)
    {
        return Long.MIN_VALUE != lastBulkNanos && nowNanos - lastBulkNanos < checkIntervalNanos &&
            nowNanos - nextFullCheckNanos < fullCheckMaxNanos;
    }

    /**
     * @return true if the backend's objects were missing and have been re-created (everything must be re-listed).
     */
    private boolean repairIfBroken(final long nowNanos, final boolean force)
    {
        final boolean event = monitor.takePending();
        if (!backend.listable() || (!force && !event && monitor.eventDriven()) || backend.intact())
        {
            return false;
        }

        // Logged apart from element drift (its own object), so a loss during an element-drift streak still shows.
        failures.failed(FailureKind.DRIFT, "objects", "tables, sets or rules were removed or re-defined; re-created");
        backend.repair();
        // A listing in flight saw the objects before they were re-created: it is dropped when it ends.
        changed.wholesale();
        nextFullCheckNanos = nowNanos;
        forceFull = true;
        nextCheckNanos = nowNanos;
        return true;
    }

    /**
     * A commit failed: check the objects and re-create them, unless the shared backoff holds (the check just ran or
     * failed in this round).
     *
     * @return true if something was re-created.
     */
    boolean repairAfterFailure(final long nowNanos)
    {
        if (tool.holding(nowNanos))
        {
            return false;
        }
        try
        {
            if (repairIfBroken(nowNanos, true))
            {
                tool.recreated(nowNanos);
                return true;
            }
            tool.succeeded(ToolBackoff.OBJECTS);
            return false;
        }
        catch (final RuntimeException ex)
        {
            failures.failed(FailureKind.CHECK, FirewallException.describe(ex));
            tool.failed(ToolBackoff.OBJECTS, nowNanos);
            return false;
        }
    }

    private void startFullCheck(final long nowNanos)
    {
        forceFull = false;
        listingStartNanos = nowNanos;
        changed.start();
        lister.request();
    }

    /**
     * Take a finished listing: the backend adopts it, then {@link SlicedMerge} diffs it against the desired state a
     * slice at a time, skipping what commits changed since the listing started; the differences go out through the
     * ordinary commits. Change recording goes on until the merge ends.
     */
    private void beginMerge(final long nowNanos)
    {
        final KernelListing listing;
        try
        {
            listing = lister.take();
        }
        catch (final RuntimeException ex)
        {
            changed.stop();
            throw ex;
        }
        if (changed.isWholesale())
        {
            // Objects flushed or re-created during the listing: list again at once.
            changed.stop();
            forceFull = true;
            return;
        }
        final KernelListing.Changed filter = 0 == changed.size() ? KernelListing.Changed.NONE : changedFilter;
        final long adoptStartNanos = clock.nanoTime();
        try
        {
            backend.adopt(listing, filter);
        }
        catch (final RuntimeException ex)
        {
            changed.stop();
            throw ex;
        }
        // Time left is compared as of the listing's end: a long listing must not make every element look short.
        final long adoptEndNanos = clock.nanoTime();
        mergeNanos = adoptEndNanos - adoptStartNanos;
        merge.begin(listing, Math.max(nowNanos, adoptEndNanos));
    }

    /**
     * Judge the next slice of the merge; at its end, count it and schedule the next full check.
     */
    void mergeSlice(final long nowNanos)
    {
        if (changed.isWholesale())
        {
            // A flush or a re-creation between slices: the listing no longer says anything; list again at once.
            merge.abort();
            changed.stop();
            forceFull = true;
            nextCheckNanos = Math.min(nextCheckNanos, nowNanos);
            return;
        }
        final long sliceStartNanos = clock.nanoTime();
        final boolean ended = merge.slice(nowNanos);
        mergeNanos += clock.nanoTime() - sliceStartNanos;
        if (!ended)
        {
            return;
        }
        changed.stop();
        counters.reconciles.incrementAndGet();
        final int drift = merge.drift();
        if (drift > 0)
        {
            counters.repairedElements.addAndGet(drift);
            failures.failed(FailureKind.DRIFT, drift + " elements missing or stray in the kernel; repaired");
        }
        else
        {
            failures.recovered(FailureKind.DRIFT);
        }

        lastFullCheckNanos = lister.lastDurationNanos();
        // The worker's share is its adoption and merge of the listing as well as the listing: during a bulk of commits
        // those cost more than the dump itself, and each check repeats them over every element.
        final long costNanos = lastFullCheckNanos + mergeNanos;
        nextFullCheckNanos = listingStartNanos + Math.max(LISTING_SHARE * lastFullCheckNanos,
            Math.min(fullCheckMaxNanos, Math.max(checkIntervalNanos, FULL_CHECK_SHARE * costNanos)));
    }
}
