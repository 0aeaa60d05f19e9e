package io.blocksync.daemon.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a state directory: an OS lock on {@code blocksync.lock} that holds the owner's pid while
 * it runs and is emptied on a clean release. The kernel drops the lock when the owner dies, however it dies, so a
 * pid still in the file when the lock is next taken means the previous owner did not stop cleanly.
 * <p>
 * POSIX locks belong to the process, and closing any descriptor of the file releases them, so this process never
 * opens the file a second time while it holds the lock: a second attempt from the same process is refused from an
 * in-memory set without touching the file.
 */
final class StateDirLock implements AutoCloseable
{
    static final String FILE_NAME = "blocksync.lock";

    private static final Set<Path> HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();
    private static final int MAX_PID_TEXT = 32;

    private final Path heldKey;
    private final FileChannel channel;
    private final FileLock lock;
    private final long previousPid;
    private boolean closed;

    private StateDirLock(final Path heldKey, final FileChannel channel, final FileLock lock, final long previousPid)
    {
        this.heldKey = heldKey;
        this.channel = channel;
        this.lock = lock;
        this.previousPid = previousPid;
    }

    /**
     * @param stateDir existing directory to own.
     * @return the held lock, with our pid written into the file.
     * @throws StateDirLockedException if another process or another store in this process owns the directory.
     * @throws IOException             if the lock file cannot be opened or written.
     */
    static StateDirLock acquire(final Path stateDir) throws IOException
    {
        final long ownPid = ProcessHandle.current().pid();
        final Path heldKey = stateDir.toRealPath();
        if (!HELD_BY_THIS_PROCESS.add(heldKey))
        {
            throw new StateDirLockedException(stateDir, ownPid);
        }

        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(
                stateDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            final FileLock lock = tryLock(channel, stateDir, ownPid);
            if (null == lock)
            {
                throw new StateDirLockedException(stateDir, readPid(channel));
            }

            final long previousPid = readPid(channel);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ownPid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);

            return new StateDirLock(heldKey, channel, lock, previousPid);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            HELD_BY_THIS_PROCESS.remove(heldKey);
            if (null != channel)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException suppressed)
                {
                    ex.addSuppressed(suppressed);
                }
            }
            throw ex;
        }
    }

    /**
     * The pid in a directory's lock file, read without locking, for a reader that wants to know whether the owner
     * is alive. Never call it from the process that holds the lock (see the class comment).
     *
     * @param stateDir directory to look in.
     * @return the pid, or 0 if there is no lock file or it holds no pid.
     */
    static long holderPid(final Path stateDir)
    {
        try (FileChannel channel = FileChannel.open(stateDir.resolve(FILE_NAME), StandardOpenOption.READ))
        {
            return readPid(channel);
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /**
     * @return the pid the previous owner left behind because it did not release cleanly, 0 if it did, -1 if the
     * file held something that is not a pid.
     */
    long previousPid()
    {
        return previousPid;
    }

    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;

        try
        {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        }
        finally
        {
            channel.close();
            HELD_BY_THIS_PROCESS.remove(heldKey);
        }
    }

    private static FileLock tryLock(final FileChannel channel, final Path stateDir, final long ownPid)
        throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            // another channel of this process holds it: a caller bypassed the in-memory set
            throw new StateDirLockedException(stateDir, ownPid);
        }
    }

    private static long readPid(final FileChannel channel) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(MAX_PID_TEXT);
        channel.read(buffer, 0);
        final String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        if (text.isEmpty())
        {
            return 0;
        }

        try
        {
            final long pid = Long.parseLong(text);
            return pid > 0 ? pid : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
