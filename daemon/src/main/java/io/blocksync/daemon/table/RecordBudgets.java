package io.blocksync.daemon.table;

/**
 * The receiver's rate limit on peers' records: token buckets of {@code ratePerSecond} records per second holding up to
 * {@code burst} records, one per origin and one per sending peer, over the dense node indices the caller keeps (0 to
 * {@code nodes} - 1, see {@code HighWaterMarks#indexOf}). A datagram is charged to both the origin it speaks for and
 * the peer that sent it, so a peer relaying catch-up in several origins' names still gets one origin's budget.
 * Sized once at start: an id nobody configured has no index, so it can neither allocate a bucket nor get a budget.
 * <p>
 * Over any stretch of t seconds a peer gets at most {@code burst + ratePerSecond × t} records charged here: the flood
 * guard. The daemon sizes the burst from the origin quota ({@code [bans] origin-burst}, by default the entries one
 * origin may hold), so an honest import up to the quota passes at the speed the receiver acknowledges it (the
 * sender's window is paced by ACKs, see {@code ReceiveWindow}), while churn beyond it is held to the rate.
 * Loop thread only; allocation-free.
 */
public final class RecordBudgets
{
    private static final long SECOND_MILLIS = 1000;

    private final long ratePerSecond;
    private final long burst;
    private final long fullRefillMillis;
    private final long[] originTokens;
    private final long[] originRefilledAt;
    private final long[] senderTokens;
    private final long[] senderRefilledAt;

    /**
     * @param nodes         how many configured nodes (indices) there are.
     * @param ratePerSecond records per second per origin and per sender ({@code [bans] origin-rate}), at least 1.
     */
    public RecordBudgets(final int nodes, final int ratePerSecond)
    {
        this(nodes, ratePerSecond, ratePerSecond);
    }

    /**
     * @param nodes         how many configured nodes (indices) there are.
     * @param ratePerSecond records per second per origin and per sender ({@code [bans] origin-rate}), at least 1.
     * @param burst         records a full bucket holds ({@code [bans] origin-burst}), at least 1.
     * @throws IllegalArgumentException for a rate or burst below 1.
     */
    public RecordBudgets(final int nodes, final int ratePerSecond, final long burst)
    {
        if (ratePerSecond < 1 || burst < 1)
        {
            throw new IllegalArgumentException(
                "rate " + ratePerSecond + " records/s, burst " + burst + ": at least 1 each is needed");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        // Time to refill an empty bucket, at least 1 s; capping the elapsed time there keeps the product in range.
        this.fullRefillMillis = Math.max(SECOND_MILLIS, (burst * SECOND_MILLIS + ratePerSecond - 1) / ratePerSecond);
        originTokens = new long[nodes];
        originRefilledAt = new long[nodes];
        senderTokens = new long[nodes];
        senderRefilledAt = new long[nodes];
        java.util.Arrays.fill(originTokens, burst);
        java.util.Arrays.fill(senderTokens, burst);
        java.util.Arrays.fill(originRefilledAt, Long.MIN_VALUE);
        java.util.Arrays.fill(senderRefilledAt, Long.MIN_VALUE);
    }

    /**
     * Ask before applying a peer's datagram of {@code records} records. Admitted only when both the origin's and
     * the sender's budgets hold them (a datagram larger than the burst needs a full bucket); then both are charged.
     * A refused datagram is not acknowledged, so the sender's retransmission is taken once the budgets refill: a
     * flood is slowed down, never lost.
     *
     * @param senderIndex index of the peer the datagram came from.
     * @param originIndex index of the origin whose decisions it carries (the sender's own for a BATCH).
     * @param nowMillis   the node's steady time, ms (a wall-clock step neither refills nor starves a budget).
     */
    /**
     * {@link #admit}'s question without charging: whether both budgets hold {@code records} now. For a SYNC relayed in
     * another origin's name, which is charged to the sender before its signatures are checked ({@link #chargeSender})
     * and to the origin only once they hold ({@link #chargeOrigin}), so forgeries never spend the origin's budget.
     */
    public boolean allows(final int senderIndex, final int originIndex, final int records, final long nowMillis)
    {
        refill(originTokens, originRefilledAt, originIndex, nowMillis);
        refill(senderTokens, senderRefilledAt, senderIndex, nowMillis);
        final long needed = Math.min(records, burst);
        return originTokens[originIndex] >= needed && senderTokens[senderIndex] >= needed;
    }

    /** Charge the sending peer after {@link #allows}. */
    public void chargeSender(final int senderIndex, final int records)
    {
        senderTokens[senderIndex] -= records;
    }

    /** Charge the origin after {@link #allows}, once the records proved to be the origin's. */
    public void chargeOrigin(final int originIndex, final int records)
    {
        originTokens[originIndex] -= records;
    }

    public boolean admit(final int senderIndex, final int originIndex, final int records, final long nowMillis)
    {
        refill(originTokens, originRefilledAt, originIndex, nowMillis);
        refill(senderTokens, senderRefilledAt, senderIndex, nowMillis);
        final long needed = Math.min(records, burst);
        if (originTokens[originIndex] < needed || senderTokens[senderIndex] < needed)
        {
            return false;
        }
        originTokens[originIndex] -= records;
        senderTokens[senderIndex] -= records;
        return true;
    }

    private void refill(final long[] tokens, final long[] refilledAt, final int index, final long nowMillis)
    {
        if (refilledAt[index] == Long.MIN_VALUE)
        {
            refilledAt[index] = nowMillis;
            return;
        }
        final long elapsed = Math.min(nowMillis - refilledAt[index], fullRefillMillis);
        final long added = elapsed * ratePerSecond / SECOND_MILLIS;
        if (added > 0)
        {
            tokens[index] = Math.min(burst, tokens[index] + added);
            // Keep the fraction of a token already earned, unless the bucket is full.
            refilledAt[index] = tokens[index] == burst ? nowMillis : refilledAt[index] + added * SECOND_MILLIS / ratePerSecond;
        }
    }
}
