package io.blocksync.firewall;

import java.util.Arrays;

/**
 * The elements a commit wrote (or tried to write) while a full listing was in flight on its own session: the listing
 * may show them from before or after that commit, so it judges none of them, in the diff ({@link KernelDiff}) or in
 * a backend's model ({@link FirewallBackend#adopt}). Cleared when a listing starts; elements removed and forgotten
 * since stay here too, so a ban lifted during the listing is not mistaken for a stray or restored. Flat arrays with a
 * linear-probing index keyed by object and prefix; it grows with the distinct elements committed during one listing
 * only. Worker thread only.
 */
final class ChangedSinceListing
{
    private static final int INITIAL_CAPACITY = 64;

    private long[] high = new long[INITIAL_CAPACITY];
    private long[] low = new long[INITIAL_CAPACITY];
    /** {@code object << 16 | family << 8 | prefixLength}. */
    private int[] meta = new int[INITIAL_CAPACITY];
    private int[] index = new int[2 * INITIAL_CAPACITY];
    private int count;
    private boolean recording;
    /** Something changed every object at once (a flush, objects re-created): the listing is void. */
    private boolean wholesale;

    /**
     * A listing starts now: forget earlier changes and record from here.
     */
    void start()
    {
        if (count > 0)
        {
            Arrays.fill(index, 0);
            count = 0;
        }
        recording = true;
        wholesale = false;
    }

    /**
     * The listing is merged or dropped: stop recording.
     */
    void stop()
    {
        recording = false;
    }

    boolean recording()
    {
        return recording;
    }

    /**
     * Every object changed as a whole during the listing; it must be dropped.
     */
    void wholesale()
    {
        wholesale |= recording;
    }

    boolean isWholesale()
    {
        return wholesale;
    }

    /**
     * Record an element a commit is about to write, while a listing runs.
     */
    void record(final int object, final ElementKey key)
    {
        if (!recording || contains(object, key))
        {
            return;
        }
        if (count == high.length)
        {
            final int capacity = 2 * high.length;
            high = Arrays.copyOf(high, capacity);
            low = Arrays.copyOf(low, capacity);
            meta = Arrays.copyOf(meta, capacity);
            final int[] fresh = new int[2 * capacity];
            for (int id = 0; id < count; id++)
            {
                insert(fresh, id, ElementKey.hash(high[id], low[id], meta[id] & 0xFFFF));
            }
            index = fresh;
        }
        final int id = count++;
        high[id] = key.high;
        low[id] = key.low;
        meta[id] = object << 16 | key.prefixBits;
        insert(index, id, key.hash);
    }

    boolean contains(final int object, final ElementKey key)
    {
        if (0 == count)
        {
            return false;
        }
        final int mask = index.length - 1;
        final int wanted = object << 16 | key.prefixBits;
        for (int slot = key.hash & mask; 0 != index[slot]; slot = (slot + 1) & mask)
        {
            final int id = index[slot] - 1;
            if (meta[id] == wanted && high[id] == key.high && low[id] == key.low)
            {
                return true;
            }
        }
        return false;
    }

    int size()
    {
        return count;
    }

    private static void insert(final int[] index, final int id, final int hash)
    {
        final int mask = index.length - 1;
        int slot = hash & mask;
        while (0 != index[slot])
        {
            slot = (slot + 1) & mask;
        }
        index[slot] = id + 1;
    }
}
