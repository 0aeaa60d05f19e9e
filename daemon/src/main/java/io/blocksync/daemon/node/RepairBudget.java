package io.blocksync.daemon.node;

import io.blocksync.codec.NakFrameFlyweight;
import org.agrona.collections.Int2IntHashMap;

/**
 * How many NAK repairs the group sender makes (docs/PROTOCOL.md, "Multicast", repair budget): each repair costs an
 * Ed25519 signature (about 60 µs) here and a signature check at every member, and one 64-byte NAK names up to 64
 * sequences, so without a bound one member could make the loop sign without pause. Each member has a token bucket of
 * {@link #REPAIRS_PER_INTERVAL} repairs, refilled at that many per {@link #INTERVAL_NANOS} (the members' NAK interval)
 * from the loop's clock; on top, all members together get at most {@link #MAX_REPAIRS_PER_CYCLE} per duty cycle, a
 * duty cycle being one reading of the loop's clock (the loop reads it once per cycle). A sequence refused now is NAKed
 * again by its member after the interval, or given up and taken by SYNC. Allocation-free; loop thread only.
 */
final class RepairBudget
{
    /** The members' NAK interval: a full bucket refills in this long. */
    static final long INTERVAL_NANOS = GroupReceiver.NAK_INTERVAL_NANOS;
    /** One full NAK's worth of repairs per member per interval. */
    static final int REPAIRS_PER_INTERVAL = NakFrameFlyweight.RANGE;
    /** Repairs of all members together in one duty cycle at most (about 8 ms of signing). */
    static final int MAX_REPAIRS_PER_CYCLE = 2 * REPAIRS_PER_INTERVAL;
    /** A repair's price in bucket credit: the credit is time, so refilling is adding the time elapsed. */
    private static final long COST_NANOS = INTERVAL_NANOS / REPAIRS_PER_INTERVAL;

    private final Int2IntHashMap indexByNodeId = new Int2IntHashMap(-1);
    private final long[] creditNanos;
    private final long[] refilledNanos;
    private final boolean[] started;
    private long cycleNanos;
    private int cycleRepairs;
    private boolean cycleStarted;

    /** @param memberIds node ids of the group's members (this node's peers that are members). */
    RepairBudget(final int[] memberIds)
    {
        for (int i = 0; i < memberIds.length; i++)
        {
            indexByNodeId.put(memberIds[i], i);
        }
        creditNanos = new long[memberIds.length];
        refilledNanos = new long[memberIds.length];
        started = new boolean[memberIds.length];
    }

    /** @return the member's index for {@link #tryTake}, or -1 for a node that is not a member. */
    int member(final int nodeId)
    {
        return indexByNodeId.get(nodeId);
    }

    /**
     * Take one repair from the member's bucket and the duty cycle's cap.
     *
     * @param member   an index from {@link #member}.
     * @param nowNanos the loop's clock, ns.
     * @return false when either is spent: the repair is not made now.
     */
    boolean tryTake(final int member, final long nowNanos)
    {
        if (!cycleStarted || nowNanos != cycleNanos)
        {
            cycleStarted = true;
            cycleNanos = nowNanos;
            cycleRepairs = 0;
        }
        if (cycleRepairs >= MAX_REPAIRS_PER_CYCLE)
        {
            return false;
        }
        long credit;
        if (!started[member])
        {
            started[member] = true;
            credit = INTERVAL_NANOS;
        }
        else
        {
            // Clamped both ways: a full bucket holds one interval, a clock that stepped back adds nothing.
            final long elapsed = Math.max(0, nowNanos - refilledNanos[member]);
            credit = Math.min(INTERVAL_NANOS, creditNanos[member] + Math.min(elapsed, INTERVAL_NANOS));
        }
        refilledNanos[member] = nowNanos;
        if (credit < COST_NANOS)
        {
            creditNanos[member] = credit;
            return false;
        }
        creditNanos[member] = credit - COST_NANOS;
        cycleRepairs++;
        return true;
    }
}
