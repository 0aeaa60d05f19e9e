package io.blocksync.daemon.node;

/**
 * What this node has received of one peer's BATCH stream: a cumulative stream sequence and which batches beyond it
 * have arrived, {@link #RANGE} of them. An ACK carries the first 64 of those bits; tracking more here lets a hole
 * be filled without the sender having to resend everything behind it (its flight window is smaller than RANGE).
 */
public final class StreamReceiveState
{
    public static final int RANGE = 1024;
    /**
     * A skip this long means the sender's stream started a new epoch (it lost its state and restarted numbering from
     * its clock, {@link ProgressFile#epochStart(long)}): no sender's ring holds anywhere near this many batches.
     */
    public static final long EPOCH_JUMP = 1L << 20;
    private static final int WORDS = RANGE / 64;

    private final long[] received = new long[WORDS];
    private long cumulative;

    /** Start from a cumulative point remembered across a restart. */
    public void reset(final long cumulative)
    {
        this.cumulative = Math.max(0, cumulative);
        java.util.Arrays.fill(received, 0);
    }

    public long cumulative()
    {
        return cumulative;
    }

    /** Bit i: stream sequence cumulative + 1 + i received (bit 0 is therefore always clear). */
    public long selectiveBitmap()
    {
        return received[0];
    }

    /** True when the batch has not been received before and lies within the tracked range. */
    public boolean isNew(final long streamSequence)
    {
        return streamSequence > cumulative && !isTooFarAhead(streamSequence) && !isSet(streamSequence - cumulative - 1);
    }

    /** A batch this far ahead cannot be recorded yet: it must not be taken, the sender resends it later. */
    public boolean isTooFarAhead(final long streamSequence)
    {
        return streamSequence - cumulative - 1 >= RANGE;
    }

    /**
     * Record a batch.
     *
     * @return false when it had been received before or is beyond the tracked range.
     */
    public boolean onBatch(final long streamSequence)
    {
        if (!isNew(streamSequence))
        {
            return false;
        }
        final long bit = streamSequence - cumulative - 1;
        received[(int)(bit >>> 6)] |= 1L << bit;
        advance();
        return true;
    }

    /**
     * Whether {@link #skipTo(long)} with this oldest retained sequence jumps by at least {@link #EPOCH_JUMP}: the
     * sender's stream is in a new epoch, or this is the first we hear of it.
     */
    public boolean isEpochJump(final long oldestRetained)
    {
        return oldestRetained - 1 - cumulative >= EPOCH_JUMP;
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
        shift(Math.min(target - cumulative, RANGE));
        cumulative = target;
        advance();
        return true;
    }

    private boolean isSet(final long bit)
    {
        return (received[(int)(bit >>> 6)] & (1L << bit)) != 0;
    }

    private void advance()
    {
        int run = 0;
        while (run < RANGE && isSet(run))
        {
            run++;
        }
        if (run > 0)
        {
            shift(run);
            cumulative += run;
        }
    }

    /** Drop the lowest {@code bits} bits of the window (0 < bits ≤ RANGE). */
    private void shift(final long bits)
    {
        final int words = (int)(bits >>> 6);
        final int rest = (int)(bits & 63);
        for (int i = 0; i < WORDS; i++)
        {
            final int from = i + words;
            final long low = from < WORDS ? received[from] : 0;
            final long high = from + 1 < WORDS ? received[from + 1] : 0;
            received[i] = rest == 0 ? low : (low >>> rest) | (high << (64 - rest));
        }
    }
}
