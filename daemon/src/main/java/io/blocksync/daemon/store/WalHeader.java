package io.blocksync.daemon.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The first page of the write-ahead log file: two checkpoint slots, written in turn, each in its own 512-byte sector
 * so that a write torn by a power loss spoils at most the slot being written and the other still holds the
 * checkpoint before it. A slot, in native byte order:
 * <pre>
 *  offset size field
 *   0     4    magic       "BSWL"
 *   4     4    version     1
 *   8     8    sequence    checkpoints recorded so far: the valid slot with the higher one is the checkpoint
 *  16     8    checkpoint  log position before which every change is in the map file on disk
 *  24     4    capacity    bytes of the ring of entries, for a sanity check
 *  28     4    checksum    CRC32C of bytes 0 to 28
 * </pre>
 */
final class WalHeader
{
    static final int LENGTH = 4096;
    static final int MAGIC = 0x4C575342; // "BSWL" little-endian
    static final int VERSION = 1;

    private static final int SLOT_SPACING = 512;
    private static final int SEQUENCE_OFFSET = 8;
    private static final int CHECKPOINT_OFFSET = 16;
    private static final int CAPACITY_OFFSET = 24;
    private static final int CHECKSUM_OFFSET = 28;

    private final UnsafeBuffer buffer;
    private final ByteBuffer view;
    private final CRC32C crc = new CRC32C();
    private final int capacity;
    private long sequence;
    private long checkpoint = -1;

    /**
     * Read the slots.
     *
     * @param buffer   the mapped file, the header at offset 0.
     * @param view     a view of the same memory, for this header's own use.
     * @param capacity bytes of the ring; a slot recording another is not valid.
     */
    WalHeader(final UnsafeBuffer buffer, final ByteBuffer view, final int capacity)
    {
        this.buffer = buffer;
        this.view = view;
        this.capacity = capacity;
        for (int slot = 0; slot < 2; slot++)
        {
            final int offset = slot * SLOT_SPACING;
            if (isValid(offset) && (checkpoint < 0 || buffer.getLong(offset + SEQUENCE_OFFSET) > sequence))
            {
                sequence = buffer.getLong(offset + SEQUENCE_OFFSET);
                checkpoint = buffer.getLong(offset + CHECKPOINT_OFFSET);
            }
        }
    }

    /** Whether a slot held a checkpoint. */
    boolean isValid()
    {
        return checkpoint >= 0;
    }

    /** The recorded checkpoint position, -1 when no slot is valid. */
    long checkpoint()
    {
        return checkpoint;
    }

    /**
     * Write the next checkpoint into the slot not holding the current one. Not synced: the caller syncs the file.
     *
     * @param position log position before which every change is in the synced map file.
     */
    void record(final long position)
    {
        sequence++;
        final int offset = (int)(sequence & 1) * SLOT_SPACING;
        buffer.putInt(offset, MAGIC);
        buffer.putInt(offset + 4, VERSION);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence);
        buffer.putLong(offset + CHECKPOINT_OFFSET, position);
        buffer.putInt(offset + CAPACITY_OFFSET, capacity);
        buffer.putInt(offset + CHECKSUM_OFFSET, checksum(offset));
        checkpoint = position;
    }

    private boolean isValid(final int offset)
    {
        return MAGIC == buffer.getInt(offset) && VERSION == buffer.getInt(offset + 4) &&
            capacity == buffer.getInt(offset + CAPACITY_OFFSET) && buffer.getLong(offset + CHECKPOINT_OFFSET) >= 0 &&
            checksum(offset) == buffer.getInt(offset + CHECKSUM_OFFSET);
    }

    private int checksum(final int offset)
    {
        view.limit(offset + CHECKSUM_OFFSET).position(offset);
        crc.reset();
        crc.update(view);
        return (int)crc.getValue();
    }
}
