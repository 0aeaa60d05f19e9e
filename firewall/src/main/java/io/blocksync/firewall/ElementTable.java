package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * Every kernel element the reconciler tracks, one per kernel object and prefix, in parallel primitive arrays indexed
 * by a stable element id (40 bytes an element, against ~1 KB as an object graph): the packed prefix
 * ({@link ElementKey}), the object's index into {@link #objectName(int)}, the deadline last written to the kernel (the
 * desired one is the latest of the member bans, {@link DesiredState#deadlineNanos(int)}), the last ban's reason,
 * protocol and port ({@link BanShapes}: they route and describe the change), state, flags and attempts, and the head
 * of its member-ban list. Queues, retry times and waiting changes live beside it, for the few elements that have
 * them. An open-addressing index (linear probing, hash of the prefix only) finds an element by object and prefix, and every
 * element of a prefix by scanning one probe run.
 * <p>
 * Worker thread only, except {@link #isPublished(IpPrefix)}: index and keys change under a {@link StampedLock} write
 * lock, which that reader validates optimistically, so it allocates nothing and never blocks the worker.
 */
final class ElementTable
{
    static final int NONE = -1;

    static final int UNKNOWN = 0;
    static final int DIRTY = 1;
    static final int ENFORCED = 2;
    static final int FAILED = 3;
    private static final int STATE_MASK = 3;

    static final int WRITTEN = 1 << 2;
    static final int KERNEL_MISSING = 1 << 3;
    /** Seeded at start: the first listing (or re-assert) decides whether to write it. */
    static final int AWAITING_LISTING = 1 << 4;
    /** In the dirty queue. */
    static final int QUEUED = 1 << 5;
    /** Every element of this prefix was enforced when last published; read by other threads. */
    static final int PUBLISHED = 1 << 6;
    private static final int IN_USE = 1 << 7;
    private static final int ATTEMPTS_SHIFT = 16;

    private static final int INITIAL_CAPACITY = 64;
    private static final float LOAD_FACTOR = 0.6f;

    private final StampedLock lock = new StampedLock();
    private final ArrayList<String> objects = new ArrayList<>();
    private long[] high = new long[INITIAL_CAPACITY];
    private long[] low = new long[INITIAL_CAPACITY];
    /** {@code object << 16 | family << 8 | prefixLength}. */
    private int[] meta = new int[INITIAL_CAPACITY];
    private int[] bits = new int[INITIAL_CAPACITY];
    long[] writtenDeadlineNanos = new long[INITIAL_CAPACITY];
    /** The last ban's reason, protocol and port, interned. */
    private int[] shape = new int[INITIAL_CAPACITY];
    /** First member ban ({@link LiveBans}), {@link #NONE} when nothing bans the element; the free list reuses it. */
    int[] memberHead = new int[INITIAL_CAPACITY];
    private final BanShapes shapes = new BanShapes();
    private final int noShape = shapes.intern(0, 0, 0);
    /** Element id + 1 per slot, 0 for empty. */
    private int[] index = new int[2 * INITIAL_CAPACITY];
    private int size;
    private int highWater;
    private int freeHead = NONE;

    /**
     * @return the object's index, interned on first use (a configuration names a handful of objects).
     */
    int objectIndex(final String object)
    {
        for (int i = 0, count = objects.size(); i < count; i++)
        {
            if (objects.get(i).equals(object))
            {
                return i;
            }
        }
        objects.add(object);
        return objects.size() - 1;
    }

    int objectIndexOf(final int element)
    {
        return meta[element] >>> 16;
    }

    String objectName(final int element)
    {
        return objects.get(meta[element] >>> 16);
    }

    /**
     * @return the element of that object and prefix, or {@link #NONE}.
     */
    int find(final int object, final ElementKey key)
    {
        final int[] index = this.index;
        final int mask = index.length - 1;
        final int wanted = object << 16 | key.prefixBits;
        for (int slot = key.hash & mask; 0 != index[slot]; slot = (slot + 1) & mask)
        {
            final int id = index[slot] - 1;
            if (meta[id] == wanted && high[id] == key.high && low[id] == key.low)
            {
                return id;
            }
        }
        return NONE;
    }

    /**
     * @return a new element (not desired, state unknown, no flags); the key must not be in the table yet.
     */
    int create(final int object, final ElementKey key)
    {
        final long stamp = lock.writeLock();
        try
        {
            if (NONE == freeHead && highWater == high.length)
            {
                grow(high.length + (high.length >> 1));
            }
            if (size + 1 > LOAD_FACTOR * index.length)
            {
                rehash(2 * index.length);
            }
            final int id;
            if (NONE != freeHead)
            {
                id = freeHead;
                freeHead = memberHead[id];
            }
            else
            {
                id = highWater++;
            }
            high[id] = key.high;
            low[id] = key.low;
            meta[id] = object << 16 | key.prefixBits;
            bits[id] = IN_USE;
            writtenDeadlineNanos[id] = 0;
            shape[id] = noShape;
            memberHead[id] = NONE;
            ProbeIndex.insert(index, id, key.hash);
            size++;
            return id;
        }
        finally
        {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Forget the element; its id is reused. Unlink it from every list first.
     */
    void remove(final int id)
    {
        final long stamp = lock.writeLock();
        try
        {
            final int[] index = this.index;
            final int mask = index.length - 1;
            int slot = hash(id) & mask;
            while (index[slot] != id + 1)
            {
                slot = (slot + 1) & mask;
            }
            // Backward-shift deletion: no tombstones, so probe runs stay short.
            index[slot] = 0;
            for (int probe = (slot + 1) & mask; 0 != index[probe]; probe = (probe + 1) & mask)
            {
                final int home = hash(index[probe] - 1) & mask;
                if (((probe - home) & mask) >= ((probe - slot) & mask))
                {
                    index[slot] = index[probe];
                    index[probe] = 0;
                    slot = probe;
                }
            }
            bits[id] = 0;
            memberHead[id] = freeHead;
            freeHead = id;
            size--;
        }
        finally
        {
            lock.unlockWrite(stamp);
        }
    }

    void clear()
    {
        final long stamp = lock.writeLock();
        try
        {
            Arrays.fill(index, 0);
            Arrays.fill(bits, 0, highWater, 0);
            size = 0;
            highWater = 0;
            freeHead = NONE;
        }
        finally
        {
            lock.unlockWrite(stamp);
        }
    }

    int size()
    {
        return size;
    }

    /**
     * @return one past the highest id ever used; iterate ids below it with {@link #inUse(int)}.
     */
    int highWater()
    {
        return highWater;
    }

    boolean inUse(final int id)
    {
        return 0 != (bits[id] & IN_USE);
    }

    boolean desired(final int id)
    {
        return NONE != memberHead[id];
    }

    int state(final int id)
    {
        return bits[id] & STATE_MASK;
    }

    void state(final int id, final int state)
    {
        bits[id] = (bits[id] & ~STATE_MASK) | state;
    }

    boolean flag(final int id, final int flag)
    {
        return 0 != (bits[id] & flag);
    }

    void flag(final int id, final int flag, final boolean on)
    {
        bits[id] = on ? bits[id] | flag : bits[id] & ~flag;
    }

    int attempts(final int id)
    {
        return bits[id] >>> ATTEMPTS_SHIFT;
    }

    void attempts(final int id, final int attempts)
    {
        bits[id] = (bits[id] & ((1 << ATTEMPTS_SHIFT) - 1)) | Math.min(attempts, 0x7FFF) << ATTEMPTS_SHIFT;
    }

    long reason(final int id)
    {
        return shapes.reason(shape[id]);
    }

    int protocol(final int id)
    {
        return shapes.protocol(shape[id]);
    }

    int port(final int id)
    {
        return shapes.port(shape[id]);
    }

    /**
     * The last ban given for the element: its reason routes the change where the backend maps by reason.
     */
    void ban(final int id, final long reason, final int protocol, final int port)
    {
        shape[id] = shapes.intern(reason, protocol, port);
    }

    ElementKey key(final int id, final ElementKey into)
    {
        return into.set(high[id], low[id], meta[id] & 0xFFFF);
    }

    IpPrefix prefix(final int id, final IpPrefix into, final byte[] scratch)
    {
        return ElementKey.toPrefix(high[id], low[id], meta[id] & 0xFFFF, into, scratch);
    }

    boolean samePrefix(final int id, final ElementKey key)
    {
        return (meta[id] & 0xFFFF) == key.prefixBits && high[id] == key.high && low[id] == key.low;
    }

    /**
     * @return the first index slot of the prefix's probe run; walk it with {@link #elementAt(int)} and
     * {@link #nextSlot(int)} until {@link #NONE}, matching with {@link #samePrefix(int, ElementKey)}.
     */
    int firstSlot(final ElementKey key)
    {
        return key.hash & (index.length - 1);
    }

    int elementAt(final int slot)
    {
        return index[slot] - 1;
    }

    int nextSlot(final int slot)
    {
        return (slot + 1) & (index.length - 1);
    }

    /**
     * Set or clear {@link #PUBLISHED} on an element, visibly to {@link #isPublished(IpPrefix)}.
     */
    void publish(final int id, final boolean enforced)
    {
        if (enforced != flag(id, PUBLISHED))
        {
            final long stamp = lock.writeLock();
            flag(id, PUBLISHED, enforced);
            lock.unlockWrite(stamp);
        }
    }

    /**
     * @param prefix host bits clear.
     * @return true when an element of the prefix carries {@link #PUBLISHED}. Any thread; allocates nothing.
     */
    boolean isPublished(final IpPrefix prefix)
    {
        final long high = ElementKey.high(prefix);
        final long low = ElementKey.low(prefix);
        final int prefixBits = ElementKey.prefixBits(prefix);
        final int hash = ElementKey.hash(high, low, prefixBits);
        for (int attempt = 0; attempt < 8; attempt++)
        {
            final long stamp = lock.tryOptimisticRead();
            if (0 != stamp)
            {
                final boolean published = scanPublished(high, low, prefixBits, hash);
                if (lock.validate(stamp))
                {
                    return published;
                }
            }
            Thread.onSpinWait();
        }

        final long stamp = lock.readLock();
        try
        {
            return scanPublished(high, low, prefixBits, hash);
        }
        finally
        {
            lock.unlockRead(stamp);
        }
    }

    // Under an optimistic read the arrays may be mid-change: every index is bounds-checked, the walk is bounded.
    private boolean scanPublished(final long high, final long low, final int prefixBits, final int hash)
    {
        final int[] index = this.index;
        final long[] highs = this.high;
        final long[] lows = this.low;
        final int[] metas = this.meta;
        final int[] flags = this.bits;
        final int ids = Math.min(Math.min(highs.length, lows.length), Math.min(metas.length, flags.length));
        final int mask = index.length - 1;
        int slot = hash & mask;
        for (int probes = 0; probes < index.length && 0 != index[slot]; probes++, slot = (slot + 1) & mask)
        {
            final int id = index[slot] - 1;
            if (id >= 0 && id < ids && (metas[id] & 0xFFFF) == prefixBits && highs[id] == high &&
                lows[id] == low && 0 != (flags[id] & PUBLISHED))
            {
                return true;
            }
        }
        return false;
    }

    private int hash(final int id)
    {
        return ElementKey.hash(high[id], low[id], meta[id] & 0xFFFF);
    }

    private void rehash(final int capacity)
    {
        final int[] fresh = new int[capacity];
        for (int from = 0; from < highWater; from += ProbeIndex.REHASH_CHUNK)
        {
            rehash(fresh, from, Math.min(highWater, from + ProbeIndex.REHASH_CHUNK));
        }
        index = fresh;
    }

    private void rehash(final int[] fresh, final int fromId, final int toId)
    {
        for (int id = fromId; id < toId; id++)
        {
            if (inUse(id))
            {
                ProbeIndex.insert(fresh, id, hash(id));
            }
        }
    }

    private void grow(final int capacity)
    {
        high = Arrays.copyOf(high, capacity);
        low = Arrays.copyOf(low, capacity);
        meta = Arrays.copyOf(meta, capacity);
        bits = Arrays.copyOf(bits, capacity);
        writtenDeadlineNanos = Arrays.copyOf(writtenDeadlineNanos, capacity);
        shape = Arrays.copyOf(shape, capacity);
        memberHead = Arrays.copyOf(memberHead, capacity);
    }
}
