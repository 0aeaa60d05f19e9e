package io.blocksync.daemon.node;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Round-trip time and retransmission state of our stream to one peer: written by {@link RetransmitHandler} alone.
 */
public final class PeerTimer
{
    final AtomicCounter rttCounter;
    final AtomicCounter retransmitCounter;
    // Per ring slot: when and in which send order the batch last went out, how often, whether an ACK showed it.
    long[] sentAtNanos = new long[0];
    long[] sendOrder = new long[0];
    int[] sendCount = new int[0];
    boolean[] reported = new boolean[0];
    // Per ring slot: resent on a timeout since its first send (catch-up may serve its records, OwnCatchUpLimit).
    boolean[] timedOut = new boolean[0];
    long sends;
    long deliveredOrder;
    long ackedSelective;
    long highestRetransmitted;
    long deadlineNanos = Long.MAX_VALUE;
    boolean ackedSinceArmed;
    // An ACK since the timer was armed reported a batch not reported before; timeouts in a row answered without.
    boolean progressSinceArmed;
    int answeredStalls;
    int backoffShift;
    long smoothedRttNanos;
    long rttVarianceNanos;

    PeerTimer(final AtomicCounter rttCounter, final AtomicCounter retransmitCounter)
    {
        this.rttCounter = rttCounter;
        this.retransmitCounter = retransmitCounter;
    }

    void init(final int slots)
    {
        sentAtNanos = new long[slots];
        sendOrder = new long[slots];
        sendCount = new int[slots];
        reported = new boolean[slots];
        timedOut = new boolean[slots];
    }

    void onSend(final int slot, final long nowNanos)
    {
        sentAtNanos[slot] = nowNanos;
        sendOrder[slot] = ++sends;
    }

    /** SRTT in nanoseconds; 0 before the first sample. */
    public long smoothedRttNanos()
    {
        return smoothedRttNanos;
    }

    /** RTTVAR in nanoseconds; 0 before the first sample. */
    public long rttVarianceNanos()
    {
        return rttVarianceNanos;
    }

    /** Times the timeout has doubled since an ACK last advanced or the peer last answered at all. */
    public int backoffShift()
    {
        return backoffShift;
    }

    /** When the next retransmission is due on the loop's nanosecond clock; {@code Long.MAX_VALUE} when idle. */
    public long deadlineNanos()
    {
        return deadlineNanos;
    }

    /** Highest stream sequence ever sent more than once (Karn's rule samples only above it). */
    public long highestRetransmitted()
    {
        return highestRetransmitted;
    }

    /** RFC 6298 2.2 and 2.3, with alpha = 1/8 and beta = 1/4. */
    void onRttSample(final long rttNanos)
    {
        if (smoothedRttNanos == 0)
        {
            smoothedRttNanos = rttNanos;
            rttVarianceNanos = rttNanos / 2;
        }
        else
        {
            rttVarianceNanos = (3 * rttVarianceNanos + Math.abs(smoothedRttNanos - rttNanos)) / 4;
            smoothedRttNanos = (7 * smoothedRttNanos + rttNanos) / 8;
        }
        rttCounter.setRelease(smoothedRttNanos / 1000);
    }
}
