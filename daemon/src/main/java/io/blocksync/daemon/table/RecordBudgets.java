package io.blocksync.daemon.table;

/**
 * The receiver's rate limit on peers' records: token buckets of {@code ratePerSecond} records per second with one
 * second of burst, one per origin and one per sending peer, over the dense node indices the caller keeps (0 to
 * {@code nodes} - 1, see {@code HighWaterMarks#indexOf}). A datagram is charged to both the origin it speaks for and
 * the peer that sent it, so a peer relaying catch-up in several origins' names still gets one origin's budget.
 * Sized once at start: an id nobody configured has no index, so it can neither allocate a bucket nor get a budget.
 * Loop thread only; allocation-free.
 */
public final class RecordBudgets
{
    private static final long SECOND_MILLIS = 1000;

    private final long ratePerSecond;
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
        if (ratePerSecond < 1)
        {
            throw new IllegalArgumentException("rate " + ratePerSecond + " records/s, at least 1 is needed");
        }
        this.ratePerSecond = ratePerSecond;
        originTokens = new long[nodes];
        originRefilledAt = new long[nodes];
        senderTokens = new long[nodes];
        senderRefilledAt = new long[nodes];
        java.util.Arrays.fill(originTokens, ratePerSecond);
        java.util.Arrays.fill(senderTokens, ratePerSecond);
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
        final long needed = Math.min(records, ratePerSecond);
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
        final long needed = Math.min(records, ratePerSecond);
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
        // One second refills the whole burst: capping the elapsed time keeps the product from overflowing.
        final long elapsed = Math.min(nowMillis - refilledAt[index], SECOND_MILLIS);
        final long added = elapsed * ratePerSecond / SECOND_MILLIS;
        if (added > 0)
        {
            tokens[index] = Math.min(ratePerSecond, tokens[index] + added);
            // Keep the fraction of a token already earned, unless the bucket is full.
            refilledAt[index] = tokens[index] == ratePerSecond ? nowMillis : refilledAt[index] + added * SECOND_MILLIS / ratePerSecond;
        }
    }
}
