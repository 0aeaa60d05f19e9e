package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Resends what a peer has not acknowledged, per peer:
 * <ul>
 *   <li>a retransmission timeout per RFC 6298: SRTT and RTTVAR from round-trip samples, RTO = SRTT + 4·RTTVAR,
 *       never below the minimum, doubled per timeout without an ACK (exponential backoff, capped at the maximum),
 *       back to the smoothed value once an ACK advances; each timeout moved by the seeded {@link RetransmitJitter};</li>
 *   <li>Karn's rule: no RTT sample from an ACK that covers a batch sent more than once;</li>
 *   <li>fast retransmit: an ACK whose selective bitmap shows batches received beyond a hole resends the hole at
 *       once, once, instead of waiting for the timeout.</li>
 * </ul>
 * Driven by {@link StreamSender} (first sends, ACKs, {@link #poll(long)} in its pump) on the loop's nanosecond clock.
 * Owns each peer's {@link PeerTimer}.
 */
public final class RetransmitHandler
{
    private static final int MAX_BACKOFF_SHIFT = 16;

    private final Peer[] peers;
    private final RetainedBatches retained;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final RetransmitJitter jitter;
    private final long minNanos;
    private final long maxNanos;
    private final int maxRetransmitsPerTimeout;

    public RetransmitHandler(final NodeContext context)
    {
        this.peers = context.peers();
        this.retained = context.retained();
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
        this.jitter = context.jitter();
        this.minNanos = context.retransmitMinNanos();
        this.maxNanos = context.retransmitMaxNanos();
        this.maxRetransmitsPerTimeout = Math.min(64, context.flightWindow());
        final long next = retained.next();
        for (final Peer peer : peers)
        {
            peer.timer().sentAtNanos = new long[retained.capacity()];
            peer.timer().fastRetransmittedUpTo = next - 1;
        }
    }

    /**
     * A batch went to the peer for the first time: note when (for an RTT sample) and start the timer if idle.
     *
     * @param taken whether the transport took it; one it did not take is resent on the timeout.
     */
    void onFirstSend(final Peer peer, final long sequence, final boolean taken, final long nowNanos)
    {
        final PeerTimer timer = peer.timer();
        if (taken)
        {
            timer.sentAtNanos[slot(sequence)] = nowNanos;
        }
        if (timer.deadlineNanos == Long.MAX_VALUE)
        {
            timer.deadlineNanos = nowNanos + timeout(timer);
        }
    }

    /**
     * An ACK from the peer, after {@link StreamSender} has moved its window.
     *
     * @param advanced  whether the cumulative point moved (to {@code peer.window().ackedCumulative()}).
     * @param selective the ACK's bitmap of batches received beyond the cumulative point, or 0 when unusable.
     */
    void onAck(final Peer peer, final boolean advanced, final long selective, final long nowNanos)
    {
        final PeerTimer timer = peer.timer();
        final StreamSender.PeerWindow window = peer.window();
        if (advanced)
        {
            final long cumulative = window.ackedCumulative();
            // Karn's rule: an ACK for a batch sent twice cannot say which copy it answers.
            if (cumulative > timer.highestRetransmitted)
            {
                final long sentAt = timer.sentAtNanos[slot(cumulative)];
                if (sentAt != 0 && nowNanos > sentAt)
                {
                    timer.onRttSample(nowNanos - sentAt);
                }
            }
            timer.backoffShift = 0;
            timer.deadlineNanos = window.hasUnacknowledged() ? nowNanos + timeout(timer) : Long.MAX_VALUE;
        }
        timer.ackedSelective = selective;
        fastRetransmit(peer);
    }

    /**
     * Retransmit to every peer whose timeout has passed.
     *
     * @return datagrams sent.
     */
    int poll(final long nowNanos)
    {
        int sent = 0;
        final long oldest = retained.oldest();
        for (final Peer peer : peers)
        {
            if (nowNanos >= peer.timer().deadlineNanos)
            {
                sent += retransmit(peer, nowNanos, oldest);
            }
        }
        return sent;
    }

    /** Earliest retransmission deadline over all peers, {@code Long.MAX_VALUE} when none is armed. */
    public long nextDeadlineNanos()
    {
        long deadline = Long.MAX_VALUE;
        for (final Peer peer : peers)
        {
            deadline = Math.min(deadline, peer.timer().deadlineNanos);
        }
        return deadline;
    }

    /**
     * RFC 6298 (2.2, 2.3, 2.4, 5.5): the timeout before jitter.
     *
     * @return nanoseconds, within {@code [minNanos, maxNanos]} (or {@code maxNanos} when it is below the minimum).
     */
    static long timeoutNanos(final PeerTimer timer, final long minNanos, final long maxNanos)
    {
        final long base = timer.smoothedRttNanos == 0 ? minNanos : timer.smoothedRttNanos + 4 * timer.rttVarianceNanos;
        final long backedOff = Math.max(minNanos, base) << Math.min(timer.backoffShift, MAX_BACKOFF_SHIFT);
        return Math.min(maxNanos, backedOff);
    }

    private void fastRetransmit(final Peer peer)
    {
        final PeerTimer timer = peer.timer();
        final long selective = timer.ackedSelective;
        if (selective == 0)
        {
            return;
        }

        final long acked = peer.window().ackedCumulative();
        final long highestReceived = acked + 1 + (63 - Long.numberOfLeadingZeros(selective));
        final long oldest = retained.oldest();
        for (long sequence = Math.max(acked + 1, timer.fastRetransmittedUpTo + 1); sequence < highestReceived; sequence++)
        {
            final long bit = sequence - acked - 1;
            if ((selective & (1L << bit)) == 0 && sequence >= oldest && retained.contains(sequence) &&
                retained.sendTo(transport, sealer, sequence, peer))
            {
                onRetransmitted(timer, sequence);
            }
        }
        timer.fastRetransmittedUpTo = Math.max(timer.fastRetransmittedUpTo, highestReceived - 1);
    }

    private int retransmit(final Peer peer, final long nowNanos, final long oldest)
    {
        final PeerTimer timer = peer.timer();
        final StreamSender.PeerWindow window = peer.window();
        final long acked = window.ackedCumulative();
        int sent = 0;
        final long end = window.nextToSend();
        for (long sequence = Math.max(acked + 1, oldest); sequence < end && sent < maxRetransmitsPerTimeout; sequence++)
        {
            final long bit = sequence - acked - 1;
            if (bit < AckFrameFlyweight.SELECTIVE_RANGE && (timer.ackedSelective & (1L << bit)) != 0)
            {
                continue;
            }
            if (retained.contains(sequence) && retained.sendTo(transport, sealer, sequence, peer))
            {
                onRetransmitted(timer, sequence);
                sent++;
            }
        }

        if (window.hasUnacknowledged())
        {
            timer.backoffShift++;
            timer.deadlineNanos = nowNanos + timeout(timer);
        }
        else
        {
            timer.deadlineNanos = Long.MAX_VALUE;
        }
        return sent;
    }

    private void onRetransmitted(final PeerTimer timer, final long sequence)
    {
        timer.highestRetransmitted = Math.max(timer.highestRetransmitted, sequence);
        counters.retransmits.incrementRelease();
        timer.retransmitCounter.incrementRelease();
    }

    private long timeout(final PeerTimer timer)
    {
        return jitter.apply(timeoutNanos(timer, minNanos, maxNanos));
    }

    private int slot(final long sequence)
    {
        return (int)(sequence & (retained.capacity() - 1));
    }

    /**
     * Round-trip time and retransmission state of our stream to one peer: written by {@link RetransmitHandler} alone.
     */
    public static final class PeerTimer
    {
        private final AtomicCounter rttCounter;
        private final AtomicCounter retransmitCounter;
        private long[] sentAtNanos;
        private long ackedSelective;
        private long highestRetransmitted;
        private long fastRetransmittedUpTo;
        private long deadlineNanos = Long.MAX_VALUE;
        private int backoffShift;
        private long smoothedRttNanos;
        private long rttVarianceNanos;

        PeerTimer(final AtomicCounter rttCounter, final AtomicCounter retransmitCounter)
        {
            this.rttCounter = rttCounter;
            this.retransmitCounter = retransmitCounter;
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

        /** Times the timeout has doubled since an ACK last advanced. */
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
        private void onRttSample(final long rttNanos)
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
}
