package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;

/**
 * Resends what a peer has not acknowledged, per peer, as TCP stacks do:
 * <ul>
 *   <li>a retransmission timeout per RFC 6298: SRTT and RTTVAR from round-trip samples, RTO = SRTT + 4·RTTVAR,
 *       never below the minimum, capped at the maximum; each timeout moved by the seeded {@link RetransmitJitter}.
 *       The timeout doubles (exponential backoff, RFC 6298 5.5) when the peer acknowledged nothing at all since
 *       the timer was armed, and also when it answered but no ACK reported a batch it had not reported before for
 *       {@link #ANSWERED_STALLS_BEFORE_BACKOFF} timeouts running ({@code retransmit_backoffs_answered}): one timeout's
 *       grace, since a peer that answers is there and one lost round of resends is ordinary loss; after that, a
 *       peer whose ACKs come (at our HEARTBEATs) while our batches never get taken (its receiver declines them) is
 *       resent to at the backed-off pace, not a flight window every minimum timeout forever;</li>
 *   <li>round-trip samples only from the lowest batch an ACK newly reports received, and only when that batch was
 *       sent once (Karn's rule): the batches a cumulative jump covers were mostly received long before, when a hole
 *       below them closed, and sampling them would inflate SRTT by however long the hole stayed open;</li>
 *   <li>time-ordered loss detection (RACK, RFC 8985): every send, first or retransmission, takes the next number of
 *       the peer's send order; a batch is lost once a batch sent after its latest send is reported received and a
 *       quarter of SRTT (the reordering window) has passed since that send. It is resent at once, and a resent
 *       batch that is lost again is resent again as soon as a later send is reported received, not after a
 *       timeout.</li>
 * </ul>
 * Driven by {@link StreamSender} (first sends, ACKs, {@link #poll(long)} in its pump) on the loop's nanosecond clock.
 * Owns each peer's {@link PeerTimer}.
 */
public final class RetransmitHandler
{
    private static final int MAX_BACKOFF_SHIFT = 16;
    /** Timeouts in a row with ACKs but no batch newly reported, before the timeout doubles all the same. */
    static final int ANSWERED_STALLS_BEFORE_BACKOFF = 2;

    private final Peer[] peers;
    private final RetainedBatches retained;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final RetransmitJitter jitter;
    private final long minNanos;
    private final long maxNanos;
    private final int maxRetransmitsPerTimeout;
    // Of the batches the ACK being read newly reports: the highest send order of those sent once, and of those resent.
    private long onceOrder;
    private long resentOrder;

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
        for (final Peer peer : peers)
        {
            peer.timer().init(retained.capacity());
        }
    }

    /**
     * A batch went to the peer for the first time: note when and in which order (for RTT samples and loss
     * detection) and start the timer if idle.
     *
     * @param taken whether the transport took it; one it did not take counts as sent and lost, and is resent once
     *              a later send is reported received, or on the timeout.
     */
    void onFirstSend(final Peer peer, final long sequence, final boolean taken, final long nowNanos)
    {
        final PeerTimer timer = peer.timer();
        final int slot = slot(sequence);
        timer.onSend(slot, nowNanos);
        timer.sendCount[slot] = 1;
        timer.reported[slot] = false;
        timer.timedOut[slot] = false;
        if (timer.deadlineNanos == Long.MAX_VALUE)
        {
            arm(timer, nowNanos);
        }
    }

    /**
     * An ACK from the peer, after {@link StreamSender} has moved its window.
     *
     * @param previousCumulative the peer's cumulative point before this ACK; {@code peer.window().ackedCumulative()}
     *                           is the one after it.
     * @param selective          the ACK's bitmap of batches received beyond the cumulative point, or 0 when unusable.
     */
    void onAck(final Peer peer, final long previousCumulative, final long selective, final long nowNanos)
    {
        final PeerTimer timer = peer.timer();
        final StreamSender.PeerWindow window = peer.window();
        final long cumulative = window.ackedCumulative();
        timer.ackedSelective = selective;
        final long lowest = newlyReported(timer, previousCumulative, cumulative, selective, window.nextToSend());
        boolean sampled = false;
        if (lowest > 0)
        {
            timer.progressSinceArmed = true;
            timer.answeredStalls = 0;
            final int slot = slot(lowest);
            // Karn's rule: an ACK for a batch sent twice cannot say which copy it answers.
            if (timer.sendCount[slot] == 1 && nowNanos > timer.sentAtNanos[slot])
            {
                timer.onRttSample(nowNanos - timer.sentAtNanos[slot]);
                sampled = true;
            }
        }
        if (cumulative > previousCumulative)
        {
            if (sampled || timer.smoothedRttNanos != 0)
            {
                // Before the first sample, Karn's algorithm: a backed-off timeout stays until an ACK times a batch sent
                // once. An ACK that answers only resent batches cannot say the timeout was long enough: a receiver
                // slower than the initial timeout (a cold or starved one) would otherwise time out every window at the
                // initial timeout, its lowest batch resent and so never timed. Once the path has a sample, an ACK that
                // moves the window ends the backoff (resends under heavy loss go at the base pace).
                timer.backoffShift = 0;
            }
            if (window.hasUnacknowledged())
            {
                arm(timer, nowNanos);
            }
            else
            {
                timer.deadlineNanos = Long.MAX_VALUE;
            }
        }
        else
        {
            timer.ackedSinceArmed = true;
        }
        detectLosses(peer, nowNanos);
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

    /**
     * Mark the batches this ACK reports received for the first time and raise the send order known delivered.
     *
     * @return the lowest of them, or 0 when there is none.
     */
    private long newlyReported(
        final PeerTimer timer, final long previousCumulative, final long cumulative, final long selective, final long end)
    {
        long lowest = 0;
        onceOrder = 0;
        resentOrder = 0;
        // Only what the ring still holds has a slot of its own; the window never spans more than the ring.
        for (long sequence = Math.max(previousCumulative + 1, retained.next() - retained.capacity()); sequence <= cumulative; sequence++)
        {
            final int slot = slot(sequence);
            if (!timer.reported[slot])
            {
                timer.reported[slot] = true;
                lowest = lowest == 0 ? sequence : lowest;
                reported(timer, slot);
            }
        }
        long bits = selective;
        while (bits != 0)
        {
            final long sequence = cumulative + 1 + Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            final int slot = slot(sequence);
            if (sequence < end && !timer.reported[slot])
            {
                timer.reported[slot] = true;
                lowest = lowest == 0 ? sequence : lowest;
                reported(timer, slot);
            }
        }
        // Raise the send order known delivered to the latest send of what it reports. Before the path has a round-trip
        // sample, a resent batch the ACK reports may be its first copy, arriving late (RFC 8985 6.2 step 2 tells the
        // copies apart by the shortest round trip seen, and there is none): when the ACK also reports batches sent
        // once, the originals are arriving, and the resends' order would call every batch sent between the copies lost
        // though a slow receiver has simply not reached them yet (after a timeout that came before its first ACK, the
        // whole window). An ACK that reports resends alone is taken as theirs, as F-RTO (RFC 5682) would: the rest
        // was lost, and RACK resends it.
        final boolean ambiguous = timer.smoothedRttNanos == 0 && onceOrder != 0;
        timer.deliveredOrder = Math.max(timer.deliveredOrder, ambiguous ? onceOrder : Math.max(onceOrder, resentOrder));
        return lowest;
    }

    private void reported(final PeerTimer timer, final int slot)
    {
        if (timer.sendCount[slot] == 1)
        {
            onceOrder = Math.max(onceOrder, timer.sendOrder[slot]);
        }
        else
        {
            resentOrder = Math.max(resentOrder, timer.sendOrder[slot]);
        }
    }

    /** RACK: resend every outstanding batch whose latest send precedes one reported received, past the reorder window. */
    private void detectLosses(final Peer peer, final long nowNanos)
    {
        final PeerTimer timer = peer.timer();
        final StreamSender.PeerWindow window = peer.window();
        final long acked = window.ackedCumulative();
        final long reorderWindow = timer.smoothedRttNanos / 4;
        final long end = window.nextToSend();
        for (long sequence = Math.max(acked + 1, retained.oldest()); sequence < end; sequence++)
        {
            final int slot = slot(sequence);
            if (timer.sendOrder[slot] < timer.deliveredOrder && !isReported(timer, acked, sequence) &&
                nowNanos - timer.sentAtNanos[slot] >= reorderWindow && retained.contains(sequence) &&
                retained.sendTo(transport, sealer, sequence, peer))
            {
                onRetransmitted(timer, sequence, nowNanos);
            }
        }
    }

    private int retransmit(final Peer peer, final long nowNanos, final long oldest)
    {
        final PeerTimer timer = peer.timer();
        final StreamSender.PeerWindow window = peer.window();
        final long acked = window.ackedCumulative();
        int sent = 0;
        final long end = window.nextToSend();
        // Before the first round-trip sample the path is unknown: a timeout then resends one batch, the oldest (RFC 6298
        // 5.4), not a window's worth. A receiver slower than the initial timeout (a cold or starved one, its ACKs late)
        // costs one datagram a timeout; if the batches were lost, an ACK reporting the resent one alone shows it, and
        // RACK resends the rest ({@link #newlyReported}). Once a sample exists, up to maxRetransmitsPerTimeout.
        final int limit = timer.smoothedRttNanos == 0 ? 1 : maxRetransmitsPerTimeout;
        for (long sequence = Math.max(acked + 1, oldest); sequence < end && sent < limit; sequence++)
        {
            if (!isReported(timer, acked, sequence) && retained.contains(sequence) &&
                retained.sendTo(transport, sealer, sequence, peer))
            {
                onRetransmitted(timer, sequence, nowNanos);
                timer.timedOut[slot(sequence)] = true;
                sent++;
            }
        }

        if (window.hasUnacknowledged())
        {
            if (timer.progressSinceArmed)
            {
                timer.backoffShift = 0;
            }
            else if (timer.ackedSinceArmed && ++timer.answeredStalls < ANSWERED_STALLS_BEFORE_BACKOFF)
            {
                // The peer answers: one round of resends lost is ordinary loss, resend at the base pace once more (not
                // before the first sample: ACKs that report nothing new do not say the initial timeout was long enough).
                timer.backoffShift = timer.smoothedRttNanos == 0 ? timer.backoffShift : 0;
            }
            else
            {
                if (timer.ackedSinceArmed)
                {
                    counters.retransmitBackoffsAnswered.incrementRelease();
                }
                timer.backoffShift++;
            }
            arm(timer, nowNanos);
        }
        else
        {
            timer.deadlineNanos = Long.MAX_VALUE;
        }
        return sent;
    }

    /**
     * The lowest batch from {@code from} on that the stream still has in flight to the peer, its timeout not yet
     * passed: neither resent on a timeout since its first send, nor shown received by the latest usable ACK's bitmap.
     * Batches below it the peer has not acknowledged timed out, or it holds them. Scans at most the flight window.
     *
     * @return a stream sequence; {@code peer.window().nextToSend()} when every batch sent from {@code from} on timed out
     *         or was reported received.
     */
    long firstInFlight(final Peer peer, final long from)
    {
        final PeerTimer timer = peer.timer();
        final StreamSender.PeerWindow window = peer.window();
        final long acked = window.ackedCumulative();
        final long end = window.nextToSend();
        long sequence = Math.max(from, acked + 1);
        while (sequence < end && (timer.timedOut[slot(sequence)] || isReported(timer, acked, sequence)))
        {
            sequence++;
        }
        return sequence;
    }

    /** Whether the latest usable ACK's bitmap shows the batch received (the receiver may since have lost that). */
    private static boolean isReported(final PeerTimer timer, final long acked, final long sequence)
    {
        final long bit = sequence - acked - 1;
        return bit < AckFrameFlyweight.SELECTIVE_RANGE && (timer.ackedSelective & (1L << bit)) != 0;
    }

    private void onRetransmitted(final PeerTimer timer, final long sequence, final long nowNanos)
    {
        final int slot = slot(sequence);
        timer.onSend(slot, nowNanos);
        timer.sendCount[slot]++;
        timer.highestRetransmitted = Math.max(timer.highestRetransmitted, sequence);
        counters.retransmits.incrementRelease();
        timer.retransmitCounter.incrementRelease();
    }

    private void arm(final PeerTimer timer, final long nowNanos)
    {
        timer.ackedSinceArmed = false;
        timer.progressSinceArmed = false;
        timer.deadlineNanos = nowNanos + jitter.apply(timeoutNanos(timer, minNanos, maxNanos));
    }

    private int slot(final long sequence)
    {
        return (int)(sequence & (retained.capacity() - 1));
    }
}
