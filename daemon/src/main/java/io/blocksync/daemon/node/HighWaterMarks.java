package io.blocksync.daemon.node;

import org.agrona.collections.Int2IntHashMap;

/**
 * Per origin, the origin sequence up to which this node holds every decision of that origin: the figure a
 * HEARTBEAT advertises and SYNC catch-up is driven by. It only rises over contiguous ranges: a BATCH holds origin
 * sequences {@code (after, through]} with no gap, a SYNC frame states its range; a range that starts beyond the
 * current mark waits (a few per origin) until the gap before it is filled, so a gap is never papered over.
 * Marks live in {@link ProgressFile} and survive restarts; pending ranges do not need to (they are re-sent).
 */
public final class HighWaterMarks
{
    private static final int PENDING_PER_ORIGIN = 16;

    private final ProgressFile progress;
    private final Int2IntHashMap slotByNode = new Int2IntHashMap(-1);
    private final long[] pendingAfter = new long[ProgressFile.MAX_NODES * PENDING_PER_ORIGIN];
    private final long[] pendingThrough = new long[ProgressFile.MAX_NODES * PENDING_PER_ORIGIN];
    private int slotCount;

    public HighWaterMarks(final ProgressFile progress)
    {
        this.progress = progress;
        for (int slot = 0; slot < ProgressFile.MAX_NODES; slot++)
        {
            final int nodeId = progress.slotNodeId(slot);
            if (nodeId == 0)
            {
                break;
            }
            slotByNode.put(nodeId, slot);
            slotCount = slot + 1;
        }
    }

    public long highWater(final int nodeId)
    {
        final int slot = slotByNode.get(nodeId);
        return slot < 0 ? 0 : progress.highWater(slot);
    }

    /**
     * Origin sequences {@code (after, through]} of {@code nodeId} are now held here.
     *
     * @return the high water afterwards.
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
        int slot = slotByNode.get(nodeId);
        if (slot < 0)
        {
            slot = progress.slot(nodeId);
            if (slot >= 0)
            {
                slotByNode.put(nodeId, slot);
                slotCount = Math.max(slotCount, slot + 1);
            }
        }
        return slot;
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
