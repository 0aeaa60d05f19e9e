package io.blocksync.daemon.node;

import io.blocksync.codec.ReplayWindow;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Each configured peer's anti-replay window ({@link ReplayWindow}), memory-mapped so that a datagram taken before a
 * restart (or {@code kill -9}) is still refused after it: every accept is a plain store into the mapping, never a
 * system call or a flush on the loop; the kernel owns the dirty pages.
 * <pre>
 *   0  u64 magic
 *   8  u32 node id of this node    12 u32 reserved
 *  16  slots[MAX_NODES] of SLOT_LENGTH bytes:
 *        +0 u32 peer node id (0 = free)   +4 u32 reserved
 *        +8 the peer's window, ReplayWindow.LENGTH bytes (u64 highest, u64 bitmap[64])
 * </pre>
 * Slots are held only for configured peers ({@link #retainPeers}), never for an id first seen on the wire; a peer
 * removed from the config loses its slot at the next start, like its high water in {@link ProgressFile}.
 */
public final class ReplayWindows implements AutoCloseable
{
    public static final String FILE_NAME = "replay.dat";
    public static final int MAX_NODES = ProgressFile.MAX_NODES;

    private static final long MAGIC = 0x3130_5941_4c50_5242L; // "BRPLAY01"
    private static final int NODE_ID_OFFSET = 8;
    private static final int SLOTS_OFFSET = 16;
    private static final int SLOT_WINDOW = 8;
    static final int SLOT_LENGTH = SLOT_WINDOW + ReplayWindow.LENGTH;
    private static final int LENGTH = SLOTS_OFFSET + MAX_NODES * SLOT_LENGTH;
    /** Files made before issue 13 held 256 slots: they are extended with free ones. */
    private static final int LENGTH_256 = SLOTS_OFFSET + 256 * SLOT_LENGTH;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private int freedAtStart;

    private ReplayWindows(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    /**
     * Map the file in {@code stateDir}, creating it zeroed (every window empty) when there is none, and keep the
     * windows of exactly the configured peers ({@link #retainPeers}).
     *
     * @param peerIds the configured peers' node ids.
     * @throws IllegalStateException    when the file belongs to another node id, has another size or is not a replay file.
     * @throws IllegalArgumentException when the peer ids are not distinct non-zero ids, at most {@link #MAX_NODES}.
     */
    public static ReplayWindows open(final Path stateDir, final int nodeId, final int[] peerIds)
    {
        final ReplayWindows windows = open(stateDir, nodeId);
        try
        {
            windows.retainPeers(peerIds);
        }
        catch (final RuntimeException ex)
        {
            windows.close();
            throw ex;
        }
        return windows;
    }

    /**
     * Map the file without touching its slots; {@link #retainPeers} must follow before {@link #window(int)}.
     *
     * @throws IllegalStateException when the file belongs to another node id, has another size or is not a replay file.
     */
    static ReplayWindows open(final Path stateDir, final int nodeId)
    {
        final File file = stateDir.resolve(FILE_NAME).toFile();
        ProgressFile.extendOlder(file, LENGTH_256, LENGTH);
        final boolean exists = file.exists();
        if (exists && file.length() != LENGTH)
        {
            throw new IllegalStateException(file + ": unexpected size " + file.length() + ", expected " + LENGTH);
        }

        final ReplayWindows windows = new ReplayWindows(exists ?
            IoUtil.mapExistingFile(file, FILE_NAME) : IoUtil.mapNewFile(file, LENGTH, true));
        final UnsafeBuffer buffer = windows.buffer;
        if (!exists || buffer.getLong(0, LITTLE_ENDIAN) == 0)
        {
            buffer.putInt(NODE_ID_OFFSET, nodeId, LITTLE_ENDIAN);
            buffer.putLongVolatile(0, MAGIC);
        }
        else if (buffer.getLong(0, LITTLE_ENDIAN) != MAGIC)
        {
            windows.close();
            throw new IllegalStateException(file + ": not a blocksync replay window file");
        }
        else if (buffer.getInt(NODE_ID_OFFSET, LITTLE_ENDIAN) != nodeId)
        {
            final int owner = buffer.getInt(NODE_ID_OFFSET, LITTLE_ENDIAN);
            windows.close();
            throw new IllegalStateException(file + " belongs to node " + owner + ", not node " + nodeId +
                ": each node needs its own state directory");
        }
        return windows;
    }

    /**
     * Keep slots for exactly these peers, in this order from slot 0, each with the window the file held for it
     * (empty for a peer new here); every other slot is freed. Call once at start, before {@link #window(int)}.
     *
     * @param peerIds distinct non-zero node ids, at most {@link #MAX_NODES}.
     * @return how many slots of peers no longer configured were freed.
     * @throws IllegalArgumentException when more than {@link #MAX_NODES} ids are given, or one is 0 or repeated.
     */
    public int retainPeers(final int[] peerIds)
    {
        if (peerIds.length > MAX_NODES)
        {
            throw new IllegalArgumentException(peerIds.length + " peers configured, at most " + MAX_NODES + " are supported");
        }
        for (int i = 0; i < peerIds.length; i++)
        {
            if (peerIds[i] == 0 || indexOf(peerIds, peerIds[i]) != i)
            {
                throw new IllegalArgumentException("node id " + peerIds[i] + " is 0 or given twice");
            }
        }

        // Rare and at start only: gather the kept windows on the heap, then write them back in configured order.
        final byte[][] kept = new byte[peerIds.length][];
        int freed = 0;
        for (int slot = 0; slot < MAX_NODES; slot++)
        {
            final int id = buffer.getInt(slotOffset(slot), LITTLE_ENDIAN);
            if (id == 0)
            {
                // Slots in use are always the first ones (written so below): the rest of the mapping is not touched.
                break;
            }
            final int index = indexOf(peerIds, id);
            if (index >= 0)
            {
                kept[index] = new byte[ReplayWindow.LENGTH];
                buffer.getBytes(slotOffset(slot) + SLOT_WINDOW, kept[index]);
            }
            else if (id != 0)
            {
                freed++;
            }
        }
        for (int slot = 0; slot < MAX_NODES; slot++)
        {
            final int offset = slotOffset(slot);
            if (slot >= peerIds.length && buffer.getInt(offset, LITTLE_ENDIAN) == 0)
            {
                break;
            }
            buffer.setMemory(offset, SLOT_LENGTH, (byte)0);
            if (slot < peerIds.length)
            {
                buffer.putInt(offset, peerIds[slot], LITTLE_ENDIAN);
                if (null != kept[slot])
                {
                    buffer.putBytes(offset + SLOT_WINDOW, kept[slot]);
                }
            }
        }
        freedAtStart = freed;
        return freed;
    }

    /** Slots of peers no longer configured that the last {@link #retainPeers} freed at start. */
    public int freedAtStart()
    {
        return freedAtStart;
    }

    /**
     * The persisted window of a peer kept by {@link #retainPeers}, as a view over the mapping (valid until
     * {@link #close()}).
     *
     * @throws IllegalArgumentException for an id that holds no slot: windows are never made on demand.
     */
    public ReplayWindow window(final int peerId)
    {
        for (int slot = 0; slot < MAX_NODES; slot++)
        {
            final int id = buffer.getInt(slotOffset(slot), LITTLE_ENDIAN);
            if (id == peerId && id != 0)
            {
                return new ReplayWindow(buffer, slotOffset(slot) + SLOT_WINDOW);
            }
        }
        throw new IllegalArgumentException("node " + peerId + " is not a configured peer here");
    }

    public void close()
    {
        IoUtil.unmap(mapped);
    }

    private static int slotOffset(final int slot)
    {
        return SLOTS_OFFSET + slot * SLOT_LENGTH;
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
