package io.blocksync.daemon.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StateSync} by {@code fdatasync(2)} ({@link FileChannel#force force(false)}) of each state file: the group
 * commit's files by {@link #sync()}, the map file by {@link #syncMap()}. The files are
 * written through shared memory mappings; on Linux an fsync of any descriptor of the file writes back every dirty
 * page of it, however it was dirtied (the kernel tracks dirty mapped pages by write-protecting them after each
 * write-back), so no {@code msync} of the mapping's address range is needed, and extra mappings Chronicle Map adds
 * for new segment tiers are covered too. The directory is synced once when opened, so that files and markers made
 * at this start (a new store, {@code store.open}) are found after a power loss.
 */
public final class FileSync implements StateSync, AutoCloseable
{
    private final List<FileChannel> channels = new ArrayList<>();
    private FileChannel map;

    /**
     * @param directory the state directory, synced once now.
     * @param mapFile   the ban store's map file, synced at checkpoints.
     * @param files     the state files a group commit syncs, each opened for the node's lifetime.
     * @throws IOException when a file cannot be opened or the directory cannot be synced.
     */
    public FileSync(final Path directory, final Path mapFile, final List<Path> files) throws IOException
    {
        try
        {
            for (final Path file : files)
            {
                channels.add(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
            }
            map = FileChannel.open(mapFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
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

    public void syncMap() throws IOException
    {
        map.force(false);
    }

    public void close()
    {
        if (null != map)
        {
            channels.add(map);
            map = null;
        }
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
