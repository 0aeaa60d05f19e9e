package io.blocksync.firewall;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The elements of one {@link NftSetModel}, off the Java heap, as fixed-width entries of 32 bytes reached by position:
 * {@link NftElementStore} keeps them in address order (an interval set needs its nested prefixes next to their
 * container), {@link NftElementHash} in a hash table (a plain set needs no order). Only finding, inserting, removing
 * and walking differ; reads and flag writes by position are these final methods, the same for both.
 * <p>
 * Layout of an entry: the prefix packed as {@link ElementKey} packs it (address bytes 0-7 and 8-15 as two big-endian
 * longs at {@link #HIGH} and {@link #LOW}, {@code family << 8 | length} at {@link #META}), the deadline in the
 * model's milliseconds, and flags ({@link #IN_KERNEL}, {@link #DEAD}). A position is an entry's index in
 * {@link #main}, or {@code DELTA_BIT | index} in {@link #delta}. Positions are valid until the next insert or remove.
 * Worker thread only.
 */
abstract class NftElements implements AutoCloseable
{
    static final int NONE = -1;
    static final int IN_KERNEL = 1;
    static final int DEAD = 2;

    static final int ENTRY = 32;
    static final int HIGH = 0;
    static final int LOW = 8;
    static final int DEADLINE = 16;
    static final int META = 24;
    static final int FLAGS = 28;
    /** A position in the delta region is {@code DELTA_BIT | index}. */
    static final int DELTA_BIT = 1 << 30;

    UnsafeBuffer main;
    /** Only the sorted store has one; null otherwise. */
    UnsafeBuffer delta;

    /**
     * Walks the live entries; {@link #next()} returns positions until {@link #NONE}. Flags and deadlines may be
     * written through the positions meanwhile, nothing inserted or removed.
     */
    abstract static class Cursor
    {
        abstract Cursor first();

        /**
         * Start at the first live entry at or after the key, in address order (sorted store only).
         */
        abstract Cursor seek(long high, long low, int meta);

        abstract int next();
    }

    /**
     * @return live entries.
     */
    abstract int size();

    /**
     * @return direct memory held, in bytes.
     */
    abstract long directBytes();

    /**
     * @return the live entry's position, or {@link #NONE}.
     */
    abstract int find(long high, long low, int meta);

    /**
     * Add an entry that is not live in the store.
     *
     * @return its position.
     */
    abstract int insert(long high, long low, int meta, long deadlineMs, int flags);

    /**
     * Take out the live entry at the position.
     */
    abstract void remove(int position);

    abstract void clear();

    /**
     * @return a new cursor over these entries.
     */
    abstract Cursor cursor();

    @Override
    public abstract void close();

    final long high(final int position)
    {
        return region(position).getLong(offset(position) + HIGH);
    }

    final long low(final int position)
    {
        return region(position).getLong(offset(position) + LOW);
    }

    /**
     * @return {@code family << 8 | length}.
     */
    final int meta(final int position)
    {
        return region(position).getInt(offset(position) + META);
    }

    final long deadlineMs(final int position)
    {
        return region(position).getLong(offset(position) + DEADLINE);
    }

    final void deadlineMs(final int position, final long deadlineMs)
    {
        region(position).putLong(offset(position) + DEADLINE, deadlineMs);
    }

    final boolean inKernel(final int position)
    {
        return 0 != (region(position).getInt(offset(position) + FLAGS) & IN_KERNEL);
    }

    final void inKernel(final int position, final boolean inKernel)
    {
        region(position).putInt(offset(position) + FLAGS, inKernel ? IN_KERNEL : 0);
    }

    /**
     * @return true if the entry is the prefix {@code (high, low, meta)}.
     */
    final boolean is(final int position, final long high, final long low, final int meta)
    {
        return meta(position) == meta && high(position) == high && low(position) == low;
    }

    /**
     * @return true if the entry lies strictly inside the prefix {@code (high, low, meta)}: same family, longer, the
     * same leading bits.
     */
    final boolean inside(final int position, final long high, final long low, final int meta)
    {
        final int entryMeta = meta(position);
        final int length = meta & 0xFF;
        return (entryMeta & ~0xFF) == (meta & ~0xFF) && (entryMeta & 0xFF) > length &&
            ElementKey.maskHigh(high(position), length) == high && ElementKey.maskLow(low(position), length) == low;
    }

    private UnsafeBuffer region(final int position)
    {
        return 0 == (position & DELTA_BIT) ? main : delta;
    }

    static int offset(final int position)
    {
        return (position & ~DELTA_BIT) * ENTRY;
    }

    static void writeKey(final UnsafeBuffer region, final int index, final long high, final long low, final int meta)
    {
        final int at = index * ENTRY;
        region.putLong(at + HIGH, high);
        region.putLong(at + LOW, low);
        region.putInt(at + META, meta);
    }

    static void writeValue(final UnsafeBuffer region, final int index, final long deadlineMs, final int flags)
    {
        final int at = index * ENTRY;
        region.putLong(at + DEADLINE, deadlineMs);
        region.putInt(at + FLAGS, flags);
    }

    static UnsafeBuffer allocate(final long bytes)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(Math.toIntExact(bytes)));
    }

    /**
     * @return a region of {@code bytes} holding the first {@code used} bytes of {@code region}, which is freed.
     */
    static UnsafeBuffer grow(final UnsafeBuffer region, final long used, final long bytes)
    {
        final UnsafeBuffer grown = allocate(bytes);
        grown.putBytes(0, region, 0, Math.toIntExact(used));
        BufferUtil.free(region);
        return grown;
    }
}
