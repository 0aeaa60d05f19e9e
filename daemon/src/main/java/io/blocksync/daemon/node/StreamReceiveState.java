package io.blocksync.daemon.node;

/**
 * What this node has received of one peer's BATCH stream: a cumulative stream sequence and a 64-wide bitmap above
 * it, which is exactly what an ACK carries.
 */
public final class StreamReceiveState
{
    public static final int RANGE = 64;

    private long cumulative;
    private long received;

    /** Start from a cumulative point remembered across a restart. */
    public void reset(final long cumulative)
    {
        this.cumulative = Math.max(0, cumulative);
        this.received = 0;
    }

    public long cumulative()
    {
        return cumulative;
    }

    /** Bit i: stream sequence cumulative + 1 + i received (bit 0 is therefore always clear). */
    public long selectiveBitmap()
    {
        return received;
    }

    /** True when the batch has not been received before. */
    public boolean isNew(final long streamSequence)
    {
        if (streamSequence <= cumulative)
        {
            return false;
        }
        final long bit = streamSequence - cumulative - 1;
        return bit >= RANGE || (received & (1L << bit)) == 0;
    }

    /**
     * Record a batch.
     *
     * @return false when it had been received before.
     */
    public boolean onBatch(final long streamSequence)
    {
        if (streamSequence <= cumulative)
        {
            return false;
        }

        final long bit = streamSequence - cumulative - 1;
        if (bit >= RANGE)
        {
            return true; // too far ahead to track; the sender retransmits it once the gap closes
        }
        if ((received & (1L << bit)) != 0)
        {
            return false;
        }

        received |= 1L << bit;
        advance();
        return true;
    }

    /**
     * The sender no longer retains anything below {@code oldestRetained}: stop waiting for it. Whatever those
     * batches held comes by SYNC instead.
     *
     * @return true when the cumulative point moved.
     */
    public boolean skipTo(final long oldestRetained)
    {
        final long target = oldestRetained - 1;
        if (target <= cumulative)
        {
            return false;
        }

        final long shift = target - cumulative;
        received = shift >= RANGE ? 0 : received >>> shift;
        cumulative = target;
        advance();
        return true;
    }

    private void advance()
    {
        while ((received & 1L) != 0)
        {
            cumulative++;
            received >>>= 1;
        }
    }
}
