package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The entries of an {@link OriginSequenceIndex}, off-heap: {@value #ENTRY_LENGTH} bytes each in direct chunks of
 * {@value #CHUNK_ENTRIES} entries (512 KiB), allocated as the index first reaches a size and then kept, so memory
 * follows what the store holds, not its capacity (100,000 entries take 7 chunks, 3.5 MiB; 1,000,000 take 62, 31 MiB)
 * and none of it is on the heap. One entry: the origin sequence (8 bytes); the left and right links (24 bits each,
 * their top byte holding the prefix's length and address family); the 16-byte address field. Free entries form a
 * list through the left link. Loop thread only; nothing is allocated but a new chunk.
 */
final class SequenceEntries
{
    /** No entry: an empty tree, a missing child, the end of the free list, or no room. */
    static final int NONE = (1 << 24) - 1;
    /** Entries are numbered in 24 bits; the top value means none. */
    static final int MAX_SLOTS = NONE - 1;
    static final int ENTRY_LENGTH = 32;
    static final int CHUNK_ENTRIES = 1 << 14;

    private static final int LINK_MASK = NONE;
    private static final int TAG_SHIFT = 24;
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK_MASK = CHUNK_ENTRIES - 1;
    private static final int SEQUENCE_OFFSET = 0;
    /** Its top byte is the prefix length. */
    private static final int LEFT_OFFSET = 8;
    /** Its top byte is the address family. */
    private static final int RIGHT_OFFSET = 12;
    private static final int ADDRESS_OFFSET = 16;
    private static final int ADDRESS_LENGTH = 16;

    private final int capacity;
    private final UnsafeBuffer[] chunks;
    private int chunkCount;
    private int allocated;
    private int freeHead = NONE;

    /**
     * @param capacity entries at most, 1 to {@link #MAX_SLOTS}.
     */
    SequenceEntries(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_SLOTS)
        {
            throw new IllegalArgumentException("index of " + capacity + " entries: need 1 to " + MAX_SLOTS);
        }
        this.capacity = capacity;
        this.chunks = new UnsafeBuffer[(capacity + CHUNK_ENTRIES - 1) / CHUNK_ENTRIES];
    }

    int capacity()
    {
        return capacity;
    }

    /** Every entry free again; the chunks are kept for reuse. */
    void clear()
    {
        allocated = 0;
        freeHead = NONE;
    }

    /**
     * @return a free entry, its contents undefined until {@link #set}, or {@link #NONE} when all {@link #capacity}
     * are in use.
     */
    int allocate()
    {
        if (NONE != freeHead)
        {
            final int slot = freeHead;
            freeHead = left(slot);
            return slot;
        }
        if (allocated == capacity)
        {
            return NONE;
        }
        if (allocated == chunkCount * CHUNK_ENTRIES)
        {
            // Once per 16,384 entries beyond the largest size so far; never in a steady state.
            chunks[chunkCount++] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK_ENTRIES * ENTRY_LENGTH, 64));
        }
        return allocated++;
    }

    void release(final int slot)
    {
        left(slot, freeHead);
        freeHead = slot;
    }

    /** Fill an allocated entry: a leaf, no children. */
    void set(final int slot, final long sequence, final IpPrefix prefix)
    {
        final UnsafeBuffer chunk = chunk(slot);
        final int offset = offset(slot);
        chunk.putLong(offset + SEQUENCE_OFFSET, sequence);
        chunk.putInt(offset + LEFT_OFFSET, prefix.prefixLength() << TAG_SHIFT | NONE);
        chunk.putInt(offset + RIGHT_OFFSET, prefix.family() << TAG_SHIFT | NONE);
        prefix.getAddress(chunk, offset + ADDRESS_OFFSET);
    }

    long sequence(final int slot)
    {
        return chunk(slot).getLong(offset(slot) + SEQUENCE_OFFSET);
    }

    IpPrefix prefix(final int slot, final IpPrefix into)
    {
        final UnsafeBuffer chunk = chunk(slot);
        final int offset = offset(slot);
        return into.setAddress(chunk.getInt(offset + RIGHT_OFFSET) >>> TAG_SHIFT, chunk, offset + ADDRESS_OFFSET,
            chunk.getInt(offset + LEFT_OFFSET) >>> TAG_SHIFT);
    }

    boolean matches(final int slot, final IpPrefix prefix)
    {
        final UnsafeBuffer chunk = chunk(slot);
        final int offset = offset(slot);
        if (chunk.getInt(offset + LEFT_OFFSET) >>> TAG_SHIFT != prefix.prefixLength() ||
            chunk.getInt(offset + RIGHT_OFFSET) >>> TAG_SHIFT != prefix.family())
        {
            return false;
        }
        for (int i = 0; i < ADDRESS_LENGTH; i++)
        {
            if ((chunk.getByte(offset + ADDRESS_OFFSET + i) & 0xFF) != prefix.addressByte(i))
            {
                return false;
            }
        }
        return true;
    }

    int left(final int slot)
    {
        return chunk(slot).getInt(offset(slot) + LEFT_OFFSET) & LINK_MASK;
    }

    int right(final int slot)
    {
        return chunk(slot).getInt(offset(slot) + RIGHT_OFFSET) & LINK_MASK;
    }

    void left(final int slot, final int child)
    {
        link(slot, LEFT_OFFSET, child);
    }

    void right(final int slot, final int child)
    {
        link(slot, RIGHT_OFFSET, child);
    }

    private void link(final int slot, final int field, final int child)
    {
        final UnsafeBuffer chunk = chunk(slot);
        final int offset = offset(slot) + field;
        chunk.putInt(offset, (chunk.getInt(offset) & ~LINK_MASK) | child);
    }

    private UnsafeBuffer chunk(final int slot)
    {
        return chunks[slot >>> CHUNK_SHIFT];
    }

    private static int offset(final int slot)
    {
        return (slot & CHUNK_MASK) * ENTRY_LENGTH;
    }
}
