package io.blocksync.codec;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Anti-replay sliding window over one sender's packet sequences, after RFC 6479: a ring of 64-bit blocks where
 * advancing the window clears whole blocks instead of shifting bits. It accepts any sequence within
 * {@link #WINDOW_SIZE} of the highest seen that has not been seen before, so reordering on the path is harmless.
 * <p>
 * {@link #check(long)} is separate from {@link #accept(long)} so the window only moves for datagrams that were
 * authenticated and well formed.
 * <p>
 * The window lives in a buffer of {@link #LENGTH} bytes, little-endian:
 * <pre>
 *   0  u64 highest sequence accepted (0 = none)
 *   8  u64 bitmap[64], the ring of blocks; bit (s mod 64) of block (s / 64 mod 64) is sequence s
 * </pre>
 * Over a memory-mapped file the window outlives the process: every {@link #accept(long)} is a plain store, so a
 * receiver that restarts (even after {@code kill -9}) still refuses what it took before, and still takes what was
 * lost on the way before it went down.
 */
public final class ReplayWindow
{
    private static final int BITS_PER_BLOCK = 64;
    private static final int BLOCK_SHIFT = 6;
    private static final int BLOCKS = 64;
    private static final int BLOCK_MASK = BLOCKS - 1;
    private static final int HIGHEST_OFFSET = 0;
    private static final int BITMAP_OFFSET = 8;

    /** Bytes a window takes in its buffer: the highest sequence and the bitmap. */
    public static final int LENGTH = BITMAP_OFFSET + BLOCKS * Long.BYTES;

    /** Sequences this far behind the highest one seen are still accepted once. One block is kept as slack. */
    public static final int WINDOW_SIZE = (BLOCKS - 1) * BITS_PER_BLOCK;

    private final AtomicBuffer buffer;
    private final int offset;

    /** An empty window of its own, on the heap: it is gone with the process (tests, tools). */
    public ReplayWindow()
    {
        this(new UnsafeBuffer(new byte[LENGTH]), 0);
    }

    /**
     * A window over {@link #LENGTH} bytes of {@code buffer} at {@code offset}, taken as they are: zeroes are an empty
     * window, anything else is the window as a previous process left it.
     *
     * @param offset a multiple of 8, so the window's words are aligned.
     * @throws IllegalArgumentException when the region is not inside the buffer or not aligned.
     */
    public ReplayWindow(final AtomicBuffer buffer, final int offset)
    {
        if (offset < 0 || (offset & 7) != 0 || offset > buffer.capacity() - LENGTH)
        {
            throw new IllegalArgumentException(
                "a replay window needs " + LENGTH + " bytes at an 8-aligned offset, not at " + offset + " of " + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
    }

    /**
     * @return {@link RejectReason#NONE}, {@link RejectReason#REPLAY} or {@link RejectReason#TOO_OLD}.
     */
    public int check(final long sequence)
    {
        final long highest = highest();
        if (sequence <= 0)
        {
            return RejectReason.TOO_OLD;
        }
        if (sequence > highest)
        {
            return RejectReason.NONE;
        }
        if (highest - sequence >= WINDOW_SIZE)
        {
            return RejectReason.TOO_OLD;
        }

        return (block(blockIndex(sequence)) & (1L << sequence)) != 0 ? RejectReason.REPLAY : RejectReason.NONE;
    }

    /** Mark a sequence that passed {@link #check(long)} as seen. */
    public void accept(final long sequence)
    {
        final long highest = highest();
        if (sequence > highest)
        {
            final long currentBlock = highest >>> BLOCK_SHIFT;
            final long newBlock = sequence >>> BLOCK_SHIFT;
            final long blocksToClear = Math.min(newBlock - currentBlock, BLOCKS);
            for (long i = 1; i <= blocksToClear; i++)
            {
                block((int)(currentBlock + i) & BLOCK_MASK, 0);
            }
            // The bit goes in before the new highest: a process killed in between leaves a window that refuses more,
            // never one that would take the sequence again.
            final int index = blockIndex(sequence);
            block(index, block(index) | 1L << sequence);
            buffer.putLong(offset + HIGHEST_OFFSET, sequence, LITTLE_ENDIAN);
            return;
        }

        final int index = blockIndex(sequence);
        block(index, block(index) | 1L << sequence);
    }

    /** Highest sequence accepted so far, 0 if none. */
    public long highest()
    {
        return buffer.getLong(offset + HIGHEST_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Start from a floor: everything at or below it is treated as seen.
     */
    public void reset(final long floor)
    {
        final long highest = Math.max(0, floor);
        for (int i = 0; i < BLOCKS; i++)
        {
            block(i, -1L);
        }
        final int bit = (int)(highest & (BITS_PER_BLOCK - 1));
        block(blockIndex(highest), bit == BITS_PER_BLOCK - 1 ? -1L : (1L << (bit + 1)) - 1);
        buffer.putLong(offset + HIGHEST_OFFSET, highest, LITTLE_ENDIAN);
    }

    private static int blockIndex(final long sequence)
    {
        return (int)(sequence >>> BLOCK_SHIFT) & BLOCK_MASK;
    }

    private long block(final int index)
    {
        return buffer.getLong(offset + BITMAP_OFFSET + index * Long.BYTES, LITTLE_ENDIAN);
    }

    private void block(final int index, final long value)
    {
        buffer.putLong(offset + BITMAP_OFFSET + index * Long.BYTES, value, LITTLE_ENDIAN);
    }
}
