package io.blocksync.daemon.store;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives back the resident pages of a memory-mapped file: {@code madvise(MADV_DONTNEED)} over each of this process's
 * mappings of it, found in {@code /proc/self/maps} (proc(5)). For a shared file mapping this only unmaps the pages from
 * this process: their contents stay in the page cache (dirty ones are still written back) and the next access maps
 * them again, so nothing is lost. The start-up scans read every entry of the store once; without this, the whole file
 * stays in the node's RSS while it idles.
 * <p>
 * The call goes through the JDK's own {@code MappedByteBuffer} unload ({@code jdk.internal.misc.ScopedMemoryAccess},
 * exported by the launcher's flags), whose signature is that of Java 17; on another JVM, or without
 * {@code /proc}, {@link #release} does nothing and returns 0.
 */
public final class ResidentPages
{
    private static final Object ACCESS;
    private static final Method UNLOAD;

    static
    {
        Object access = null;
        Method unload = null;
        try
        {
            final Class<?> type = Class.forName("jdk.internal.misc.ScopedMemoryAccess");
            final Class<?> scope = Class.forName("jdk.internal.misc.ScopedMemoryAccess$Scope");
            unload = type.getMethod("unload", scope, long.class, boolean.class, long.class);
            access = type.getMethod("getScopedMemoryAccess").invoke(null);
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            unload = null;
        }
        ACCESS = access;
        UNLOAD = unload;
    }

    private ResidentPages()
    {
    }

    /**
     * Releases {@code file}'s pages once, {@code delayNanos} from now, on a thread of its own: reading
     * {@code /proc/self/maps} allocates, which the loop must not. The same moment gives back the pages of the
     * process's clean read-only file mappings ({@link CleanFileMappings}), which the start touched once. Close the returned handle before unmapping the file,
     * so that a release never touches an address range reused since.
     */
    public static AutoCloseable releaseLater(final Path file, final long delayNanos)
    {
        final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread thread = new Thread(() ->
        {
            final long end = System.nanoTime() + delayNanos;
            for (long left = delayNanos; left > 0 && !closed.get(); left = end - System.nanoTime())
            {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
            if (!closed.get())
            {
                release(file);
                CleanFileMappings.release();
            }
        }, "blocksync-page-release");
        thread.setDaemon(true);
        thread.start();
        return () ->
        {
            closed.set(true);
            java.util.concurrent.locks.LockSupport.unpark(thread);
            thread.join();
        };
    }

    /**
     * @param file a file this process has mapped.
     * @return bytes of mappings advised, 0 when the platform offers no way.
     */
    public static long release(final Path file)
    {
        final Path maps = Path.of("/proc/self/maps");
        if (null == UNLOAD || !Files.isReadable(maps))
        {
            return 0;
        }
        final String name = file.toAbsolutePath().normalize().toString();
        long released = 0;
        try
        {
            for (final String line : Files.readAllLines(maps))
            {
                // start-end perms offset dev inode path
                if (line.endsWith(name))
                {
                    final int dash = line.indexOf('-');
                    final int space = line.indexOf(' ');
                    final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                    if (advise(start, end - start))
                    {
                        released += end - start;
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // An advice only: the pages simply stay resident.
        }
        return released;
    }

    /** Whether {@link #advise} can reach the JDK's unload on this JVM. */
    static boolean available()
    {
        return null != UNLOAD;
    }

    /**
     * {@code madvise(MADV_DONTNEED)} over [start, start + length), page-aligned by the JDK's unload.
     *
     * @return whether the advice was given.
     */
    static boolean advise(final long start, final long length)
    {
        try
        {
            UNLOAD.invoke(ACCESS, null, start, false, length);
            return true;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return false;
        }
    }
}
