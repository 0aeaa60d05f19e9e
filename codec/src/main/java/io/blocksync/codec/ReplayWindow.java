package io.blocksync.codec;

import java.util.Arrays;

/**
 * Anti-replay sliding window over one sender's packet sequences, after RFC 6479: a ring of 64-bit blocks where
 * advancing the window clears whole blocks instead of shifting bits. It accepts any sequence within
 * {@link #WINDOW_SIZE} of the highest seen that has not been seen before, so reordering on the path is harmless.
 * <p>
 * {@link #check(long)} is separate from {@link #accept(long)} so the window only moves for datagrams that were
 * authenticated and well formed.
 */
public final class ReplayWindow
{
    private static final int BITS_PER_BLOCK = 64;
    private static final int BLOCK_SHIFT = 6;
    private static final int BLOCKS = 64;
    private static final int BLOCK_MASK = BLOCKS - 1;

    /** Sequences this far behind the highest one seen are still accepted once. One block is kept as slack. */
    public static final int WINDOW_SIZE = (BLOCKS - 1) * BITS_PER_BLOCK;

    private final long[] bitmap = new long[BLOCKS];
    private long highest;

    /**
     * @return {@link RejectReason#NONE}, {@link RejectReason#REPLAY} or {@link RejectReason#TOO_OLD}.
     */
    public int check(final long sequence)
    {
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

        final int block = (int)(sequence >>> BLOCK_SHIFT) & BLOCK_MASK;
        return (bitmap[block] & (1L << sequence)) != 0 ? RejectReason.REPLAY : RejectReason.NONE;
    }

    /** Mark a sequence that passed {@link #check(long)} as seen. */
    public void accept(final long sequence)
    {
        if (sequence > highest)
        {
            final long currentBlock = highest >>> BLOCK_SHIFT;
            final long newBlock = sequence >>> BLOCK_SHIFT;
            final long blocksToClear = Math.min(newBlock - currentBlock, BLOCKS);
            for (long i = 1; i <= blocksToClear; i++)
            {
                bitmap[(int)(currentBlock + i) & BLOCK_MASK] = 0;
            }
            highest = sequence;
        }

        bitmap[(int)(sequence >>> BLOCK_SHIFT) & BLOCK_MASK] |= 1L << sequence;
    }

    /** Highest sequence accepted so far, 0 if none. */
    public long highest()
    {
        return highest;
    }

    /**
     * Start from a floor remembered across a restart: everything at or below it is treated as seen.
     */
    public void reset(final long floor)
    {
        highest = Math.max(0, floor);
        Arrays.fill(bitmap, -1L);
        final int bit = (int)(highest & (BITS_PER_BLOCK - 1));
        bitmap[(int)(highest >>> BLOCK_SHIFT) & BLOCK_MASK] = bit == BITS_PER_BLOCK - 1 ? -1L : (1L << (bit + 1)) - 1;
    }
}
