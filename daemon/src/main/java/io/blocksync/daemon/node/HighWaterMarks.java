package io.blocksync.daemon.node;

import org.agrona.collections.Hashing;
import org.agrona.collections.Int2IntHashMap;

import java.util.stream.IntStream;

/**
 * Per origin, the origin sequence up to which this node holds every decision of that origin: the figure a
 * HEARTBEAT advertises and SYNC catch-up is driven by. It only rises over contiguous ranges: a BATCH holds origin
 * sequences {@code (after, through]} with no gap, a SYNC frame states its range; a range that starts beyond the
 * current mark waits (a few per origin) until the gap before it is filled, so a gap is never papered over.
 * Marks live in {@link ProgressFile} and survive restarts; pending ranges do not need to (they are re-sent).
 * <p>
 * Only configured nodes exist here: this node and its peers, fixed at start, each with a dense index
 * ({@link #indexOf}) that other per-origin state may use. A range or mark for any other id changes nothing, so a
 * peer that makes up origin ids cannot make this node allocate, persist or advertise anything for them.
 */
public final class HighWaterMarks
{
    private static final int PENDING_PER_ORIGIN = 16;

    private final ProgressFile progress;
    private final Int2IntHashMap slotByNode;
    private final long[] pendingAfter;
    private final long[] pendingThrough;
    private final int slotCount;
    private final int freedAtStart;

    /**
     * @param progress this node's progress file; its own node id is configured without being listed.
     * @param peerIds  the configured peers' node ids; slots of any other node in the file are freed.
     * @throws IllegalArgumentException when more than {@link ProgressFile#MAX_NODES} nodes are configured.
     */
    public HighWaterMarks(final ProgressFile progress, final int[] peerIds)
    {
        this.progress = progress;
        final int[] nodeIds = IntStream.concat(IntStream.of(progress.nodeId()), IntStream.of(peerIds)).distinct().toArray();
        freedAtStart = progress.retainNodes(nodeIds);
        slotCount = nodeIds.length;
        slotByNode = new Int2IntHashMap(slotCount * 2, Hashing.DEFAULT_LOAD_FACTOR, -1);
        for (int slot = 0; slot < slotCount; slot++)
        {
            slotByNode.put(nodeIds[slot], slot);
        }
        pendingAfter = new long[slotCount * PENDING_PER_ORIGIN];
        pendingThrough = new long[slotCount * PENDING_PER_ORIGIN];
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
        return slot < 0 ? 0 : progress.highWater(slot);
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

        long mark = progress.highWater(slot);
        if (after > mark)
        {
            remember(slot, after, through);
            return mark;
        }

        mark = Math.max(mark, through);
        final int base = slot * PENDING_PER_ORIGIN;
        boolean moved = true;
        while (moved)
        {
            moved = false;
            for (int i = base; i < base + PENDING_PER_ORIGIN; i++)
            {
                if (pendingThrough[i] != 0 && pendingAfter[i] <= mark)
                {
                    mark = Math.max(mark, pendingThrough[i]);
                    pendingThrough[i] = 0;
                    moved = true;
                }
            }
        }
        progress.highWater(slot, mark);
        return mark;
    }

    /** This node's own decisions are always contiguous: set its mark directly. */
    public void own(final int nodeId, final long lastOriginSequence)
    {
        final int slot = slotOf(nodeId);
        if (slot >= 0)
        {
            progress.highWater(slot, lastOriginSequence);
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

    public long highWaterAt(final int index)
    {
        return progress.highWater(index);
    }

    public long receivedCumulative(final int nodeId)
    {
        final int slot = slotByNode.get(nodeId);
        return slot < 0 ? 0 : progress.receivedCumulative(slot);
    }

    public void receivedCumulative(final int nodeId, final long cumulative)
    {
        final int slot = slotOf(nodeId);
        if (slot >= 0)
        {
            progress.receivedCumulative(slot, cumulative);
        }
    }

    private int slotOf(final int nodeId)
    {
        return slotByNode.get(nodeId);
    }

    private void remember(final int slot, final long after, final long through)
    {
        final int base = slot * PENDING_PER_ORIGIN;
        int free = -1;
        int furthest = -1;
        for (int i = base; i < base + PENDING_PER_ORIGIN; i++)
        {
            if (pendingThrough[i] == 0)
            {
                free = free < 0 ? i : free;
            }
            else if (pendingAfter[i] <= after && pendingThrough[i] >= through)
            {
                return;
            }
            else if (pendingThrough[i] == after || pendingAfter[i] == through)
            {
                // Adjacent batches of a burst behind one hole merge into a single waiting range.
                pendingAfter[i] = Math.min(pendingAfter[i], after);
                pendingThrough[i] = Math.max(pendingThrough[i], through);
                return;
            }
            else if (furthest < 0 || pendingAfter[i] > pendingAfter[furthest])
            {
                furthest = i;
            }
        }

        // When full, keep the ranges nearest the mark; the one furthest ahead will be offered again by SYNC.
        final int target = free >= 0 ? free : (after < pendingAfter[furthest] ? furthest : -1);
        if (target >= 0)
        {
            pendingAfter[target] = after;
            pendingThrough[target] = through;
        }
    }
}
