package io.blocksync.daemon;

import io.blocksync.daemon.node.StateSync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A {@link StateSync} that stands for the disk: each completed sync is what the disk holds from then on. It can
 * copy the state directory's files at each sync (a snapshot: the only content a power loss after it could find,
 * since nothing else is ever synced), hold syncs at a gate, and cut the power, after which no sync completes.
 */
final class SnapshotSync implements StateSync
{
    private final Path stateDir;
    private final Path snapshots;
    private final long costNanos;
    private final AtomicInteger entered = new AtomicInteger();
    private final Object lock = new Object();
    private volatile CountDownLatch gate;
    private int completed;
    private boolean powerOff;

    /**
     * @param stateDir  the node's state directory.
     * @param snapshots where snapshot N goes, as {@code snapshots/N}; null to count syncs without copying.
     * @param costNanos how long each sync takes, as a disk would.
     */
    SnapshotSync(final Path stateDir, final Path snapshots, final long costNanos)
    {
        this.stateDir = stateDir;
        this.snapshots = snapshots;
        this.costNanos = costNanos;
    }

    public void sync() throws IOException
    {
        entered.incrementAndGet();
        final CountDownLatch closed = gate;
        if (null != closed)
        {
            try
            {
                closed.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate", ex);
            }
        }
        final long end = System.nanoTime() + costNanos;
        Path copy = null;
        if (null != snapshots)
        {
            copy = snapshots.resolve("in-progress");
            copyStateFiles(copy);
        }
        while (System.nanoTime() < end)
        {
            Thread.onSpinWait();
        }
        synchronized (lock)
        {
            if (powerOff)
            {
                throw new IOException("the power is off");
            }
            completed++;
            if (null != copy)
            {
                Files.move(copy, snapshots.resolve(Integer.toString(completed)));
            }
        }
    }

    /** Syncs wait from now on until {@link #open()}. */
    void close()
    {
        gate = new CountDownLatch(1);
    }

    void open()
    {
        final CountDownLatch closed = gate;
        gate = null;
        if (null != closed)
        {
            closed.countDown();
        }
    }

    /** From now on no sync completes: the disk keeps what the syncs completed so far wrote. */
    int cutPower()
    {
        synchronized (lock)
        {
            powerOff = true;
            return completed;
        }
    }

    /** Syncs that have started (and may be waiting at the gate). */
    int entered()
    {
        return entered.get();
    }

    int completed()
    {
        synchronized (lock)
        {
            return completed;
        }
    }

    /** The files as the last completed sync left them: what the disk holds after a power loss now. */
    Path lastSnapshot()
    {
        return snapshots.resolve(Integer.toString(completed()));
    }

    private void copyStateFiles(final Path into) throws IOException
    {
        Files.createDirectories(into);
        final List<Path> files;
        try (Stream<Path> listing = Files.list(stateDir))
        {
            files = listing.filter(Files::isRegularFile).toList();
        }
        for (final Path file : files)
        {
            Files.copy(file, into.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(into, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
}
