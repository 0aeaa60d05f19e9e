package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The ban store's write-ahead log ({@code STATE_DIR/bans.wal}): every change the loop makes to the map is appended
 * here too (a PUT with the whole value, or a REMOVE), so that making changes durable costs one sequential write and
 * {@code fdatasync} of this file per group commit instead of a sync of the map's randomly dirtied pages. The map is
 * synced only at <em>checkpoints</em>, after which the log before the checkpoint's position is free for reuse; after an
 * unclean stop the entries after the last checkpoint are replayed into the map (ARIES-style redo, without undo: a
 * decision is a whole value, so replaying it in order is idempotent).
 * <p>
 * <b>File.</b> A {@value WalHeader#LENGTH}-byte header ({@link WalHeader}: the last checkpoint, in two slots) and a
 * ring of {@code capacity} bytes (a power of two) of entries ({@link WalEntry}), preallocated with zeros when created
 * so that appends change no file metadata. A log position counts bytes since the log began and never goes back; the
 * entry at position {@code p} lies at {@code p mod capacity} in the ring, and records {@code p} itself, which tells
 * it from a stale entry of an earlier lap.
 * <p>
 * <b>Threads.</b> The loop appends ({@link #appendPut}, {@link #appendRemove}): plain stores into the mapping, then a
 * release of {@link #appendedPosition()}; nothing allocated, no system call. A checkpointer thread reads that position,
 * syncs the map, {@link #recordCheckpoint records} the position in the header, syncs this file, and
 * {@link #release}s the ring before it. The loop may write up to {@code capacity} bytes past the released position:
 * when an entry does not fit (the log is full because checkpoints fall behind), the change is made in the map only and
 * counted as unlogged ({@link #unloggedChanges()}); such a change becomes durable only by the next checkpoint, which is
 * what the group commit then waits for. Nothing is lost and the loop never waits.
 */
public final class WriteAheadLog implements AutoCloseable
{
    public static final String FILE_NAME = "bans.wal";
    /** Bytes of the ring per store entry of capacity, within {@link #MIN_CAPACITY} and {@link #MAX_CAPACITY}. */
    static final int BYTES_PER_STORE_ENTRY = 64;
    static final int MIN_CAPACITY = 1 << 16;
    static final int MAX_CAPACITY = 1 << 26;
    private static final int ZEROS_CHUNK = 1 << 16;
    private static final Runnable NO_LISTENER = () -> { };

    private final Path file;
    private final FileChannel channel;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final ByteBuffer loopView;
    private final CRC32C loopCrc = new CRC32C();
    private final WalHeader header;
    private final int capacity;
    private final long mask;
    private final long fillThreshold;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();
    private volatile long checkpointedUnlogged;

    // The loop's own.
    private long appendPosition;
    private long releasedSeen;
    private long unloggedCount;
    private boolean fillSignalled;
    private Runnable fillListener = NO_LISTENER;
    private AtomicCounter unloggedCounter;
    private String created;

    private WriteAheadLog(final Path file, final FileChannel channel, final MappedByteBuffer mapped, final int capacity)
    {
        this.file = file;
        this.channel = channel;
        this.mapped = mapped;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.fillThreshold = capacity / 2;
        buffer = new UnsafeBuffer(mapped);
        loopView = mapped.duplicate();
        header = new WalHeader(buffer, mapped.duplicate(), capacity);
    }

    /**
     * @param storeCapacity entries the ban store is sized for.
     * @return the ring's size in bytes for it: {@value #BYTES_PER_STORE_ENTRY} per entry, rounded up to a power of
     * two, 64 KiB to 64 MiB (a 64 MiB ring holds about 350,000 changes between checkpoints).
     */
    public static int capacityFor(final long storeCapacity)
    {
        final long wanted = Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, storeCapacity * BYTES_PER_STORE_ENTRY));
        return (int)Math.min(MAX_CAPACITY, Long.highestOneBit(wanted - 1) << 1);
    }

    /**
     * @return the ring's size of an existing log file, or -1 when its size is not that of a log.
     */
    static int capacityOf(final Path file) throws IOException
    {
        final long capacity = Files.size(file) - WalHeader.LENGTH;
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && Long.bitCount(capacity) == 1 ? (int)capacity : -1;
    }

    /**
     * Map the log file, or create it (zero-filled, with a checkpoint at position 0, synced with its directory) when it
     * is missing, has another size or no valid header. Appending starts only after {@link #restart()}.
     *
     * @param file     the log file.
     * @param capacity bytes of the ring, a power of two of at least 1 MiB.
     * @throws IOException when the file cannot be created or mapped.
     */
    static WriteAheadLog open(final Path file, final int capacity) throws IOException
    {
        if (Integer.bitCount(capacity) != 1 || capacity < MIN_CAPACITY)
        {
            throw new IllegalArgumentException("write-ahead log capacity must be a power of two of at least " +
                MIN_CAPACITY + ", was " + capacity);
        }
        final long length = (long)WalHeader.LENGTH + capacity;
        String created = null;
        if (!Files.exists(file))
        {
            created = "created";
        }
        else if (Files.size(file) != length)
        {
            created = "made anew for a ring of " + capacity + " bytes";
        }
        if (null != created)
        {
            create(file, length);
        }
        WriteAheadLog log = map(file, capacity);
        if (null == created && !log.header.isValid())
        {
            log.close();
            create(file, length);
            log = map(file, capacity);
            created = "made anew: its header held no valid checkpoint";
        }
        log.created = created;
        return log;
    }

    /** Why {@link #open} created the file, or null when it opened the one there. */
    String created()
    {
        return created;
    }

    /**
     * Replay the entries after the recorded checkpoint into the map, in order, up to the first that is torn (its
     * checksum fails), stale (of an earlier lap) or missing. Recovery only, before {@link #restart()}.
     *
     * @return what was replayed.
     */
    WalReplay replayInto(final WalReplay.Target map)
    {
        return WalReplay.replay(buffer, mapped.duplicate(), Math.max(0, header.checkpoint()), capacity, map);
    }

    /**
     * Start appending with an empty log: record a checkpoint one whole ring past the recorded one, which no entry on
     * disk can have reached (the loop never writes more than a ring ahead of a checkpoint), and sync the file. Call
     * only once the map holds everything the log held (replayed and synced).
     */
    void restart() throws IOException
    {
        final long start = Math.max(0, header.checkpoint()) + capacity;
        header.record(start);
        channel.force(false);
        appendPosition = start;
        releasedSeen = start;
        appended.set(start);
        released.set(start);
    }

    /**
     * Loop only: log a put, made to the map just before. Allocates nothing.
     *
     * @param ban the stored decision with its prefix.
     */
    void appendPut(final Ban ban)
    {
        final int offset = reserve(WalEntry.PUT_LENGTH);
        if (offset >= 0)
        {
            WalEntry.header(buffer, offset, appendPosition, WalEntry.TYPE_PUT);
            WalEntry.key(buffer, offset, ban.prefix());
            WalEntry.value(buffer, offset, ban);
            commit(offset, WalEntry.PUT_LENGTH);
        }
    }

    /**
     * Loop only: log a removal, made in the map just before. Allocates nothing.
     */
    void appendRemove(final IpPrefix key)
    {
        final int offset = reserve(WalEntry.REMOVE_LENGTH);
        if (offset >= 0)
        {
            WalEntry.header(buffer, offset, appendPosition, WalEntry.TYPE_REMOVE);
            WalEntry.key(buffer, offset, key);
            commit(offset, WalEntry.REMOVE_LENGTH);
        }
    }

    /**
     * Loop only, before appending: called (once per checkpoint) when the log passes half full, e.g. to wake the
     * checkpointer; must not block or allocate.
     */
    public void onHalfFull(final Runnable listener)
    {
        fillListener = null == listener ? NO_LISTENER : listener;
    }

    /** Counts changes made while the log was full, as {@link #unloggedChanges()}; set before the loop starts. */
    public void countUnloggedIn(final AtomicCounter counter)
    {
        unloggedCounter = counter;
    }

    /** Any thread: the position after the last whole entry appended. */
    public long appendedPosition()
    {
        return appended.getAcquire();
    }

    /** Any thread: the position before which the ring may be written over, the last checkpoint's. */
    public long releasedPosition()
    {
        return released.getAcquire();
    }

    /** Any thread: changes made to the map but not logged, because the log was full, since the store opened. */
    public long unloggedChanges()
    {
        return unlogged.getAcquire();
    }

    /** Any thread: whether the map holds changes that are not logged and that no checkpoint has synced yet. */
    public boolean hasUncheckpointedUnloggedChanges()
    {
        return unlogged.getAcquire() > checkpointedUnlogged;
    }

    /** Bytes of the ring. */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Checkpointer only: record in the header that the map on disk holds every change before {@code position} and
     * the first {@code unloggedChanges} unlogged ones. Not synced: sync the file, then {@link #release} the position.
     *
     * @param position        an {@link #appendedPosition()} read before the map sync started.
     * @param unloggedChanges the {@link #unloggedChanges()} read before the map sync started.
     */
    public void recordCheckpoint(final long position, final long unloggedChanges)
    {
        header.record(position);
        checkpointedUnlogged = unloggedChanges;
    }

    /** Checkpointer only, once the checkpoint is synced: the loop may write over the ring before the position. */
    public void release(final long position)
    {
        released.setRelease(position);
    }

    public Path file()
    {
        return file;
    }

    /** Unmap and close. The caller makes sure no thread appends or checkpoints any more. */
    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // nothing was written through the channel
        }
    }

    private int reserve(final int length)
    {
        final int ringOffset = (int)(appendPosition & mask);
        final int toEnd = capacity - ringOffset;
        final int padding = toEnd < length ? toEnd : 0;
        final long end = appendPosition + padding + length;
        if (end - releasedSeen > capacity)
        {
            releasedSeen = released.getAcquire();
            if (end - releasedSeen > capacity)
            {
                unlogged.setRelease(++unloggedCount);
                if (null != unloggedCounter)
                {
                    unloggedCounter.incrementRelease();
                }
                return -1;
            }
        }
        if (end - releasedSeen > fillThreshold)
        {
            final long seen = released.getAcquire();
            if (seen != releasedSeen)
            {
                releasedSeen = seen;
                fillSignalled = false;
            }
            if (!fillSignalled && end - releasedSeen > fillThreshold)
            {
                fillSignalled = true;
                fillListener.run();
            }
        }
        if (padding > 0)
        {
            final int offset = WalHeader.LENGTH + ringOffset;
            WalEntry.header(buffer, offset, appendPosition, WalEntry.TYPE_PADDING);
            WalEntry.seal(buffer, loopView, loopCrc, offset, padding);
            appendPosition += padding;
        }
        return offset(appendPosition);
    }

    private void commit(final int offset, final int length)
    {
        WalEntry.seal(buffer, loopView, loopCrc, offset, length);
        appendPosition += length;
        appended.setRelease(appendPosition);
    }

    private int offset(final long position)
    {
        return WalHeader.LENGTH + (int)(position & mask);
    }

    /** {@code fdatasync(2)} of a file. */
    static void syncFile(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            channel.force(false);
        }
    }

    private static WriteAheadLog map(final Path file, final int capacity) throws IOException
    {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long)WalHeader.LENGTH + capacity);
            return new WriteAheadLog(file, channel, mapped, capacity);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /** Zero-filled (so that the blocks are allocated now, not at each append's write-back), synced with its directory. */
    private static void create(final Path file, final long length) throws IOException
    {
        final Path fresh = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel channel = FileChannel.open(
            fresh, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final ByteBuffer zeros = ByteBuffer.allocateDirect(ZEROS_CHUNK);
            for (long written = 0; written < length; written += zeros.limit())
            {
                zeros.clear().limit((int)Math.min(ZEROS_CHUNK, length - written));
                while (zeros.hasRemaining())
                {
                    channel.write(zeros);
                }
            }
            channel.force(true);
        }
        Files.move(fresh, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ))
        {
            dir.force(true);
        }
    }
}
