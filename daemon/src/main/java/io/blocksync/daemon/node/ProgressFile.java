package io.blocksync.daemon.node;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The node's protocol progress, memory-mapped so that every update is a plain store (no system call, no flush on
 * the loop) and still survives {@code kill -9}: the kernel owns the dirty pages.
 * <pre>
 *   0  u64 magic
 *   8  u32 node id         12 u32 flags: bit 0 = the receive side (slots' +8, +16) is written only after syncs
 *  16  u64 last packet sequence sealed
 *  24  u64 next stream sequence
 *  32  u64 last origin sequence assigned to a local decision
 *  40  i64 steady frame offset: the node's {@link SteadyClock} minus the wall clock, ms (0 in older files)
 *  48  i64 steady frame time the loop last recorded (about once a second), ms (0 in older files)
 *  56  u64 sequence ceiling: no stream, origin or packet sequence above it is used before it is synced (0 in older files)
 *  64  slots[MAX_NODES] of 32 bytes (files made before issue 13 held 256 slots: they are extended with free ones):
 *        +0 u32 node id (0 = free)   +4 u32 reserved
 *        +8 u64 high water of that node's decisions held here
 *       +16 u64 cumulative stream sequence received from that node
 *       +24 u64 reserved
 * </pre>
 * Slots are held only for the configured nodes (this one and its peers, {@link #retainNodes}), never for an id
 * first seen on the wire.
 * <p>
 * A file made afresh (first start, or a state directory that was lost) starts a new <em>epoch</em>: the stream and
 * origin sequences start above {@link #epochStart(long)}, a figure from the wall clock above anything this node can
 * have used before, so peers that remember its earlier sequences see a jump forward, not old numbers again.
 * <p>
 * The <em>sequence ceiling</em> is a lease: {@link SequenceLease} keeps it {@link #SEQUENCE_LEASE} ahead of the
 * sequences in use and lets no decision take a sequence above the ceiling a completed sync made durable. A new epoch
 * after an unclean stop starts above it ({@link #startNewEpoch}), so it is above everything this node ever sent even
 * when the file is stale and the wall clock at boot is behind (a board without a real-time clock, before NTP).
 * <p>
 * The <em>receive side</em> (per slot, high water and received stream position) is, with syncing, written here only
 * by the sync thread after the log covering it is durable ({@link HighWaterMarks#writeAfterSyncs}), so whatever of
 * it reaches the disk, at any moment, describes records the store holds after replay. Flag bit 0 says so; a file
 * without it is not trusted after an unclean stop ({@link #forgetReceived()}).
 * <p>
 * The steady frame fields let the next start, and the CLI, read stored expiries in the frame they were written in
 * ({@link #readFrame(Path)}); each is one aligned 8-byte ordered store, so a reader never sees half of one.
 */
public final class ProgressFile implements AutoCloseable
{
    public static final String FILE_NAME = "progress.dat";
    /** Configured nodes (this one and its peers) a progress file has slots for: a fleet of up to 4,096 nodes. */
    public static final int MAX_NODES = 4096;

    private static final long MAGIC = 0x3130_5347_5250_5342L; // "BSPRGS01"
    private static final int NODE_ID_OFFSET = 8;
    private static final int PACKET_SEQUENCE_OFFSET = 16;
    private static final int STREAM_NEXT_OFFSET = 24;
    private static final int ORIGIN_SEQUENCE_OFFSET = 32;
    private static final int FRAME_OFFSET_OFFSET = 40;
    private static final int FRAME_TIME_OFFSET = 48;
    private static final int SEQUENCE_CEILING_OFFSET = 56;
    private static final int FLAGS_OFFSET = 12;
    private static final int FLAG_RECEIVE_AFTER_SYNC = 1;
    private static final int SLOTS_OFFSET = 64;
    private static final int SLOT_LENGTH = 32;
    private static final int SLOT_HIGH_WATER = 8;
    private static final int SLOT_RECEIVED_CUMULATIVE = 16;
    private static final int LENGTH = SLOTS_OFFSET + MAX_NODES * SLOT_LENGTH;
    /** The length of files with 256 slots, before issue 13. */
    private static final int LENGTH_256 = SLOTS_OFFSET + 256 * SLOT_LENGTH;

    /** Sequences per millisecond of wall clock an epoch leaves room for, as packet sequences do. */
    private static final int EPOCH_SHIFT = 20;

    /**
     * How far the sequence ceiling is kept ahead of the highest sequence used: 2^24, about 16 ms of
     * {@link #epochStart} time, so a new epoch after a crash jumps at most that far past what was used, and a sync
     * must stall for 2^23 sequences before a decision waits for it.
     */
    public static final long SEQUENCE_LEASE = 1L << 24;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private boolean newEpoch;
    private long forcedCeiling;

    private ProgressFile(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    /**
     * The sequence a new epoch starts after: {@code nowMillis << 20}, so an earlier epoch cannot reach it unless it
     * used over 2^20 stream or origin sequences per millisecond of its life, or the clock went back.
     *
     * @param nowMillis wall-clock time, ms since 1970.
     */
    public static long epochStart(final long nowMillis)
    {
        return Math.max(0, nowMillis) << EPOCH_SHIFT;
    }

    /**
     * A state file of the older, 256-slot length is extended to {@code length}: the extension reads as zeros, free
     * slots, and the slots that were there keep their place and contents. Any other file is left as it is.
     */
    static void extendOlder(final File file, final long olderLength, final long length)
    {
        if (file.exists() && file.length() == olderLength)
        {
            try (java.io.RandomAccessFile extended = new java.io.RandomAccessFile(file, "rw"))
            {
                extended.setLength(length);
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    /**
     * Open the node's progress, or start it afresh in a new epoch ({@link #newEpoch()}) when there is none.
     *
     * @param nowMillis wall-clock time, ms since 1970, for {@link #epochStart(long)} of a new file.
     * @throws IllegalStateException when the file belongs to another node id or is not a progress file.
     */
    public static ProgressFile open(final Path stateDir, final int nodeId, final long nowMillis)
    {
        final File file = stateDir.resolve(FILE_NAME).toFile();
        final boolean exists = file.exists();
        extendOlder(file, LENGTH_256, LENGTH);
        if (exists && file.length() != LENGTH)
        {
            throw new IllegalStateException(file + ": unexpected size " + file.length() + ", expected " + LENGTH);
        }

        final ProgressFile progress = new ProgressFile(exists ?
            IoUtil.mapExistingFile(file, FILE_NAME) : IoUtil.mapNewFile(file, LENGTH, true));
        final UnsafeBuffer buffer = progress.buffer;
        if (!exists || buffer.getLong(0, LITTLE_ENDIAN) == 0)
        {
            final long epoch = epochStart(nowMillis);
            buffer.putInt(NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
            buffer.putLong(STREAM_NEXT_OFFSET, epoch + 1, LITTLE_ENDIAN);
            buffer.putLong(ORIGIN_SEQUENCE_OFFSET, epoch, LITTLE_ENDIAN);
            buffer.putLong(SEQUENCE_CEILING_OFFSET, epoch + SEQUENCE_LEASE, LITTLE_ENDIAN);
            buffer.putLongVolatile(0, MAGIC);
            progress.newEpoch = true;
        }
        else if (buffer.getLong(0, LITTLE_ENDIAN) != MAGIC)
        {
            progress.close();
            throw new IllegalStateException(file + ": not a blocksync progress file");
        }
        else if (buffer.getInt(NODE_ID_OFFSET, LITTLE_ENDIAN) != nodeId)
        {
            final int owner = buffer.getInt(NODE_ID_OFFSET, LITTLE_ENDIAN);
            progress.close();
            throw new IllegalStateException(file + " belongs to node " + owner + ", not node " + nodeId +
                ": each node needs its own state directory");
        }
        return progress;
    }

    /**
     * @return true when this open found no progress to continue from and began a new epoch: the stream then starts at
     * {@link #streamNext()} and origin sequences after {@link #lastOriginSequence()}, both from the clock.
     */
    public boolean newEpoch()
    {
        return newEpoch;
    }

    public long lastPacketSequence()
    {
        return buffer.getLong(PACKET_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public void lastPacketSequence(final long sequence)
    {
        buffer.putLong(PACKET_SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
    }

    /**
     * Begin a new epoch over a file that exists, for a node that did not stop cleanly: what it sent after its last
     * sync may be gone from this file, so its stream, origin and packet sequences jump above the sequence ceiling
     * (which was synced before any sequence under it was used for a decision), above every sequence the file holds,
     * and above {@link #epochStart(long)}; never down. No number a peer has already seen is used again for something
     * else, whatever the wall clock says at boot. A file from before the ceiling (0) relies on the clock alone.
     *
     * @param nowMillis wall-clock time, ms since 1970.
     */
    public void startNewEpoch(final long nowMillis)
    {
        final long base = Math.max(Math.max(epochStart(nowMillis), sequenceCeiling()),
            Math.max(Math.max(streamNext() - 1, lastOriginSequence()), lastPacketSequence()));
        buffer.putLong(STREAM_NEXT_OFFSET, base + 1, LITTLE_ENDIAN);
        buffer.putLong(ORIGIN_SEQUENCE_OFFSET, base, LITTLE_ENDIAN);
        buffer.putLong(PACKET_SEQUENCE_OFFSET, base, LITTLE_ENDIAN);
        buffer.putLongOrdered(SEQUENCE_CEILING_OFFSET, base + SEQUENCE_LEASE);
        newEpoch = true;
    }

    /** No stream, origin or packet sequence above this is used before a sync made it durable; 0 in older files. */
    public long sequenceCeiling()
    {
        return buffer.getLongVolatile(SEQUENCE_CEILING_OFFSET);
    }

    /** Raise the sequence ceiling ({@link SequenceLease}); durable with the next sync of this file. */
    public void sequenceCeiling(final long ceiling)
    {
        buffer.putLongOrdered(SEQUENCE_CEILING_OFFSET, ceiling);
    }

    /**
     * Keep the sequence ceiling {@link #SEQUENCE_LEASE} above the highest sequence used once use passed half a lease
     * below it; durable with the next sync of this file.
     *
     * @return the ceiling now.
     */
    public long extendLease()
    {
        final long used = highestSequenceUsed();
        long ceiling = sequenceCeiling();
        if (used > ceiling - SEQUENCE_LEASE / 2)
        {
            ceiling = used + SEQUENCE_LEASE;
            sequenceCeiling(ceiling);
        }
        return ceiling;
    }

    /** The sequence ceiling as the last {@link #force()} wrote it to disk; 0 before any. */
    public long forcedCeiling()
    {
        return forcedCeiling;
    }

    /** The highest stream, origin or packet sequence this file says was used. */
    public long highestSequenceUsed()
    {
        return Math.max(Math.max(streamNext() - 1, lastOriginSequence()), lastPacketSequence());
    }

    /**
     * Whether the receive side was written only after syncs in the run that wrote this file, so that after a power
     * loss it describes no more than the store holds (see the class comment).
     */
    public boolean receiveSideAfterSync()
    {
        return (buffer.getInt(FLAGS_OFFSET, LITTLE_ENDIAN) & FLAG_RECEIVE_AFTER_SYNC) != 0;
    }

    /** Say how the receive side is written from now on; {@link #force()} before it is relied on. */
    public void receiveSideAfterSync(final boolean afterSync)
    {
        final int flags = buffer.getInt(FLAGS_OFFSET, LITTLE_ENDIAN);
        buffer.putInt(FLAGS_OFFSET, afterSync ? flags | FLAG_RECEIVE_AFTER_SYNC : flags & ~FLAG_RECEIVE_AFTER_SYNC,
            LITTLE_ENDIAN);
    }

    /**
     * Distrust the receive side: every slot's high water and received stream position back to 0, as for a lost
     * state directory; heartbeats then show this node behind and peers catch it up by SYNC (records it already holds
     * cost no budget) and send their retained batches again.
     */
    public void forgetReceived()
    {
        for (int slot = 0; slot < MAX_NODES; slot++)
        {
            highWater(slot, 0);
            receivedCumulative(slot, 0);
        }
    }

    /**
     * Write the whole file to disk now ({@code msync(2)}): at start only, never on the loop.
     *
     * @throws java.io.UncheckedIOException when the write fails.
     */
    public void force()
    {
        final long ceiling = sequenceCeiling();
        mapped.force();
        forcedCeiling = ceiling;
    }

    public long streamNext()
    {
        return buffer.getLong(STREAM_NEXT_OFFSET, LITTLE_ENDIAN);
    }

    public void streamNext(final long next)
    {
        buffer.putLong(STREAM_NEXT_OFFSET, next, LITTLE_ENDIAN);
    }

    public long lastOriginSequence()
    {
        return buffer.getLong(ORIGIN_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public void lastOriginSequence(final long sequence)
    {
        buffer.putLong(ORIGIN_SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
    }

    /** The node's steady clock minus the wall clock, ms, as last recorded; 0 in a new or older file. */
    public long frameOffsetMillis()
    {
        return buffer.getLongVolatile(FRAME_OFFSET_OFFSET);
    }

    /** Record the steady frame's offset from the wall clock: a plain ordered store, no system call. */
    public void frameOffsetMillis(final long offsetMillis)
    {
        buffer.putLongOrdered(FRAME_OFFSET_OFFSET, offsetMillis);
    }

    /** The steady frame's time the loop last recorded, ms; 0 in a new or older file. */
    public long frameTimeMillis()
    {
        return buffer.getLongVolatile(FRAME_TIME_OFFSET);
    }

    /** Record the steady frame's time now: a plain ordered store, no system call. */
    public void frameTimeMillis(final long steadyMillis)
    {
        buffer.putLongOrdered(FRAME_TIME_OFFSET, steadyMillis);
    }

    /** The steady frame as recorded in this open file. */
    public Frame frame()
    {
        return new Frame(frameOffsetMillis(), frameTimeMillis());
    }

    /**
     * The steady frame as a node last recorded it in its state directory, read without taking the directory or
     * writing anything (the node may be running): for the start-up that continues the frame and for the CLI.
     *
     * @return the recorded frame; {@link Frame#NONE} when there is no progress file (or not one of ours).
     * @throws java.io.UncheckedIOException when the file exists but cannot be read.
     */
    public static Frame readFrame(final Path stateDir)
    {
        final File file = stateDir.resolve(FILE_NAME).toFile();
        if (!file.exists() || file.length() != LENGTH && file.length() != LENGTH_256)
        {
            return Frame.NONE;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, java.nio.channels.FileChannel.MapMode.READ_ONLY, FILE_NAME);
        try
        {
            final UnsafeBuffer view = new UnsafeBuffer(mapped);
            if (view.getLongVolatile(0) != MAGIC)
            {
                return Frame.NONE;
            }
            return new Frame(view.getLongVolatile(FRAME_OFFSET_OFFSET), view.getLongVolatile(FRAME_TIME_OFFSET));
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * A recorded steady frame.
     *
     * @param offsetMillis the node's steady clock minus the wall clock, ms.
     * @param timeMillis   the frame's time when last recorded, ms; 0 when never.
     */
    public record Frame(long offsetMillis, long timeMillis)
    {
        /** No frame recorded: steady time is wall time. */
        public static final Frame NONE = new Frame(0, 0);
    }

    /** The node this file belongs to. */
    public int nodeId()
    {
        return buffer.getInt(NODE_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Keep slots for exactly these nodes, in this order from slot 0, with what the file held for each (zero for a
     * node new here); every other slot is freed. Called once at start with the configured nodes, so a node removed
     * from the config, or an id a peer made up before ids were checked, holds no slot.
     *
     * @param nodeIds distinct node ids, at most {@link #MAX_NODES}.
     * @return how many slots of other nodes were freed.
     * @throws IllegalArgumentException when more than {@link #MAX_NODES} ids are given, or one is 0 or repeated.
     */
    public int retainNodes(final int[] nodeIds)
    {
        if (nodeIds.length > MAX_NODES)
        {
            throw new IllegalArgumentException(nodeIds.length + " nodes configured, at most " + MAX_NODES + " are supported");
        }
        for (int i = 0; i < nodeIds.length; i++)
        {
            if (nodeIds[i] == 0 || indexOf(nodeIds, nodeIds[i]) != i)
            {
                throw new IllegalArgumentException("node id " + nodeIds[i] + " is 0 or given twice");
            }
        }
        final long[] highWater = new long[nodeIds.length];
        final long[] received = new long[nodeIds.length];
        int freed = 0;
        for (int slot = 0; slot < MAX_NODES; slot++)
        {
            final int id = slotNodeId(slot);
            if (id == 0)
            {
                // Slots in use are always the first ones (written so below): the rest of the mapping is not touched.
                break;
            }
            final int index = indexOf(nodeIds, id);
            if (index >= 0)
            {
                highWater[index] = highWater(slot);
                received[index] = receivedCumulative(slot);
            }
            else if (id != 0)
            {
                freed++;
            }
        }

        for (int slot = 0; slot < MAX_NODES; slot++)
        {
            final int offset = SLOTS_OFFSET + slot * SLOT_LENGTH;
            if (slot < nodeIds.length)
            {
                buffer.putInt(offset, nodeIds[slot], LITTLE_ENDIAN);
                highWater(slot, highWater[slot]);
                receivedCumulative(slot, received[slot]);
            }
            else if (buffer.getInt(offset, LITTLE_ENDIAN) != 0)
            {
                buffer.setMemory(offset, SLOT_LENGTH, (byte)0);
            }
            else
            {
                break;
            }
        }
        return freed;
    }

    /**
     * @return the slot of a node kept by {@link #retainNodes}, or -1: slots are never made on demand, so an id
     * nobody configured cannot take one.
     */
    public int slot(final int nodeId)
    {
        for (int i = 0; i < MAX_NODES; i++)
        {
            final int id = slotNodeId(i);
            if (id == nodeId && id != 0)
            {
                return i;
            }
        }
        return -1;
    }

    /** Node id in a slot, 0 when free; slots fill from 0 upward. */
    public int slotNodeId(final int slot)
    {
        return buffer.getInt(SLOTS_OFFSET + slot * SLOT_LENGTH, LITTLE_ENDIAN);
    }

    public long highWater(final int slot)
    {
        return buffer.getLong(SLOTS_OFFSET + slot * SLOT_LENGTH + SLOT_HIGH_WATER, LITTLE_ENDIAN);
    }

    public void highWater(final int slot, final long highWater)
    {
        buffer.putLong(SLOTS_OFFSET + slot * SLOT_LENGTH + SLOT_HIGH_WATER, highWater, LITTLE_ENDIAN);
    }

    public long receivedCumulative(final int slot)
    {
        return buffer.getLong(SLOTS_OFFSET + slot * SLOT_LENGTH + SLOT_RECEIVED_CUMULATIVE, LITTLE_ENDIAN);
    }

    public void receivedCumulative(final int slot, final long cumulative)
    {
        buffer.putLong(SLOTS_OFFSET + slot * SLOT_LENGTH + SLOT_RECEIVED_CUMULATIVE, cumulative, LITTLE_ENDIAN);
    }

    public void close()
    {
        IoUtil.unmap(mapped);
    }

    private static int indexOf(final int[] nodeIds, final int nodeId)
    {
        for (int i = 0; i < nodeIds.length; i++)
        {
            if (nodeIds[i] == nodeId)
            {
                return i;
            }
        }
        return -1;
    }
}
