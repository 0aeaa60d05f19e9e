package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.store.BanVisitor;
import org.agrona.collections.Int2IntHashMap;

/**
 * How much of the store peers may fill: each configured origin holds at most {@link #perOriginLimit()} entries
 * (bans and tombstones alike, both take a slot), and all peers' entries together leave {@link #reserved()} slots
 * free for this node's own decisions, so an operator's {@code ban} still works when peers filled the rest.
 * <p>
 * Entries are counted per configured origin: one counter each, kept by the {@link BanTable} on every put, overwrite
 * and expiry, rebuilt by one scan when the table takes the quota. Looking an origin up is a primitive hash probe, so
 * each decision is O(1) and allocates nothing. Origins not configured have no counter and no quota at all: a peer's
 * record for one is refused. Loop thread only.
 */
public final class OriginQuota implements BanVisitor
{
    /** Default {@code [bans] origin-quota}: the share of the store, in percent, one peer origin may hold. */
    public static final int DEFAULT_PERCENT = 50;
    /** The share of the store, in percent, kept for this node's own decisions (at least one entry). */
    public static final int LOCAL_RESERVE_PERCENT = 10;

    private static final int NO_INDEX = -1;

    private final Int2IntHashMap indexByOrigin = new Int2IntHashMap(NO_INDEX);
    private final long[] held;
    private final long perOriginLimit;
    private final long remoteLimit;
    private final long reserved;

    /**
     * @param capacity      the store's capacity in entries ({@code [bans] capacity}), at least 1.
     * @param quotaPercent  the share of {@code capacity} one peer origin may hold, 1 to 100 ({@code origin-quota}).
     * @param localNodeId   this node's id: its decisions are counted but never limited here.
     * @param peerNodeIds   the configured peers' ids, the only other origins that may hold entries.
     * @throws IllegalArgumentException for a capacity below 1 or a percentage outside 1 to 100.
     */
    public OriginQuota(final long capacity, final int quotaPercent, final int localNodeId, final int[] peerNodeIds)
    {
        if (capacity < 1 || quotaPercent < 1 || quotaPercent > 100)
        {
            throw new IllegalArgumentException(
                "origin quota " + quotaPercent + "% of capacity " + capacity + ": need capacity >= 1, 1 to 100%");
        }
        reserved = Math.max(1, capacity * LOCAL_RESERVE_PERCENT / 100);
        remoteLimit = Math.max(0, capacity - reserved);
        perOriginLimit = Math.max(1, capacity * quotaPercent / 100);
        held = new long[peerNodeIds.length + 1];
        indexByOrigin.put(localNodeId, 0);
        for (int i = 0; i < peerNodeIds.length; i++)
        {
            indexByOrigin.put(peerNodeIds[i], i + 1);
        }
    }

    /** Entries one peer origin may hold. */
    public long perOriginLimit()
    {
        return perOriginLimit;
    }

    /** Entries all peers' decisions together may fill; the rest is for this node's own. */
    public long remoteLimit()
    {
        return remoteLimit;
    }

    /** Entries kept for this node's own decisions. */
    public long reserved()
    {
        return reserved;
    }

    /** Entries the store holds now that {@code originNodeId} decided; 0 for an origin not configured. */
    public long held(final int originNodeId)
    {
        final int index = indexByOrigin.get(originNodeId);
        return index == NO_INDEX ? 0 : held[index];
    }

    /** Whether a peer's record from this origin may take one more slot: configured and below its quota. */
    boolean admitsOneMore(final int originNodeId)
    {
        final int index = indexByOrigin.get(originNodeId);
        return index != NO_INDEX && held[index] < perOriginLimit;
    }

    void onStored(final int originNodeId)
    {
        add(originNodeId, 1);
    }

    void onRemoved(final int originNodeId)
    {
        add(originNodeId, -1);
    }

    void clear()
    {
        java.util.Arrays.fill(held, 0);
    }

    /** The rebuild scan: counts one stored entry. */
    public void visit(final Ban entry)
    {
        onStored(entry.originNodeId());
    }

    private void add(final int originNodeId, final int delta)
    {
        final int index = indexByOrigin.get(originNodeId);
        if (index != NO_INDEX)
        {
            held[index] = Math.max(0, held[index] + delta);
        }
    }
}
