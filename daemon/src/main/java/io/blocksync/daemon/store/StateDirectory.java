package io.blocksync.daemon.store;

import io.blocksync.daemon.config.StrictModes;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The daemon's state directory as its one owner holds it: created with mode 0700 (and refused when group or others
 * have any access, or when it or a directory above it can be changed by anyone but root and the daemon's user, see
 * {@link StrictModes}), locked through {@link StateDirLock}, and marked with {@code store.open} while the map is open.
 * <p>
 * Either the marker or a pid in the lock file left behind at the next start means the previous owner did not stop
 * cleanly; {@link #uncleanStopReason()} says which, and the map is then opened through Chronicle's recovery.
 */
final class StateDirectory implements AutoCloseable
{
    static final String OPEN_MARKER_FILE_NAME = "store.open";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final StateDirLock lock;
    private final String uncleanStopReason;
    private boolean released;

    private StateDirectory(final Path dir, final StateDirLock lock, final String uncleanStopReason)
    {
        this.dir = dir;
        this.lock = lock;
        this.uncleanStopReason = uncleanStopReason;
    }

    /**
     * Become the directory's owner: create it if missing, lock it, and write the open marker, so that a crash at any
     * later point is seen at the next start.
     *
     * @param dir the state directory.
     * @return the owned directory; {@link #close()} it after the map to mark a clean stop.
     * @throws StateDirLockedException if another daemon (or another store in this process) owns the directory.
     * @throws IOException             if the directory is unsafe or its files cannot be written.
     */
    static StateDirectory own(final Path dir) throws IOException
    {
        create(dir);
        final StateDirLock lock = StateDirLock.acquire(dir);
        try
        {
            final Path marker = dir.resolve(OPEN_MARKER_FILE_NAME);
            final String reason = uncleanStopReason(marker, lock.previousPid());
            Files.write(marker, new byte[0]);

            return new StateDirectory(dir, lock, reason);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            closeSuppressing(lock, ex);
            throw ex;
        }
    }

    /**
     * For a reader, which takes no lock: warn when the marker was left behind and no live process holds the lock,
     * since such a store is only recovered when a daemon next starts.
     *
     * @param dir  the state directory.
     * @param file the map file, named in the warning.
     * @param log  receives the warning line.
     */
    static void warnIfAbandoned(final Path dir, final Path file, final Consumer<String> log)
    {
        if (Files.exists(dir.resolve(OPEN_MARKER_FILE_NAME)))
        {
            final long pid = StateDirLock.holderPid(dir);
            if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                log.accept(
                    "warning: ban store " + file + " was not closed cleanly and no daemon holds it; it is " +
                    "recovered when the daemon next starts, and may read inconsistently until then");
            }
        }
    }

    /**
     * @return why the previous owner's stop was unclean, e.g. "store.open was left behind", or null if it was clean.
     */
    String uncleanStopReason()
    {
        return uncleanStopReason;
    }

    /**
     * Give the directory up after a failed open: the lock is released but the marker stays, so whatever was half
     * done is recovered at the next start.
     *
     * @param failure the exception being thrown, which collects any error of the release as suppressed.
     */
    void abandon(final Throwable failure)
    {
        if (!released)
        {
            released = true;
            closeSuppressing(lock, failure);
        }
    }

    /**
     * Mark the stop as clean (remove the marker) and release the lock. Call after the map is closed. Idempotent.
     */
    @Override
    public void close() throws IOException
    {
        if (released)
        {
            return;
        }
        released = true;

        try
        {
            Files.deleteIfExists(dir.resolve(OPEN_MARKER_FILE_NAME));
        }
        finally
        {
            lock.close();
        }
    }

    private static String uncleanStopReason(final Path marker, final long previousPid)
    {
        if (Files.exists(marker))
        {
            return OPEN_MARKER_FILE_NAME + " was left behind";
        }
        if (previousPid > 0)
        {
            return StateDirLock.FILE_NAME + " still named pid " + previousPid + ", which is gone";
        }
        if (previousPid < 0)
        {
            return StateDirLock.FILE_NAME + " held something other than a pid";
        }

        return null;
    }

    private static void create(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            final Path parent = dir.toAbsolutePath().getParent();
            if (null != parent)
            {
                Files.createDirectories(parent);
            }

            try
            {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            catch (final FileAlreadyExistsException ex)
            {
                if (!Files.isDirectory(dir))
                {
                    throw new IOException("state directory " + dir + " exists but is not a directory", ex);
                }
            }
        }

        final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) ||
            permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            throw new IOException(
                "state directory " + dir + " is writable by group or others (" +
                PosixFilePermissions.toString(permissions) + "), so anyone could edit the bans: chmod 700 it");
        }
        if (!OWNER_ONLY.containsAll(permissions))
        {
            throw new IOException(
                "state directory " + dir + " is open to group or others (" +
                PosixFilePermissions.toString(permissions) + "); the state in it is the daemon's alone: chmod 700 it");
        }

        final String untrusted = StrictModes.problem(dir);
        if (null != untrusted)
        {
            throw new IOException("state directory " + dir + ": refused: " + untrusted);
        }
    }

    private static void closeSuppressing(final StateDirLock lock, final Throwable failure)
    {
        try
        {
            lock.close();
        }
        catch (final IOException suppressed)
        {
            failure.addSuppressed(suppressed);
        }
    }
}
