package io.blocksync.daemon.node;

import io.blocksync.codec.HeartbeatFrameFlyweight;
import org.agrona.collections.Hashing;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Per origin, the origin sequence up to which this node holds every decision of that origin: the figure a
 * HEARTBEAT advertises and SYNC catch-up is driven by. It only rises over contiguous ranges: a BATCH holds origin
 * sequences {@code (after, through]} with no gap, a SYNC frame states its range; a range that starts beyond the
 * current mark waits until the gap before it is filled, so a gap is never papered over. Waiting ranges are kept
 * exact: sorted, overlapping and adjacent ones merged, so a burst behind one hole is one range however long, and the
 * mark joins everything held the moment the hole closes. Their number per origin grows as needed up to
 * {@link #MAX_PENDING_PER_ORIGIN} (distinct holes, not records); beyond it the range furthest ahead is forgotten and
 * counted ({@code high_water_ranges_dropped}): it comes again by SYNC.
 * Marks, and each peer's received stream position, live in memory and in {@link ProgressFile}, and survive restarts;
 * pending ranges do not need to (they are re-sent). With syncing ({@link #writeAfterSyncs}) the file gets them only
 * from the sync thread, after the sync covering the records they count: a mark on disk never claims a record the
 * store on disk lacks, whatever the kernel writes back before a power loss. Without it they are written through.
 * <p>
 * Only configured nodes exist here: this node and its peers, fixed at start, each with a dense index
 * ({@link #indexOf}) that other per-origin state may use. A range or mark for any other id changes nothing, so a
 * peer that makes up origin ids cannot make this node allocate, persist or advertise anything for them.
 * Loop thread only; allocates only to grow an origin's pending ranges.
 */
public final class HighWaterMarks implements GroupCommit.DurableCopy
{
    /** Separate waiting ranges one origin may have: 1 MiB of memory at most per origin. */
    public static final int MAX_PENDING_PER_ORIGIN = 65_536;
    private static final int INITIAL_PENDING = 16;

    private final ProgressFile progress;
    private final Int2IntHashMap slotByNode;
    private final AtomicCounter droppedCounter;
    // Per slot, ranges (after, through] sorted by after, neither overlapping nor adjacent.
    private final long[][] pendingAfter;
    private final long[][] pendingThrough;
    private final int[] pendingCount;
    private final int maxPending;
    private final int slotCount;
    private final int freedAtStart;
    // Per slot: the loop's marks and received stream positions; the file has them as of the last store().
    private final long[] marks;
    private final long[] received;
    private boolean writeThrough = true;
    private boolean changed;
    private boolean ownChanged;
    private long digest;
    // Published for the sync thread under a sequence lock (odd: being written): marks then received positions.
    private final long[] published;
    private final AtomicLong publishedVersion = new AtomicLong();
    private final long[] captured;

    /**
     * As {@link #HighWaterMarks(ProgressFile, int[], AtomicCounter, int)} with no counter and the default cap.
     */
    public HighWaterMarks(final ProgressFile progress, final int[] peerIds)
    {
        this(progress, peerIds, null, MAX_PENDING_PER_ORIGIN);
    }

    /**
     * @param progress       this node's progress file; its own node id is configured without being listed.
     * @param peerIds        the configured peers' node ids; slots of any other node in the file are freed.
     * @param droppedCounter counts waiting ranges forgotten at the cap; may be null.
     * @param maxPending     waiting ranges per origin, at least 1 ({@link #MAX_PENDING_PER_ORIGIN} in the daemon).
     * @throws IllegalArgumentException when more than {@link ProgressFile#MAX_NODES} nodes are configured.
     */
    public HighWaterMarks(
        final ProgressFile progress, final int[] peerIds, final AtomicCounter droppedCounter, final int maxPending)
    {
        this.progress = progress;
        this.droppedCounter = droppedCounter;
        this.maxPending = Math.max(1, maxPending);
        final int[] nodeIds = IntStream.concat(IntStream.of(progress.nodeId()), IntStream.of(peerIds)).distinct().toArray();
        freedAtStart = progress.retainNodes(nodeIds);
        slotCount = nodeIds.length;
        slotByNode = new Int2IntHashMap(slotCount * 2, Hashing.DEFAULT_LOAD_FACTOR, -1);
        for (int slot = 0; slot < slotCount; slot++)
        {
            slotByNode.put(nodeIds[slot], slot);
        }
        pendingAfter = new long[slotCount][];
        pendingThrough = new long[slotCount][];
        pendingCount = new int[slotCount];
        marks = new long[slotCount];
        received = new long[slotCount];
        for (int slot = 0; slot < slotCount; slot++)
        {
            marks[slot] = progress.highWater(slot);
            received[slot] = progress.receivedCumulative(slot);
            digest += HeartbeatFrameFlyweight.digestTerm(progress.slotNodeId(slot), marks[slot]);
        }
        published = new long[2 * slotCount];
        System.arraycopy(marks, 0, published, 0, slotCount);
        System.arraycopy(received, 0, published, slotCount, slotCount);
        captured = published.clone();
        for (int slot = 0; slot < slotCount; slot++)
        {
            pendingAfter[slot] = new long[Math.min(INITIAL_PENDING, this.maxPending)];
            pendingThrough[slot] = new long[pendingAfter[slot].length];
        }
    }
    /**
     * From now on write the marks and received positions to the progress file only after the syncs of
     * {@code commit}, as of a point each covered ({@link GroupCommit#defer}); a commit that does not sync changes
     * nothing (written through). Before the loop starts.
     */
    public void writeAfterSyncs(final GroupCommit commit)
    {
        if (commit.isSyncing())
        {
            writeThrough = false;
            commit.defer(this);
        }
    }

    /**
     * Loop: publish the marks and received positions for the sync thread when they changed.
     *
     * @return true when a peer's mark or position changed: a sync is asked for. This node's own mark alone asks for
     * none (it is published for the next sync): at start it is taken from the last origin sequence, not from here,
     * and decisions stored over many cycles (signed off the loop) would otherwise cost a sync per cycle.
     */
    public boolean publish()
    {
        if (!changed && !ownChanged)
        {
            return false;
        }
        final boolean askSync = changed;
        changed = false;
        ownChanged = false;
        final long version = publishedVersion.get();
        publishedVersion.setOpaque(version + 1);
        VarHandle.storeStoreFence();
        System.arraycopy(marks, 0, published, 0, slotCount);
        System.arraycopy(received, 0, published, slotCount, slotCount);
        publishedVersion.setRelease(version + 2);
        return askSync;
    }

    /** Sync thread: take the newest published marks and received positions. */
    public void capture()
    {
        while (true)
        {
            final long version = publishedVersion.getAcquire();
            if ((version & 1) == 0)
            {
                System.arraycopy(published, 0, captured, 0, captured.length);
                VarHandle.loadLoadFence();
                if (publishedVersion.getOpaque() == version)
                {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Sync thread, after the sync that followed {@link #capture()}: the file gets what was captured. */
    public void store()
    {
        for (int slot = 0; slot < slotCount; slot++)
        {
            progress.highWater(slot, captured[slot]);
            progress.receivedCumulative(slot, captured[slotCount + slot]);
        }
    }

    /** Whether a node is configured here (this node or a peer). */
    public boolean isConfigured(final int nodeId)
    {
        return slotByNode.get(nodeId) >= 0;
    }

    /** A configured node's dense index, 0 to {@link #count()} - 1 (this node is 0); -1 for any other id. */
    public int indexOf(final int nodeId)
    {
        return slotByNode.get(nodeId);
    }

    /** Slots of nodes no longer configured that the progress file held at start. */
    public int freedAtStart()
    {
        return freedAtStart;
    }

    public long highWater(final int nodeId)
    {
        final int slot = slotByNode.get(nodeId);
        return slot < 0 ? 0 : marks[slot];
    }

    /**
     * Origin sequences {@code (after, through]} of {@code nodeId} are now held here.
     *
     * @return the high water afterwards; 0, changing nothing, for a node not configured.
     */
    public long onRange(final int nodeId, final long after, final long through)
    {
        final int slot = slotOf(nodeId);
        if (slot < 0)
        {
            return 0;
        }

        long mark = marks[slot];
        if (through <= mark)
        {
            return mark;
        }
        if (after > mark)
        {
            remember(slot, after, through);
            return mark;
        }

        mark = through;
        final long[] afters = pendingAfter[slot];
        final long[] throughs = pendingThrough[slot];
        int joined = 0;
        while (joined < pendingCount[slot] && afters[joined] <= mark)
        {
            mark = Math.max(mark, throughs[joined]);
            joined++;
        }
        removeRanges(slot, 0, joined);
        mark(slot, mark);
        return mark;
    }

    /** Waiting ranges of a node beyond its mark; 0 for a node not configured. */
    public int pendingRanges(final int nodeId)
    {
        final int slot = slotOf(nodeId);
        return slot < 0 ? 0 : pendingCount[slot];
    }

    /** This node's own decisions are always contiguous: set its mark directly. */
    public void own(final int nodeId, final long lastOriginSequence)
    {
        final int slot = slotOf(nodeId);
        if (slot >= 0)
        {
            final boolean peersChanged = changed;
            mark(slot, lastOriginSequence);
            changed = peersChanged;
            ownChanged = true;
        }
    }

    public int count()
    {
        return slotCount;
    }

    public int nodeIdAt(final int index)
    {
        return progress.slotNodeId(index);
    }

    /** The digest a HEARTBEAT states of these marks: {@link HeartbeatFrameFlyweight#digestTerm} summed, kept in O(1). */
    public long digest()
    {
        return digest;
    }

    public long highWaterAt(final int index)
    {
        return marks[index];
    }

    public long receivedCumulative(final int nodeId)
    {
        final int slot = slotByNode.get(nodeId);
        return slot < 0 ? 0 : received[slot];
    }

    public void receivedCumulative(final int nodeId, final long cumulative)
    {
        final int slot = slotOf(nodeId);
        if (slot >= 0)
        {
            received[slot] = cumulative;
            changed = true;
            if (writeThrough)
            {
                progress.receivedCumulative(slot, cumulative);
            }
        }
    }

    private void mark(final int slot, final long mark)
    {
        final int nodeId = progress.slotNodeId(slot);
        digest += HeartbeatFrameFlyweight.digestTerm(nodeId, mark) - HeartbeatFrameFlyweight.digestTerm(nodeId, marks[slot]);
        marks[slot] = mark;
        changed = true;
        if (writeThrough)
        {
            progress.highWater(slot, mark);
        }
    }

    private int slotOf(final int nodeId)
    {
        return slotByNode.get(nodeId);
    }

    /** Merge {@code (after, through]} into the slot's waiting ranges, keeping them sorted, disjoint, non-adjacent. */
    private void remember(final int slot, final long after, final long through)
    {
        if (after >= through)
        {
            return;
        }
        final long[] afters = pendingAfter[slot];
        final long[] throughs = pendingThrough[slot];
        final int count = pendingCount[slot];
        // First range that ends at or after the new one starts, and the first that starts after it ends.
        final int first = firstEndingAtOrAfter(throughs, count, after);
        int end = first;
        while (end < count && afters[end] <= through)
        {
            end++;
        }
        if (end > first)
        {
            // Overlapping or adjacent ranges first..end-1 become one.
            afters[first] = Math.min(afters[first], after);
            throughs[first] = Math.max(throughs[end - 1], through);
            removeRanges(slot, first + 1, end - first - 1);
            return;
        }
        if (count == afters.length && !grow(slot))
        {
            // At the cap: keep the ranges nearest the mark; the one furthest ahead comes again by SYNC.
            if (droppedCounter != null)
            {
                droppedCounter.incrementRelease();
            }
            if (first == count)
            {
                return;
            }
            pendingCount[slot]--;
        }
        final long[] a = pendingAfter[slot];
        final long[] t = pendingThrough[slot];
        final int moved = pendingCount[slot] - first;
        System.arraycopy(a, first, a, first + 1, moved);
        System.arraycopy(t, first, t, first + 1, moved);
        a[first] = after;
        t[first] = through;
        pendingCount[slot]++;
    }

    private static int firstEndingAtOrAfter(final long[] throughs, final int count, final long value)
    {
        int low = 0;
        int high = count;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (throughs[mid] < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    private boolean grow(final int slot)
    {
        final int length = pendingAfter[slot].length;
        if (length >= maxPending)
        {
            return false;
        }
        final int grown = (int)Math.min(maxPending, 2L * length);
        pendingAfter[slot] = Arrays.copyOf(pendingAfter[slot], grown);
        pendingThrough[slot] = Arrays.copyOf(pendingThrough[slot], grown);
        return true;
    }

    private void removeRanges(final int slot, final int from, final int removed)
    {
        if (removed > 0)
        {
            final int moved = pendingCount[slot] - from - removed;
            System.arraycopy(pendingAfter[slot], from + removed, pendingAfter[slot], from, moved);
            System.arraycopy(pendingThrough[slot], from + removed, pendingThrough[slot], from, moved);
            pendingCount[slot] -= removed;
        }
    }
}
