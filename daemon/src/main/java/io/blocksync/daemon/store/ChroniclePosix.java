package io.blocksync.daemon.store;

import net.openhft.posix.internal.PosixAPIHolder;
import net.openhft.posix.internal.noop.NoOpPosixAPI;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The POSIX calls Chronicle Map makes, without a native library: Chronicle's own implementation goes through jnr-ffi,
 * whose jffi stub is unpacked to {@code java.io.tmpdir} at every start and brings some 300 classes. A ban store needs
 * only {@code posix_fallocate}, which Chronicle calls on each region it adds to the file so that a full disk fails the
 * resize with an IOException instead of a fault on a later write into the mapping; it is done here the way glibc
 * emulates it where the file system cannot (posix_fallocate(3)): one byte written in every block. {@code msync}
 * returns 0 without syncing: the store syncs the map file itself ({@code fsync}, FileSync), never through Chronicle.
 * Every other call is refused as {@link NoOpPosixAPI} refuses it.
 */
final class ChroniclePosix extends NoOpPosixAPI
{
    /** Step between written bytes: the smallest block size of Linux file systems, so every block gets one. */
    static final int BLOCK_BYTES = 4096;

    private static final int ENOSPC = 28;
    private static final int EIO = 5;

    private final ByteBuffer oneByte = ByteBuffer.allocate(1);

    private ChroniclePosix()
    {
        super("BlockSync implements only fallocate (ChroniclePosix)");
    }

    /**
     * Make this Chronicle's POSIX implementation, unless Chronicle already chose one: before any Chronicle class
     * initialises, or Chronicle's Jvm class loads jnr-ffi itself.
     */
    static void install()
    {
        synchronized (PosixAPIHolder.class)
        {
            if (null == PosixAPIHolder.POSIX_API)
            {
                PosixAPIHolder.POSIX_API = new ChroniclePosix();
            }
        }
    }

    /**
     * Allocate the blocks of {@code [offset, offset + length)} of the open file {@code fd}, reached through
     * {@code /proc/self/fd}, by writing back the byte at the start of each block (a zero past the end of the file).
     *
     * @return 0, or {@code ENOSPC} or {@code EIO} as posix_fallocate(3) reports them.
     */
    @Override
    public synchronized int fallocate(final int fd, final int mode, final long offset, final long length)
    {
        if (length <= 0)
        {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(
            Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long end = offset + length;
            for (long position = offset; position < end; position += BLOCK_BYTES)
            {
                rewriteByte(channel, position);
            }
            rewriteByte(channel, end - 1);

            return 0;
        }
        catch (final IOException ex)
        {
            final String message = ex.getMessage();
            return null != message && message.contains("No space left") ? ENOSPC : EIO;
        }
    }

    @Override
    public int msync(final long address, final long length, final int flags)
    {
        return 0;
    }

    @Override
    public int getpid()
    {
        return (int)ProcessHandle.current().pid();
    }

    private void rewriteByte(final FileChannel channel, final long position) throws IOException
    {
        oneByte.clear();
        if (channel.read(oneByte, position) < 1)
        {
            oneByte.put(0, (byte)0);
        }
        oneByte.clear();
        while (oneByte.hasRemaining())
        {
            channel.write(oneByte, position);
        }
    }
}
