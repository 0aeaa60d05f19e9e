package io.blocksync.firewall;

import java.util.Arrays;

/**
 * The elements one batch of an {@link NftSetModel} touched, each with how it stood before its first touch (so the
 * batch's kernel changes can be written, or a failed transaction rolled back), in the order first touched. Primitive
 * arrays reused batch after batch, with a hash index of the keys (linear probing, at most half full) that a stamp
 * per slot empties in O(1) at {@link #clear()}: a touch makes no object. Worker thread only.
 */
final class NftTouched
{
    private static final byte EXISTED = 1;
    private static final byte IN_KERNEL = 2;

    /** Keys and the deadline before the batch. */
    private final NftElementList before = new NftElementList();
    private byte[] flags = new byte[16];
    /** Index + 1 of the touch a slot holds, valid while its stamp is {@link #stamp}. */
    private int[] slots = new int[64];
    private int[] stamps = new int[64];
    private int stamp = 1;

    int size()
    {
        return before.size();
    }

    boolean isEmpty()
    {
        return before.isEmpty();
    }

    void clear()
    {
        before.clear();
        if (0 == ++stamp)
        {
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
    }

    /**
     * Record the element's state before the batch, unless the batch touched it already.
     *
     * @param existed the model held the element before (false: the batch creates it).
     */
    void touch(
        final long high, final long low, final int meta, final boolean existed, final boolean inKernel,
        final long deadlineMs)
    {
        final int mask = slots.length - 1;
        int slot = ElementKey.hash(high, low, meta) & mask;
        for (; stamps[slot] == stamp; slot = (slot + 1) & mask)
        {
            final int touch = slots[slot] - 1;
            if (before.high(touch) == high && before.low(touch) == low && before.meta(touch) == meta)
            {
                return;
            }
        }
        final int touch = before.size();
        before.add(high, low, meta, deadlineMs);
        if (touch == flags.length)
        {
            flags = Arrays.copyOf(flags, 2 * touch);
        }
        flags[touch] = (byte)((existed ? EXISTED : 0) | (inKernel ? IN_KERNEL : 0));
        if (2 * (touch + 1) > slots.length)
        {
            growIndex();
        }
        else
        {
            stamps[slot] = stamp;
            slots[slot] = touch + 1;
        }
    }

    /**
     * @return the keys touched, with the deadline each had before the batch (its index is the touch's).
     */
    NftElementList before()
    {
        return before;
    }

    long high(final int touch)
    {
        return before.high(touch);
    }

    long low(final int touch)
    {
        return before.low(touch);
    }

    int meta(final int touch)
    {
        return before.meta(touch);
    }

    boolean existed(final int touch)
    {
        return 0 != (flags[touch] & EXISTED);
    }

    boolean inKernel(final int touch)
    {
        return 0 != (flags[touch] & IN_KERNEL);
    }

    long deadlineMs(final int touch)
    {
        return before.deadlineMs(touch);
    }

    /**
     * Double the index and put every touch back (each through {@link #place}, compiled apart from the loop).
     */
    private void growIndex()
    {
        slots = new int[2 * slots.length];
        stamps = new int[slots.length];
        stamp = 1;
        for (int touch = 0, size = before.size(); touch < size; touch++)
        {
            place(touch);
        }
    }

    private void place(final int touch)
    {
        final int mask = slots.length - 1;
        int slot = ElementKey.hash(before.high(touch), before.low(touch), before.meta(touch)) & mask;
        while (stamps[slot] == stamp)
        {
            slot = (slot + 1) & mask;
        }
        stamps[slot] = stamp;
        slots[slot] = touch + 1;
    }
}
