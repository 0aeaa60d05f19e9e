package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.store.BanVisitor;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.daemon.table.BanTableListener;
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
 * by one scan ({@link #rebuild}, or a start-up pass ending in {@link #finishBuild}). A scan only lists each origin's
 * entries; the build then sorts each origin's list by sequence and makes its treap in one linear pass (a Cartesian
 * tree over the slots' priorities): n inserts in the store's hash order cost 75 % of a restart's CPU with 1,000,000
 * bans. Memory is off-heap and grows with use ({@link SequenceEntries}: 32 bytes an entry,
 * 3.5 MiB for 100,000, 31 MiB for 1,000,000), so a node with a million bans fits a 64 MiB heap; at most
 * {@link #slotsFor} entries, about 1.25 times the store's capacity. Should the store hold more entries than that
 * (only this node's own decisions may exceed the capacity), an entry that finds no slot is counted and its origin's
 * {@link #indexedThrough} drops below its sequence, so catch-up never claims a range it cannot fill. Origins that are
 * not configured are not indexed. Loop thread only; nothing is allocated on the store path except a new chunk.
 */
public final class OriginSequenceIndex implements BanTableListener, BanVisitor
{
    /** No slot: an empty tree or a missing child. */
    static final int NONE = SequenceEntries.NONE;
    static final int MAX_SLOTS = SequenceEntries.MAX_SLOTS;

    private final HighWaterMarks origins;
    private final AtomicCounter fullCounter;
    private final int prioritySeed;
    private final int[] roots;
    private final long[] indexedThrough;
    private final SequenceEntries entries;
    private final int[] heldPerOrigin;
    private final long[] highestSeen;
    private int size;
    private int removedSlot;
    private int[] collected;
    private int collectedCount;
    private int collectLimit;
    private long collectAfter;
    private long collectThrough;
    /** Entries visited by a scan are only listed (through their right links) until {@link #finishBuild}. */
    private boolean building;

    /**
     * @param origins      the configured origins and their dense indices ({@link HighWaterMarks#indexOf}).
     * @param slots        entries the index can hold, see {@link #slotsFor}; 1 to {@link #MAX_SLOTS}.
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
        this.entries = new SequenceEntries(slots);
        roots = new int[origins.count()];
        indexedThrough = new long[origins.count()];
        heldPerOrigin = new int[origins.count()];
        highestSeen = new long[origins.count()];
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
        finishBuild();
        return this;
    }

    /**
     * Turn what the scan listed into each origin's tree: sort its entries by sequence, then build the treap bottom-up
     * along its right spine, O(n log n) for the sort and O(n) for the tree. The end action of the start-up pass; also
     * run by the first use of the index, should a caller forget it. Allocates the sort's arrays, once, before the loop.
     */
    public void finishBuild()
    {
        if (!building)
        {
            return;
        }
        building = false;
        int most = 0;
        for (final int held : heldPerOrigin)
        {
            most = Math.max(most, held);
        }
        final int[] slots = new int[most];
        final long[] keys = new long[most];
        for (int originIndex = 0; originIndex < roots.length; originIndex++)
        {
            int count = 0;
            for (int slot = roots[originIndex]; slot != NONE; slot = right(slot))
            {
                slots[count] = slot;
                keys[count++] = sequence(slot);
            }
            SequenceSort.sort(keys, slots, count);
            roots[originIndex] = cartesianTree(slots, count);
        }
    }

    /**
     * The treap of {@code slots[0, count)}, already in sequence order: each slot is pushed on the right spine after
     * popping those of lower priority, which become its left subtree. {@code slots} is reused as the spine's stack.
     */
    private int cartesianTree(final int[] slots, final int count)
    {
        int top = -1;
        for (int i = 0; i < count; i++)
        {
            final int node = slots[i];
            left(node, NONE);
            right(node, NONE);
            int last = NONE;
            while (top >= 0 && priority(slots[top]) < priority(node))
            {
                last = slots[top--];
            }
            left(node, last);
            if (top >= 0)
            {
                right(slots[top], node);
            }
            slots[++top] = node;
        }
        return top >= 0 ? slots[0] : NONE;
    }

    /**
     * The highest origin sequence of this origin among the entries added since the index was built or cleared, those
     * that found no slot included; 0 when none. Read at start, where it is the highest the store holds.
     */
    public long highestSequence(final int originIndex)
    {
        return highestSeen[originIndex];
    }

    /** Entries indexed, all origins together. */
    public int size()
    {
        return size;
    }

    /** Entries the index can hold. */
    public int capacity()
    {
        return entries.capacity();
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
        finishBuild();
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
        return entries.sequence(slot);
    }

    /** The prefix of an entry found by {@link #collect}, the store's key for its record. */
    public IpPrefix prefix(final int slot, final IpPrefix into)
    {
        return entries.prefix(slot, into);
    }

    public void onStored(final Ban decision, final Ban replaced, final boolean local)
    {
        finishBuild();
        if (null != replaced)
        {
            remove(replaced);
        }
        add(decision);
    }

    public void onExpired(final Ban ban)
    {
        finishBuild();
        remove(ban);
    }

    public void onTombstoneDropped(final Ban tombstone)
    {
        finishBuild();
        remove(tombstone);
    }

    /** Scan at {@link #rebuild} or by the start-up pass: listed only, until {@link #finishBuild}. */
    public void visit(final Ban entry)
    {
        add(entry);
    }

    /** Chunks stay allocated: the next build reuses them. */
    private void clear()
    {
        Arrays.fill(roots, NONE);
        Arrays.fill(indexedThrough, Long.MAX_VALUE);
        Arrays.fill(heldPerOrigin, 0);
        Arrays.fill(highestSeen, 0);
        entries.clear();
        size = 0;
        building = true;
    }

    private void add(final Ban entry)
    {
        final int originIndex = origins.indexOf(entry.originNodeId());
        if (originIndex < 0)
        {
            return;
        }
        highestSeen[originIndex] = Math.max(highestSeen[originIndex], entry.originSequence());
        final int slot = entries.allocate();
        if (slot == NONE)
        {
            fullCounter.incrementRelease();
            indexedThrough[originIndex] = Math.min(indexedThrough[originIndex], entry.originSequence() - 1);
            return;
        }

        entries.set(slot, entry.originSequence(), entry.prefix());
        if (building)
        {
            // Listed through the right links; the left ones are set by the build.
            right(slot, roots[originIndex]);
            roots[originIndex] = slot;
        }
        else
        {
            roots[originIndex] = insert(roots[originIndex], slot);
        }
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
            entries.release(removedSlot);
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
        if (sequence(node) < sequence(tree))
        {
            left(tree, insert(left(tree), node));
            return priority(left(tree)) > priority(tree) ? rotateRight(tree) : tree;
        }
        right(tree, insert(right(tree), node));
        return priority(right(tree)) > priority(tree) ? rotateLeft(tree) : tree;
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
        final long treeSequence = sequence(tree);
        if (sequence < treeSequence)
        {
            left(tree, remove(left(tree), sequence, prefix));
            return tree;
        }
        if (sequence > treeSequence)
        {
            right(tree, remove(right(tree), sequence, prefix));
            return tree;
        }
        if (entries.matches(tree, prefix))
        {
            removedSlot = tree;
            return merge(left(tree), right(tree));
        }
        left(tree, remove(left(tree), sequence, prefix));
        if (removedSlot == NONE)
        {
            right(tree, remove(right(tree), sequence, prefix));
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
            right(a, merge(right(a), b));
            return a;
        }
        left(b, merge(a, left(b)));
        return b;
    }

    private void collect(final int tree)
    {
        int node = tree;
        while (node != NONE && collectedCount < collectLimit)
        {
            final long sequence = sequence(node);
            if (sequence > collectAfter)
            {
                collect(left(node));
                if (collectedCount >= collectLimit || sequence > collectThrough)
                {
                    return;
                }
                collected[collectedCount++] = node;
            }
            node = right(node);
        }
    }

    private int rotateRight(final int node)
    {
        final int child = left(node);
        left(node, right(child));
        right(child, node);
        return child;
    }

    private int rotateLeft(final int node)
    {
        final int child = right(node);
        right(node, left(child));
        left(child, node);
        return child;
    }

    private int left(final int slot)
    {
        return entries.left(slot);
    }

    private int right(final int slot)
    {
        return entries.right(slot);
    }

    private void left(final int slot, final int child)
    {
        entries.left(slot, child);
    }

    private void right(final int slot, final int child)
    {
        entries.right(slot, child);
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
