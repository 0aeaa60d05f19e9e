package io.blocksync.daemon.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StateSync} by {@code fdatasync(2)} ({@link FileChannel#force force(false)}) of each state file. The files are
 * written through shared memory mappings; on Linux an fsync of any descriptor of the file writes back every dirty
 * page of it, however it was dirtied (the kernel tracks dirty mapped pages by write-protecting them after each
 * write-back), so no {@code msync} of the mapping's address range is needed, and extra mappings Chronicle Map adds
 * for new segment tiers are covered too. The directory is synced once when opened, so that files and markers made
 * at this start (a new store, {@code store.open}) are found after a power loss.
 */
public final class FileSync implements StateSync, AutoCloseable
{
    private final List<FileChannel> channels = new ArrayList<>();

    /**
     * @param directory the state directory, synced once now.
     * @param files     the state files, each opened for the node's lifetime.
     * @throws IOException when a file cannot be opened or the directory cannot be synced.
     */
    public FileSync(final Path directory, final List<Path> files) throws IOException
    {
        try
        {
            for (final Path file : files)
            {
                channels.add(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
            }
            sync();
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
            {
                dir.force(true);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    public void sync() throws IOException
    {
        for (int i = 0; i < channels.size(); i++)
        {
            channels.get(i).force(false);
        }
    }

    public void close()
    {
        for (final FileChannel channel : channels)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                // Only a descriptor for syncing; the files themselves are closed by their owners.
            }
        }
        channels.clear();
    }
}
