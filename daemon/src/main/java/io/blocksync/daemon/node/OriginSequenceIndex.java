package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.store.BanVisitor;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.daemon.table.BanTableListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.Arrays;

/**
 * Per configured origin, the entries the ban table holds of that origin, ordered by origin sequence: what
 * {@link CatchUp} reads to fill SYNC frames for {@code (after, through]} without scanning the store. Each entry is
 * the record's origin sequence and prefix (its key in the store, where the record itself is read); one treap per
 * origin (a binary search tree balanced by pseudo-random priorities), so an insert, a removal or finding the start
 * of a range is O(log n) and a range of k entries is read in O(log n + k).
 * <p>
 * Kept up to date as a {@link BanTableListener} (stored, replaced, expired, tombstone dropped) and rebuilt at start
 * by one scan ({@link #rebuild}). Memory is fixed at construction: {@link #slotsFor} entries of 34 bytes in
 * preallocated arrays, about 1.25 times the store's capacity, so nothing is allocated on the store path. Should the
 * store hold more entries than that (only this node's own decisions may exceed the capacity), an entry that finds no
 * slot is counted and its origin's {@link #indexedThrough} drops below its sequence, so catch-up never claims a range
 * it cannot fill. Origins that are not configured are not indexed. Loop thread only.
 */
public final class OriginSequenceIndex implements BanTableListener, BanVisitor
{
    /** No slot: an empty tree or a missing child. */
    static final int NONE = -1;
    /** Bytes of one prefix in the pool: family, length, the 16-byte address field. */
    private static final int PREFIX_LENGTH = 18;
    private static final int MAX_SLOTS = Integer.MAX_VALUE / PREFIX_LENGTH;

    private final HighWaterMarks origins;
    private final AtomicCounter fullCounter;
    private final int prioritySeed;
    private final int[] roots;
    private final long[] indexedThrough;
    private final long[] sequences;
    private final int[] left;
    private final int[] right;
    private final UnsafeBuffer prefixes;
    private final int[] heldPerOrigin;
    private int freeHead;
    private int size;
    private int removedSlot;
    private int[] collected;
    private int collectedCount;
    private int collectLimit;
    private long collectAfter;
    private long collectThrough;

    /**
     * @param origins      the configured origins and their dense indices ({@link HighWaterMarks#indexOf}).
     * @param slots        entries the index can hold, see {@link #slotsFor}; at least 1.
     * @param fullCounter  counts entries that found no slot.
     * @param prioritySeed mixed into the tree priorities, so nobody outside can predict the trees' shapes.
     */
    public OriginSequenceIndex(final HighWaterMarks origins, final int slots, final AtomicCounter fullCounter, final int prioritySeed)
    {
        if (slots < 1 || slots > MAX_SLOTS)
        {
            throw new IllegalArgumentException("index of " + slots + " entries: need 1 to " + MAX_SLOTS);
        }
        this.origins = origins;
        this.fullCounter = fullCounter;
        this.prioritySeed = prioritySeed;
        roots = new int[origins.count()];
        indexedThrough = new long[origins.count()];
        heldPerOrigin = new int[origins.count()];
        sequences = new long[slots];
        left = new int[slots];
        right = new int[slots];
        prefixes = new UnsafeBuffer(new byte[slots * PREFIX_LENGTH]);
        clear();
    }

    /**
     * Entries to size the index for: 1.25 times the store's capacity (peers fill at most the capacity; this node's
     * own decisions may go a little beyond) or what the store holds at start if more, plus a few.
     *
     * @param capacity   the store's capacity in entries ({@code [bans] capacity}).
     * @param heldAtStart entries the store holds now.
     */
    public static int slotsFor(final long capacity, final long heldAtStart)
    {
        final long wanted = Math.max(capacity + capacity / 4, heldAtStart) + 16;
        return (int)Math.min(MAX_SLOTS, wanted);
    }

    /** Forget everything and index what the table holds now, by one scan; before the loop starts. */
    public OriginSequenceIndex rebuild(final BanTable table)
    {
        clear();
        table.forEach(this);
        return this;
    }

    /** Entries indexed, all origins together. */
    public int size()
    {
        return size;
    }

    /** Entries the index can hold. */
    public int capacity()
    {
        return sequences.length;
    }

    /** Entries indexed for one origin, by dense index. */
    public int size(final int originIndex)
    {
        return heldPerOrigin[originIndex];
    }

    /**
     * The origin sequence up to which every entry of this origin the table held since the index was built is in
     * the index: {@link Long#MAX_VALUE} unless an entry found no slot. Catch-up offers no range beyond it.
     */
    public long indexedThrough(final int originIndex)
    {
        return indexedThrough[originIndex];
    }

    /**
     * Find the entries of one origin with an origin sequence in {@code (after, through]}, oldest first.
     *
     * @param originIndex the origin's dense index.
     * @param into        receives the slots of the entries found, from index 0; read them with {@link #sequence}
     *                    and {@link #prefix}.
     * @param limit       at most this many, no more than {@code into.length}.
     * @return how many were found, at most {@code limit}.
     */
    public int collect(final int originIndex, final long after, final long through, final int[] into, final int limit)
    {
        collected = into;
        collectedCount = 0;
        collectLimit = Math.min(limit, into.length);
        collectAfter = after;
        collectThrough = through;
        collect(roots[originIndex]);
        collected = null;
        return collectedCount;
    }

    /** The origin sequence of an entry found by {@link #collect}. */
    public long sequence(final int slot)
    {
        return sequences[slot];
    }

    /** The prefix of an entry found by {@link #collect}, the store's key for its record. */
    public IpPrefix prefix(final int slot, final IpPrefix into)
    {
        final int offset = slot * PREFIX_LENGTH;
        return into.setAddress(prefixes.getByte(offset), prefixes, offset + 2, prefixes.getByte(offset + 1) & 0xFF);
    }

    public void onStored(final Ban decision, final Ban replaced, final boolean local)
    {
        if (null != replaced)
        {
            remove(replaced);
        }
        add(decision);
    }

    public void onExpired(final Ban ban)
    {
        remove(ban);
    }

    public void onTombstoneDropped(final Ban tombstone)
    {
        remove(tombstone);
    }

    /** Scan at {@link #rebuild}. */
    public void visit(final Ban entry)
    {
        add(entry);
    }

    private void clear()
    {
        Arrays.fill(roots, NONE);
        Arrays.fill(indexedThrough, Long.MAX_VALUE);
        Arrays.fill(heldPerOrigin, 0);
        for (int slot = 0; slot < left.length; slot++)
        {
            left[slot] = slot + 1 < left.length ? slot + 1 : NONE;
            right[slot] = NONE;
        }
        freeHead = 0;
        size = 0;
    }

    private void add(final Ban entry)
    {
        final int originIndex = origins.indexOf(entry.originNodeId());
        if (originIndex < 0)
        {
            return;
        }
        if (freeHead == NONE)
        {
            fullCounter.incrementRelease();
            indexedThrough[originIndex] = Math.min(indexedThrough[originIndex], entry.originSequence() - 1);
            return;
        }

        final int slot = freeHead;
        freeHead = left[slot];
        left[slot] = NONE;
        right[slot] = NONE;
        sequences[slot] = entry.originSequence();
        final IpPrefix prefix = entry.prefix();
        final int offset = slot * PREFIX_LENGTH;
        prefixes.putByte(offset, (byte)prefix.family());
        prefixes.putByte(offset + 1, (byte)prefix.prefixLength());
        prefix.getAddress(prefixes, offset + 2);
        roots[originIndex] = insert(roots[originIndex], slot);
        heldPerOrigin[originIndex]++;
        size++;
    }

    private void remove(final Ban entry)
    {
        final int originIndex = origins.indexOf(entry.originNodeId());
        if (originIndex < 0)
        {
            return;
        }
        removedSlot = NONE;
        roots[originIndex] = remove(roots[originIndex], entry.originSequence(), entry.prefix());
        if (removedSlot != NONE)
        {
            left[removedSlot] = freeHead;
            right[removedSlot] = NONE;
            freeHead = removedSlot;
            heldPerOrigin[originIndex]--;
            size--;
        }
    }

    /** Insert {@code node} into the tree rooted at {@code tree}; equal sequences go right. Returns the new root. */
    private int insert(final int tree, final int node)
    {
        if (tree == NONE)
        {
            return node;
        }
        if (sequences[node] < sequences[tree])
        {
            left[tree] = insert(left[tree], node);
            return priority(left[tree]) > priority(tree) ? rotateRight(tree) : tree;
        }
        right[tree] = insert(right[tree], node);
        return priority(right[tree]) > priority(tree) ? rotateLeft(tree) : tree;
    }

    /**
     * Remove the entry with this sequence and prefix from the tree, setting {@link #removedSlot}. One origin gives
     * each decision its own sequence, so equal sequences are rare; both sides are searched for them.
     */
    private int remove(final int tree, final long sequence, final IpPrefix prefix)
    {
        if (tree == NONE)
        {
            return NONE;
        }
        if (sequence < sequences[tree])
        {
            left[tree] = remove(left[tree], sequence, prefix);
            return tree;
        }
        if (sequence > sequences[tree])
        {
            right[tree] = remove(right[tree], sequence, prefix);
            return tree;
        }
        if (matches(tree, prefix))
        {
            removedSlot = tree;
            return merge(left[tree], right[tree]);
        }
        left[tree] = remove(left[tree], sequence, prefix);
        if (removedSlot == NONE)
        {
            right[tree] = remove(right[tree], sequence, prefix);
        }
        return tree;
    }

    /** Join two trees where every sequence in {@code a} is at most every one in {@code b}. */
    private int merge(final int a, final int b)
    {
        if (a == NONE)
        {
            return b;
        }
        if (b == NONE)
        {
            return a;
        }
        if (priority(a) > priority(b))
        {
            right[a] = merge(right[a], b);
            return a;
        }
        left[b] = merge(a, left[b]);
        return b;
    }

    private void collect(final int tree)
    {
        int node = tree;
        while (node != NONE && collectedCount < collectLimit)
        {
            if (sequences[node] > collectAfter)
            {
                collect(left[node]);
                if (collectedCount >= collectLimit || sequences[node] > collectThrough)
                {
                    return;
                }
                collected[collectedCount++] = node;
            }
            node = right[node];
        }
    }

    private int rotateRight(final int node)
    {
        final int child = left[node];
        left[node] = right[child];
        right[child] = node;
        return child;
    }

    private int rotateLeft(final int node)
    {
        final int child = right[node];
        right[node] = left[child];
        left[child] = node;
        return child;
    }

    private boolean matches(final int slot, final IpPrefix prefix)
    {
        final int offset = slot * PREFIX_LENGTH;
        if (prefixes.getByte(offset) != (byte)prefix.family() || prefixes.getByte(offset + 1) != (byte)prefix.prefixLength())
        {
            return false;
        }
        for (int i = 0; i < 16; i++)
        {
            if ((prefixes.getByte(offset + 2 + i) & 0xFF) != prefix.addressByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /** A slot's fixed pseudo-random priority: MurmurHash3's finaliser, a bijection, so no two slots tie. */
    private int priority(final int slot)
    {
        int h = slot ^ prioritySeed;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
