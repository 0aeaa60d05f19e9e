package io.blocksync.daemon.node;

import io.blocksync.daemon.status.NodeCounters;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Group commit of the state files between the loop and one sync thread, so that an ACK or an operator's {@code ok}
 * leaves only once the decision it reports is on disk, while the loop never waits for a disk.
 * <p>
 * <b>Points.</b> The loop calls {@link #mark()} when it has something to acknowledge: the returned point covers
 * every change the loop made to the state files before the end of the current duty cycle. {@link #publish()}, at
 * the end of the cycle, hands the highest point to the sync thread (one {@code unpark} per cycle at most). The
 * sync thread reads the newest published point, syncs ({@link StateSync}), then publishes "durable up to that
 * point"; the loop holds its ACKs and replies until {@link #isDurable(long)}. One sync thus covers every change
 * made before it was started, however many bans a burst made (group commit); a burst that arrives while a sync runs
 * is covered by the next one.
 * <p>
 * <b>What is synced.</b> With a write-ahead log ({@code state-sync = always}), {@link StateSync#sync()} is one
 * sequential append's worth of {@code bans.wal} plus the two small files; the map is synced at checkpoints
 * ({@link Checkpointer}), and by a sync itself only while the log was full.
 * <p>
 * <b>Failure.</b> A failed sync is final: Linux reports a write-back error once and may drop the dirty pages, so a
 * later sync that succeeds proves nothing about them. Durability then stops advancing, ACKs and {@code ok}s stop,
 * and the log says to restart; counted in {@code state_sync_failures}.
 * <p>
 * <b>State written after syncs.</b> A {@link DurableCopy} ({@link #defer}) is state the loop keeps in memory and
 * the sync thread writes to its file only after a sync, as of a point that sync covered: the high-water marks and
 * received stream positions ({@link HighWaterMarks#writeAfterSyncs}), which must never reach the disk ahead of the
 * log holding the records they count. A change to it asks for a sync like a mark does.
 * <p>
 * <b>Threads.</b> {@link #mark()}, {@link #publish()} and {@link #isDurable(long)} are for the loop only and allocate
 * nothing; {@link #close()} for the thread that stops the node, after the loop stopped.
 */
public final class GroupCommit implements AutoCloseable
{
    /** How long {@link #close()} waits for a sync in progress. */
    public static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final GroupCommit NEVER = new GroupCommit(null, null, null, null, null, null);

    private final StateSync sync;
    private final Checkpointer checkpointer;
    private final Runnable wakeLoop;
    private final Consumer<String> log;
    private final AtomicCounter syncs;
    private final AtomicCounter failures;
    private final AtomicCounter lastMicros;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong durable = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;
    private volatile DurableCopy copy;
    private long nextPoint = 1;
    private boolean marked;

    private GroupCommit(
        final StateSync sync,
        final Checkpointer checkpointer,
        final Runnable wakeLoop,
        final NodeCounters counters,
        final Consumer<String> log,
        final String name)
    {
        this.sync = sync;
        this.checkpointer = checkpointer;
        this.wakeLoop = wakeLoop;
        this.log = log;
        this.syncs = null == counters ? null : counters.stateSyncs;
        this.failures = null == counters ? null : counters.stateSyncFailures;
        this.lastMicros = null == counters ? null : counters.stateSyncLastMicros;
        if (null == sync)
        {
            thread = null;
        }
        else
        {
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
        }
    }

    /**
     * No syncing at all ({@code state-sync = never}, and engines in tests): every point is durable at once.
     */
    public static GroupCommit never()
    {
        return NEVER;
    }

    /**
     * Start the sync thread.
     *
     * @param sync     makes the state files durable; called on the sync thread only.
     * @param wakeLoop wakes the loop once a sync completed (it may be parked waiting for one).
     * @param counters for {@code state_syncs} and {@code state_sync_failures}.
     * @param log      thread-safe; receives one line when a sync fails.
     * @param name     the thread's name.
     */
    public static GroupCommit start(
        final StateSync sync, final Runnable wakeLoop, final NodeCounters counters, final Consumer<String> log, final String name)
    {
        return start(sync, null, wakeLoop, counters, log, name);
    }

    /**
     * Start the sync thread for a ban store with a write-ahead log: each sync first runs a checkpoint when the log was
     * full and the map holds changes it could not take ({@link Checkpointer#isNeededForDurability()}), since only a
     * synced map makes those durable; the points wait for it.
     *
     * @param checkpointer the store's checkpointer, or null when the store has no log.
     * @see #start(StateSync, Runnable, NodeCounters, Consumer, String)
     */
    public static GroupCommit start(
        final StateSync sync,
        final Checkpointer checkpointer,
        final Runnable wakeLoop,
        final NodeCounters counters,
        final Consumer<String> log,
        final String name)
    {
        final GroupCommit commit = new GroupCommit(sync, checkpointer, wakeLoop, counters, log, name);
        commit.thread.start();
        return commit;
    }

    /**
     * Have {@code copy} written after each sync. Call before the loop's first {@link #publish()}; a commit that does
     * not sync ({@link #never()}) ignores it, and the owner writes through instead.
     *
     * @return this.
     */
    public GroupCommit defer(final DurableCopy copy)
    {
        if (null != thread)
        {
            this.copy = copy;
        }
        return this;
    }

    /** Whether points wait for syncs: false for {@link #never()}. */
    public boolean isSyncing()
    {
        return null != thread;
    }

    /**
     * Loop only: a point covering every change made to the state files so far and until {@link #publish()}.
     *
     * @return the point to wait for with {@link #isDurable(long)}; 0 when nothing is synced.
     */
    public long mark()
    {
        if (null == thread)
        {
            return 0;
        }
        marked = true;
        return nextPoint;
    }

    /** Loop only, at the end of each duty cycle: ask the sync thread for the points marked in this cycle. */
    public void publish()
    {
        final DurableCopy copy = this.copy;
        if (null != copy && copy.publish())
        {
            marked = true;
        }
        if (marked)
        {
            marked = false;
            // Release: the sync thread that reads this point sees every store the loop made before it.
            requested.setRelease(nextPoint++);
            LockSupport.unpark(thread);
        }
    }

    /** Loop only: whether a sync that started after {@code point} was published has completed. */
    public boolean isDurable(final long point)
    {
        return point <= 0 || durable.getAcquire() >= point;
    }

    /** Any thread: the highest point known durable. */
    public long durablePoint()
    {
        return durable.get();
    }

    /**
     * Stop the sync thread, then sync once more so that a clean stop leaves everything on disk before the store is
     * marked clean. Call after the loop stopped. A sync stuck in the kernel (a dying disk) is waited for at most
     * {@link #STOP_TIMEOUT_MILLIS}, so that a stop still ends within the service manager's timeout.
     */
    public void close()
    {
        if (null == thread)
        {
            return;
        }
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(STOP_TIMEOUT_MILLIS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            log.accept("state sync still running after " + STOP_TIMEOUT_MILLIS + " ms at stop: left to the kernel");
        }
        else if (!failed)
        {
            syncOnce(Long.MAX_VALUE);
        }
    }

    /**
     * @return true once no sync can run any more: never started, or its thread ended. False after a {@link #close()}
     * that left a sync stuck in the kernel: the files it writes after the sync must then stay mapped.
     */
    public boolean isStopped()
    {
        return null == thread || !thread.isAlive();
    }

    private void run()
    {
        while (running)
        {
            final long target = requested.getAcquire();
            if (target > durable.get() && !failed)
            {
                if (syncOnce(target))
                {
                    wakeLoop.run();
                }
            }
            else
            {
                LockSupport.park(this);
            }
        }
    }

    private boolean syncOnce(final long target)
    {
        try
        {
            final long startNanos = System.nanoTime();
            final DurableCopy copy = this.copy;
            if (null != copy)
            {
                // Taken before the sync: everything it describes was stored before it was published, so is covered.
                copy.capture();
            }
            if (null != checkpointer && checkpointer.isNeededForDurability())
            {
                checkpointer.checkpoint();
            }
            sync.sync();
            if (null != copy)
            {
                copy.store();
            }
            durable.setRelease(target);
            lastMicros.setRelease((System.nanoTime() - startNanos) / 1000);
            syncs.incrementRelease();
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            failed = true;
            failures.incrementRelease();
            log.accept("state sync failed: " + ex + "; acknowledgements and control replies stop until the node is " +
                "restarted, since what the files held may not be on disk");
            return false;
        }
    }

    /**
     * State kept by the loop and written to a file by the sync thread only once the log covering it is durable.
     * {@link #publish()} is for the loop; {@link #capture()} and {@link #store()} for the sync thread, in that order,
     * around one sync. None may allocate or block.
     */
    public interface DurableCopy
    {
        /**
         * Loop, at the end of each duty cycle: hand the current state to the sync thread, if it changed.
         *
         * @return true when it changed since the last publish: a sync is asked for.
         */
        boolean publish();

        /** Sync thread, before a sync: take the newest published state. */
        void capture();

        /** Sync thread, after that sync completed: write the captured state to its file. */
        void store();
    }
}
