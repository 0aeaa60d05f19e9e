package io.blocksync.daemon.node;

import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.WriteAheadLog;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Checkpoints of the ban store's write-ahead log, on a thread of their own so that neither the loop nor the group
 * commit waits for the map's write-back: sync the map file ({@link StateSync#syncMap()}), record in the log's header
 * the log position read before that sync, sync the log ({@link StateSync#sync()}), and only then let the loop write
 * over the ring before that position ({@link WriteAheadLog#release}). A crash between any two steps leaves the
 * previous checkpoint in force, whose entries are all still in the ring.
 * <p>
 * <b>When.</b> When the log passes half full (the loop wakes this thread, one {@code unpark}), every
 * {@link #INTERVAL_MILLIS} when anything was appended since the last one, at a clean stop, and whenever the group
 * commit finds changes the loop could not log because the log was full ({@link #isNeededForDurability()}): those are
 * durable only once a checkpoint has synced the map, so the group commit runs one ({@link #checkpoint()}) before it
 * acknowledges them.
 * <p>
 * <b>Failure</b> is final as for a group commit ({@code state_sync_failures}): no later checkpoint is recorded, the
 * log fills, and the group commit that then needs a checkpoint fails, so acknowledgements stop. The log still holds
 * every change since the last good checkpoint.
 */
public final class Checkpointer implements AutoCloseable
{
    /** How often a checkpoint is taken when anything was logged since the last: bounds the replay at start. */
    public static final long INTERVAL_MILLIS = 60_000;
    /** How long {@link #close()} waits for a checkpoint in progress. */
    public static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final WriteAheadLog wal;
    private final StateSync sync;
    private final NodeCounters counters;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean failed;
    private volatile long lastNanos;

    private Checkpointer(
        final WriteAheadLog wal, final StateSync sync, final NodeCounters counters, final Consumer<String> log, final String name)
    {
        this.wal = wal;
        this.sync = sync;
        this.counters = counters;
        this.log = log;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        lastNanos = System.nanoTime();
    }

    /**
     * Start the checkpoint thread and have the log wake it when half full; call before the loop starts.
     *
     * @param wal      the ban store's log.
     * @param sync     syncs the map and the log.
     * @param counters for {@code wal_checkpoints}, {@code wal_checkpoint_last_micros}, {@code wal_unlogged_changes}
     *                 and {@code state_sync_failures}.
     * @param log      thread-safe; receives one line when a checkpoint fails.
     * @param name     the thread's name.
     */
    public static Checkpointer start(
        final WriteAheadLog wal, final StateSync sync, final NodeCounters counters, final Consumer<String> log, final String name)
    {
        final Checkpointer checkpointer = new Checkpointer(wal, sync, counters, log, name);
        final Thread thread = checkpointer.thread;
        wal.onHalfFull(() -> LockSupport.unpark(thread));
        wal.countUnloggedIn(counters.walUnloggedChanges);
        thread.start();
        return checkpointer;
    }

    /** Any thread: whether the map holds changes the log could not take (it was full) that no checkpoint synced. */
    public boolean isNeededForDurability()
    {
        return wal.hasUncheckpointedUnloggedChanges();
    }

    /**
     * Any thread but the loop: take a checkpoint now (waiting for one in progress first), unless nothing changed since
     * the last one.
     *
     * @throws IOException when a sync fails, now or before.
     */
    public synchronized void checkpoint() throws IOException
    {
        if (failed)
        {
            throw new IOException("an earlier checkpoint of the ban store failed");
        }
        final long position = wal.appendedPosition();
        final long unlogged = wal.unloggedChanges();
        if (position == wal.releasedPosition() && !wal.hasUncheckpointedUnloggedChanges())
        {
            return;
        }
        try
        {
            final long startNanos = System.nanoTime();
            sync.syncMap();
            wal.recordCheckpoint(position, unlogged);
            sync.sync();
            wal.release(position);
            lastNanos = System.nanoTime();
            counters.walCheckpointLastMicros.setRelease((lastNanos - startNanos) / 1000);
            counters.walCheckpoints.incrementRelease();
        }
        catch (final IOException | RuntimeException ex)
        {
            failed = true;
            counters.stateSyncFailures.incrementRelease();
            log.accept("checkpoint of the ban store failed: " + ex + "; no further checkpoint is taken, and once the " +
                "write-ahead log is full acknowledgements stop until the node is restarted");
            throw ex;
        }
    }

    /**
     * Stop the thread, then take a last checkpoint, so that a clean stop leaves the map synced before the store is
     * marked clean. Call after the loop and the group commit stopped.
     */
    @Override
    public void close()
    {
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
            log.accept("checkpoint still running after " + STOP_TIMEOUT_MILLIS + " ms at stop: left to the kernel");
            return;
        }
        try
        {
            checkpoint();
        }
        catch (final IOException ex)
        {
            // Logged; the log still holds every change since the last checkpoint.
        }
    }

    private void run()
    {
        final long intervalNanos = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
        while (running)
        {
            final long used = wal.appendedPosition() - wal.releasedPosition();
            final long waited = System.nanoTime() - lastNanos;
            final boolean due = used > wal.capacity() / 2 || (used > 0 && waited >= intervalNanos) ||
                wal.hasUncheckpointedUnloggedChanges();
            if (due && !isFailed())
            {
                try
                {
                    checkpoint();
                }
                catch (final IOException | RuntimeException ex)
                {
                    // Logged and counted by checkpoint().
                }
            }
            else
            {
                LockSupport.parkNanos(this, used > 0 ? Math.max(1, intervalNanos - waited) : intervalNanos);
            }
        }
    }

    private synchronized boolean isFailed()
    {
        return failed;
    }
}
