package io.blocksync.daemon.detect;

import io.blocksync.codec.IpPrefix;

/**
 * Hit counts per (rule, source prefix) in a fixed-size open-addressing table, so an attacker spraying random
 * sources cannot grow memory: the table holds at most {@code capacity} sources (a power of two) and, when the
 * probe run for a new source is full, the entry seen longest ago in that run is evicted (approximate LRU over 8
 * slots). An evicted source simply starts counting again. Allocation-free after construction; loop thread only.
 */
public final class OffenderTable
{
    static final int PROBE_LIMIT = 8;

    private final int mask;
    private final int[] ruleAndShape;     // rule index << 16 | family << 8 | prefix length; 0 = empty
    private final long[] addressHigh;
    private final long[] addressLow;
    private final int[] hits;
    private final long[] windowStartMillis;
    private final long[] lastSeenMillis;
    private final int[] offences;
    private int size;
    private long evictions;

    public OffenderTable(final int requestedCapacity)
    {
        final int capacity = Integer.highestOneBit(Math.max(16, requestedCapacity - 1)) << 1;
        mask = capacity - 1;
        ruleAndShape = new int[capacity];
        addressHigh = new long[capacity];
        addressLow = new long[capacity];
        hits = new int[capacity];
        windowStartMillis = new long[capacity];
        lastSeenMillis = new long[capacity];
        offences = new int[capacity];
    }

    public int capacity()
    {
        return mask + 1;
    }

    public int size()
    {
        return size;
    }

    public long evictions()
    {
        return evictions;
    }

    /**
     * Count one hit. The window restarts when the previous one has run out.
     *
     * @return the slot, whose {@link #hits(int)} and {@link #offences(int)} the caller reads.
     */
    public int hit(final int ruleIndex, final IpPrefix source, final long windowMillis, final long nowMillis)
    {
        final int shape = ((ruleIndex + 1) << 16) | (source.family() << 8) | source.prefixLength();
        final long high = word(source, 0);
        final long low = word(source, 8);
        final int start = (int)(mix(shape, high, low)) & mask;

        int free = -1;
        int oldest = start;
        for (int i = 0; i < PROBE_LIMIT; i++)
        {
            final int slot = (start + i) & mask;
            if (ruleAndShape[slot] == shape && addressHigh[slot] == high && addressLow[slot] == low)
            {
                if (nowMillis - windowStartMillis[slot] > windowMillis)
                {
                    windowStartMillis[slot] = nowMillis;
                    hits[slot] = 0;
                }
                hits[slot]++;
                lastSeenMillis[slot] = nowMillis;
                return slot;
            }
            if (ruleAndShape[slot] == 0)
            {
                free = free < 0 ? slot : free;
            }
            else if (lastSeenMillis[slot] < lastSeenMillis[oldest])
            {
                oldest = slot;
            }
        }

        final int slot;
        if (free >= 0)
        {
            slot = free;
            size++;
        }
        else
        {
            slot = oldest;
            evictions++;
        }
        ruleAndShape[slot] = shape;
        addressHigh[slot] = high;
        addressLow[slot] = low;
        hits[slot] = 1;
        offences[slot] = 0;
        windowStartMillis[slot] = nowMillis;
        lastSeenMillis[slot] = nowMillis;
        return slot;
    }

    public int hits(final int slot)
    {
        return hits[slot];
    }

    public int offences(final int slot)
    {
        return offences[slot];
    }

    /** Start counting again without adding an offence. */
    public void restartCount(final int slot)
    {
        hits[slot] = 0;
    }

    /** The source was banned: its count starts again and it has one more offence for escalation. */
    public void banned(final int slot)
    {
        hits[slot] = 0;
        offences[slot]++;
    }

    private static long word(final IpPrefix prefix, final int from)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value = (value << 8) | prefix.addressByte(from + i);
        }
        return value;
    }

    private static long mix(final int shape, final long high, final long low)
    {
        long h = shape * 0x9E37_79B9_7F4A_7C15L;
        h ^= high * 0xC2B2_AE3D_27D4_EB4FL;
        h ^= low * 0x1656_67B1_9E37_79F9L;
        return h ^ (h >>> 29) ^ (h >>> 47);
    }
}
