package io.blocksync.firewall;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The sparse index of an {@link NftElementStore}'s main region: the key of every {@value #BLOCK}th entry, on the heap
 * (~0.6 bytes an entry), so a search of the region touches this and one block of 2 KB instead of ~20 entries of up
 * to 32 MB in as many cache lines. Re-read after each merge from the first entry that moved. Worker thread only.
 */
final class NftElementIndex
{
    /** Entries per block: 2 KB of the main region. */
    static final int BLOCK = 64;
    private static final int BLOCK_SHIFT = 6;

    /** The key of main entry {@code i << BLOCK_SHIFT}, for i below {@link #count}. */
    private long[] high = new long[16];
    private long[] low = new long[16];
    private int[] meta = new int[16];
    private int count;

    void clear()
    {
        count = 0;
    }

    /**
     * Re-read the keys from main entry {@code from} on (earlier blocks are unchanged).
     *
     * @param main     the region, entries of {@link NftElementStore#ENTRY} bytes keyed as the store keys them.
     * @param entries  the region's entries now.
     */
    void update(final UnsafeBuffer main, final int entries, final int from)
    {
        final int blocks = (entries + BLOCK - 1) >>> BLOCK_SHIFT;
        if (blocks > high.length)
        {
            final int length = Math.max(blocks, high.length * 2);
            high = Arrays.copyOf(high, length);
            low = Arrays.copyOf(low, length);
            meta = Arrays.copyOf(meta, length);
        }
        for (int block = Math.min(from >>> BLOCK_SHIFT, count); block < blocks; block++)
        {
            final int at = (block << BLOCK_SHIFT) * NftElementStore.ENTRY;
            high[block] = main.getLong(at + NftElementStore.HIGH);
            low[block] = main.getLong(at + NftElementStore.LOW);
            meta[block] = main.getInt(at + NftElementStore.META);
        }
        count = blocks;
    }

    /**
     * @return the first entry of the last block whose first key is at most the key (0 when none is: the key goes
     * first); the key, if held, lies in that block.
     */
    int blockStart(final long high, final long low, final int meta)
    {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (NftElementStore.compare(this.high[mid], this.low[mid], this.meta[mid], high, low, meta) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return Math.max(hi, 0) << BLOCK_SHIFT;
    }
}
