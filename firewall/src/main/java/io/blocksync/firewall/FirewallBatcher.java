package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemNanoClock;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands firewall changes from the event loop to one worker thread that applies them in batches.
 * <p>
 * The loop calls {@link #offer}, {@link #requestFlush()} and {@link #pollCompletions(CompletionHandler)}; none of
 * them blocks or allocates. Changes travel in preallocated slots: a slot goes loop, worker, loop and returns to the
 * free list when its completion is polled, so capacity bounds everything in flight and {@link #offer} returns false
 * when the loop should try again later.
 * <p>
 * The worker is a reconciler ({@link BatchWorker}): it keeps the desired kernel elements (one per object and prefix,
 * expiring at the latest of the bans behind it), commits what changed at once when idle (changes arriving during a
 * commit join the next, up to {@link BatcherSettings#maxBatch()}; {@link BatcherSettings#flushDelayMs()} is an
 * optional wait; while bulk flows, commits wait for {@link BatcherSettings#bulkIntervalMs()}, and offers do not wake
 * the worker unless a full batch, or half the queue, is queued), retries refused elements with backoff, removes bans when their time is up (before the kernel
 * timeout, which carries a grace period and only matters when the daemon is gone) and repairs the kernel when someone
 * else changed it. Nothing is dropped silently: every offered change completes as APPLIED (in the kernel), SUPERSEDED
 * or FAILED (refused, retried in the background), and failures are counted per {@link FailureKind}.
 */
public final class FirewallBatcher implements AutoCloseable
{
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final FirewallBackend backend;
    private final BatcherSettings settings;
    private final NanoClock clock;
    private final OneToOneConcurrentArrayQueue<FirewallChange> requests;
    private final OneToOneConcurrentArrayQueue<FirewallChange> completions;
    private final BatchWorker worker;
    /** Queued changes that wake the worker from a hold: a full batch, or half the queue when that is smaller. */
    private final int wakeFromHold;
    private final FirewallChange[] free;
    private int freeCount;

    private volatile boolean closing;
    private volatile boolean parked;
    /** The worker sleeps until its held commit is due: only a full batch queued wakes it earlier. */
    private volatile boolean holding;
    private Thread thread;
    private boolean opened;

    public FirewallBatcher(final FirewallBackend backend, final BatcherSettings settings)
    {
        this(backend, settings, SystemNanoClock.INSTANCE);
    }

    /**
     * @param backend  driven only from the worker thread; closed by {@link #close()}.
     * @param settings tuning.
     * @param clock    time source for batching, retries and expiry.
     */
    public FirewallBatcher(final FirewallBackend backend, final BatcherSettings settings, final NanoClock clock)
    {
        this.backend = backend;
        this.settings = settings;
        this.clock = clock;
        this.requests = new OneToOneConcurrentArrayQueue<>(settings.capacity());
        this.completions = new OneToOneConcurrentArrayQueue<>(settings.capacity());
        this.worker = new BatchWorker(backend, settings, clock, requests, completions);
        this.wakeFromHold = Math.max(1, Math.min(settings.maxBatch(), settings.capacity() / 2));
        this.free = new FirewallChange[settings.capacity()];
        for (int i = 0; i < free.length; i++)
        {
            free[i] = new FirewallChange();
        }
        this.freeCount = free.length;
    }

    /**
     * Start the backend on the calling thread (so a missing tool or privilege fails the daemon's start with a
     * one-line reason), then start the worker, which first reconciles the firewall with the live bans.
     *
     * @param liveBans ADD changes for every live ban in the store, with the time left; read during this call only.
     * @throws FirewallException if the backend cannot start.
     */
    public void start(final Iterable<FirewallChange> liveBans)
    {
        open(liveBans);
        final String listing = worker.startListingThread(() -> LockSupport.unpark(thread), settings.threadName() + "-listing");
        if (null != listing)
        {
            settings.log().accept(settings.label() + ": full checks list the kernel through the " + listing +
                " on a thread of their own; commits go on meanwhile");
        }
        final String events = worker.startMonitor(() -> LockSupport.unpark(thread), settings.log(),
            settings.threadName() + "-events");
        if (null != events)
        {
            settings.log().accept(settings.label() + ": removed tables, chains and sets are noticed through " + events +
                "; no per-second check on the commit thread");
        }
        thread = new Thread(this::run, settings.threadName());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queue a change. Loop thread only.
     *
     * @param op             ADD or REMOVE.
     * @param ban            prefix, reason, protocol and port to act on; copied into a slot, never kept.
     * @param timeoutSeconds ban time left, 0 for permanent; from {@link KernelTimeout}.
     * @return false if all slots are in flight (try again after polling completions) or the batcher is closing.
     * @throws IllegalArgumentException if a value is out of range.
     */
    public boolean offer(final FirewallChange.Op op, final Ban ban, final long timeoutSeconds)
    {
        if (closing || 0 == freeCount)
        {
            return false;
        }

        final FirewallChange slot = free[--freeCount];
        try
        {
            slot.set(op, ban, timeoutSeconds);
        }
        catch (final IllegalArgumentException ex)
        {
            free[freeCount++] = slot;
            throw ex;
        }

        enqueue(slot);
        return true;
    }

    /**
     * Queue a flush of everything the backend manages, after the changes already queued. Loop thread only.
     *
     * @return false if no slot is free or the batcher is closing.
     */
    public boolean requestFlush()
    {
        if (closing || 0 == freeCount)
        {
            return false;
        }

        final FirewallChange slot = free[--freeCount];
        slot.setFlush();
        enqueue(slot);
        return true;
    }

    /**
     * Hand finished changes to the handler and recycle their slots. Loop thread only; never blocks.
     *
     * @return how many completions were handled.
     */
    public int pollCompletions(final CompletionHandler handler)
    {
        int count = 0;
        FirewallChange change;
        while (null != (change = completions.poll()))
        {
            try
            {
                handler.onCompletion(change);
            }
            finally
            {
                free[freeCount++] = change;
            }
            count++;
        }

        return count;
    }

    /**
     * @return slots offered and not yet returned through {@link #pollCompletions}. Loop thread only.
     */
    public int inFlight()
    {
        return free.length - freeCount;
    }

    /**
     * @return changes waiting for the worker to pick them up; any thread.
     */
    public int queueDepth()
    {
        return requests.size();
    }

    /**
     * @return changes the backend applied; any thread.
     */
    public long appliedChanges()
    {
        return worker.counters.appliedChanges.get();
    }

    /**
     * @return successful backend transactions (apply or flush); any thread.
     */
    public long batches()
    {
        return worker.counters.batches.get();
    }

    /**
     * @return backend calls that failed, including ones that a retry later fixed; any thread.
     */
    public long failedAttempts()
    {
        return worker.counters.failedAttempts.get();
    }

    /**
     * @return changes completed as FAILED after every retry; any thread.
     */
    public long failedChanges()
    {
        return worker.counters.failedChanges.get();
    }

    /**
     * @return successful reconciliations (start-up and periodic re-asserts); any thread.
     */
    public long reconciles()
    {
        return worker.counters.reconciles.get();
    }

    /**
     * @return elements a full check found missing, stale or stray in the kernel and queued for repair; any thread.
     */
    public long repairedElements()
    {
        return worker.counters.repairedElements.get();
    }

    /**
     * @return failures of the kind so far (each logged once per streak); any thread.
     */
    public long failures(final FailureKind kind)
    {
        return worker.failures.count(kind);
    }

    /**
     * @return the last failure message of the kind, the tool's own words, or null; any thread.
     */
    public String failureMessage(final FailureKind kind)
    {
        return worker.failures.message(kind);
    }

    /**
     * @param prefix host bits clear, as {@link FirewallChange} holds it.
     * @return true when the prefix is banned and the kernel is confirmed to hold every element of it; false while a
     * change of it is queued, in flight or refused. Any thread; allocates nothing.
     */
    public boolean isEnforced(final io.blocksync.codec.IpPrefix prefix)
    {
        return worker.isEnforced(prefix);
    }

    /**
     * @param prefix host bits clear.
     * @return the kernel's message for the last refused write of the banned prefix while it is not enforced (it is
     * retried with backoff), or null. Any thread; allocates nothing.
     */
    public String refusal(final io.blocksync.codec.IpPrefix prefix)
    {
        return worker.refusal(prefix);
    }

    /**
     * @return the most recent failure, or null if there has been none; any thread.
     */
    public String lastError()
    {
        return worker.counters.lastError;
    }

    /**
     * Stop taking changes, apply everything queued (retrying as usual), stop the worker and close the backend.
     * Kernel state stays. Call from the thread that started the batcher, after the loop has stopped offering.
     */
    @Override
    public void close()
    {
        if (closing)
        {
            return;
        }
        closing = true;

        if (null != thread)
        {
            LockSupport.unpark(thread);
            boolean interrupted = false;
            while (thread.isAlive())
            {
                try
                {
                    thread.join();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
        else if (opened)
        {
            closeBackend();
        }
    }

    /**
     * Start the backend and seed the worker without starting its thread; tests then step {@link #doWork(long)}.
     */
    void open(final Iterable<FirewallChange> liveBans)
    {
        backend.start();
        ObjectRecord.cleanUp(settings.stateDirectory(), backend, worker.failures);
        worker.seed(liveBans, clock.nanoTime());
        opened = true;
    }

    int doWork(final long nowNanos)
    {
        return worker.doWork(nowNanos, closing);
    }

    long nextDeadlineNanos()
    {
        return worker.nextDeadlineNanos();
    }

    /**
     * @return how long the last full check's listing took, in milliseconds (0 before the first); any thread.
     */
    public long lastFullCheckMillis()
    {
        return worker.lastFullCheckNanos() / 1_000_000L;
    }

    /**
     * @return true while a full check runs: its listing on its own thread, or its merge, judged in slices between
     * commits on the worker; any thread.
     */
    public boolean fullCheckInFlight()
    {
        return worker.fullCheckInFlight();
    }

    int liveBanCount()
    {
        return worker.liveBanCount();
    }

    /**
     * @return true while the worker thread sleeps in a hold ({@link BatcherSettings#bulkIntervalMs}); any thread.
     */
    boolean asleepInHold()
    {
        return holding;
    }

    boolean isDrained()
    {
        return worker.isDrained();
    }

    private void enqueue(final FirewallChange slot)
    {
        slot.offeredNanos(clock.nanoTime());
        requests.offer(slot);
        // The queue's offer is a release store; without a full fence the read of parked below may be done before it
        // is visible, while the worker sets parked and finds the queue empty: the change would wait for its deadline.
        VarHandle.fullFence();
        if (parked || (holding && requests.size() >= wakeFromHold))
        {
            LockSupport.unpark(thread);
        }
    }

    private void run()
    {
        try
        {
            while (true)
            {
                final boolean closingNow = closing;
                final long now = clock.nanoTime();
                final int work;
                try
                {
                    work = worker.doWork(now, closingNow);
                }
                catch (final RuntimeException ex)
                {
                    worker.recordError("firewall worker: " + FirewallException.describe(ex));
                    LockSupport.parkNanos(this, ERROR_PAUSE_NANOS);
                    continue;
                }

                if (closingNow && worker.isDrained())
                {
                    break;
                }

                if (0 == work)
                {
                    // Set before the queue is looked at, so an offer after the look either sees it or is seen.
                    final boolean hold = worker.holding(now);
                    if (hold)
                    {
                        holding = true;
                    }
                    else
                    {
                        parked = true;
                    }
                    if (requests.isEmpty() && closingNow == closing)
                    {
                        long wait = Math.min(worker.nextDeadlineNanos() - now, MAX_PARK_NANOS);
                        if (hold)
                        {
                            // Offers meanwhile do not wake the worker: it looks at the queue when the hold ends.
                            wait = Math.min(wait, worker.holdEndNanos() - now);
                        }
                        if (wait > 0)
                        {
                            LockSupport.parkNanos(this, wait);
                        }
                    }
                    parked = false;
                    holding = false;
                }
            }
        }
        finally
        {
            closeBackend();
        }
    }

    private void closeBackend()
    {
        worker.closeListing();
        try
        {
            backend.close();
        }
        catch (final RuntimeException ex)
        {
            worker.recordError("closing the firewall backend: " + FirewallException.describe(ex));
        }
    }
}
