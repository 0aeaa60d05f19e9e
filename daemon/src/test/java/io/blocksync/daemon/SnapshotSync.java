package io.blocksync.daemon;

import io.blocksync.daemon.node.StateSync;
import io.blocksync.daemon.store.BanStore;

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
 * <p>
 * The map file ({@code bans.cmap}) is copied only by {@link #syncMap()}, at checkpoints: a snapshot holds the map
 * as the last completed map sync copied it, with every other file as the sync copied it, as the disk would after a
 * power loss. Call {@link #syncMap()} once before the node starts, for the map as it was synced when opened.
 * {@link #crashImage} lets any file be written back later than its last sync, independently of the others.
 */
final class SnapshotSync implements StateSync
{
    private static final String MAP_DIR = "map";

    private final Path stateDir;
    private final Path snapshots;
    private final long costNanos;
    private final AtomicInteger entered = new AtomicInteger();
    private final Object lock = new Object();
    private volatile CountDownLatch gate;
    private int completed;
    private int mapSyncs;
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
            if (null != snapshots)
            {
                final Path copy = snapshots.resolve("in-progress");
                copyStateFiles(copy);
                final Path map = snapshots.resolve(MAP_DIR).resolve(BanStore.MAP_FILE_NAME);
                if (Files.exists(map))
                {
                    Files.copy(map, copy.resolve(BanStore.MAP_FILE_NAME));
                }
                Files.move(copy, snapshots.resolve(Integer.toString(completed + 1)));
            }
            completed++;
        }
    }

    /** The map as it is now becomes the disk's. Not held at the gate. */
    public void syncMap() throws IOException
    {
        synchronized (lock)
        {
            if (powerOff)
            {
                throw new IOException("the power is off");
            }
            mapSyncs++;
            if (null != snapshots)
            {
                final Path dir = snapshots.resolve(MAP_DIR);
                Files.createDirectories(dir);
                final Path copy = dir.resolve(BanStore.MAP_FILE_NAME + ".in-progress");
                Files.copy(stateDir.resolve(BanStore.MAP_FILE_NAME), copy, StandardCopyOption.REPLACE_EXISTING);
                Files.move(copy, dir.resolve(BanStore.MAP_FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Completed map syncs (checkpoints, and the one before the node starts). */
    int mapSyncs()
    {
        synchronized (lock)
        {
            return mapSyncs;
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

    /**
     * The disk after a power loss now, into {@code into}: each state file as the last completed sync (the map: map
     * sync) copied it, except the files named, which the kernel wrote back since, as they are now. The kernel writes
     * each file's dirty pages back whenever it likes, independently of the others, so any choice is a disk a power
     * loss can leave; a sync's copy stands for the earliest content the file can have, the file now for the latest.
     *
     * @param writtenBack file names taken as they are now, e.g. {@code progress.dat}, {@code bans.cmap}.
     */
    Path crashImage(final Path into, final java.util.Set<String> writtenBack) throws IOException
    {
        synchronized (lock)
        {
            Files.createDirectories(into);
            Files.setPosixFilePermissions(into, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> listing = Files.list(lastSnapshot()))
            {
                for (final Path file : listing.toList())
                {
                    Files.copy(file, into.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(snapshots.resolve(MAP_DIR).resolve(BanStore.MAP_FILE_NAME), into.resolve(BanStore.MAP_FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
            for (final String name : writtenBack)
            {
                Files.copy(stateDir.resolve(name), into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            return into;
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
            files = listing.filter(Files::isRegularFile)
                .filter(file -> !file.getFileName().toString().equals(BanStore.MAP_FILE_NAME)).toList();
        }
        for (final Path file : files)
        {
            Files.copy(file, into.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(into, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
}
