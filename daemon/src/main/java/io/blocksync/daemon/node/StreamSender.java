package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * This node's outgoing BATCH stream. Local decisions are staged as wire records; {@link #flush(long)} packs them
 * into batches (a lone decision goes out alone at once, a burst 20 to a datagram), seals each once and keeps it in
 * {@link RetainedBatches}. Each peer then gets the same bytes through its own sliding window: at most
 * {@code flightWindow} batches beyond what it has acknowledged, retransmitted after an RFC 6298 timeout with
 * exponential backoff and jitter, and resumed where its acks leave off.
 */
public final class StreamSender
{
    private final int nodeId;
    private final PacketSealer sealer;
    private final ProgressFile progress;
    private final RetainedBatches retained;
    private final ByteBuffer retainedView;
    private final UdpTransport transport;
    private final Peer[] peers;
    private final NodeCounters counters;
    private final long retransmitMinNanos;
    private final long retransmitMaxNanos;
    private final int flightWindow;
    private final int maxRetransmitsPerTimeout;

    private final UnsafeBuffer staging;
    private final int stagingCapacity;
    private final BanRecordFlyweight stagedRecord = new BanRecordFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private long stagedHead;
    private long stagedTail;
    private long jitterSeed = System.nanoTime();

    public StreamSender(
        final int nodeId,
        final PacketSealer sealer,
        final ProgressFile progress,
        final RetainedBatches retained,
        final UdpTransport transport,
        final Peer[] peers,
        final NodeCounters counters,
        final int stagingCapacity,
        final long retransmitMinNanos,
        final long retransmitMaxNanos)
    {
        this.nodeId = nodeId;
        this.sealer = sealer;
        this.progress = progress;
        this.retained = retained;
        this.retainedView = retained.buffer().byteBuffer().duplicate();
        this.transport = transport;
        this.peers = peers;
        this.counters = counters;
        this.retransmitMinNanos = retransmitMinNanos;
        this.retransmitMaxNanos = retransmitMaxNanos;
        this.flightWindow = Math.max(1, Math.min(256, retained.capacity() / 2));
        this.maxRetransmitsPerTimeout = Math.min(64, flightWindow);
        this.stagingCapacity = stagingCapacity;
        this.staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(stagingCapacity * BanRecordFlyweight.LENGTH, 64));

        final long next = retained.next();
        for (final Peer peer : peers)
        {
            // Whatever was in flight before a restart is gone from memory; peers catch up on it by SYNC.
            peer.ackedCumulative = next - 1;
            peer.fastRetransmittedUpTo = next - 1;
            peer.nextToSend = next;
            peer.sentAtNanos = new long[retained.capacity()];
        }
    }

    public boolean hasRoom()
    {
        return stagedTail - stagedHead < stagingCapacity;
    }

    /** Whether {@link #flush()} would seal anything now: something is staged and live peers have freed room. */
    public boolean canFlush()
    {
        return stagedTail > stagedHead && retained.next() - ackFloor() < retained.capacity();
    }

    /** Queue a decision already applied to the ledger; call only when {@link #hasRoom()}. */
    public void stage(final int action, final IpPrefix prefix, final Ban decided)
    {
        final int offset = (int)(stagedTail % stagingCapacity) * BanRecordFlyweight.LENGTH;
        staging.setMemory(offset, BanRecordFlyweight.LENGTH, (byte)0);
        stagedRecord.wrap(staging, offset)
            .action(action)
            .prefix(prefix)
            .protocol(decided.protocol())
            .port(decided.port())
            .originNodeId(nodeId)
            .durationSeconds(decided.durationSeconds())
            .originSequence(decided.originSequence())
            .originTimeMillis(decided.originTimeMillis());
        staging.putLong(offset + BanRecordFlyweight.REASON_OFFSET, decided.reason(), java.nio.ByteOrder.LITTLE_ENDIAN);
        stagedTail++;
    }

    /**
     * Seal staged decisions into batches while the retained window has room that live peers have freed.
     *
     * @return batches sealed.
     */
    public int flush()
    {
        int sealed = 0;
        final long floor = ackFloor();
        while (stagedTail > stagedHead && retained.next() - floor < retained.capacity())
        {
            final long streamSequence = retained.next();
            final int offset = retained.offsetOf(streamSequence);
            batch.begin(retained.buffer(), offset, streamSequence);
            while (stagedTail > stagedHead && batch.remainingCapacity() > 0)
            {
                final int from = (int)(stagedHead % stagingCapacity) * BanRecordFlyweight.LENGTH;
                final BanRecordFlyweight record = batch.appendRecord(BanRecordFlyweight.ACTION_BAN);
                retained.buffer().putBytes(record.offset(), staging, from, BanRecordFlyweight.LENGTH);
                stagedHead++;
            }
            retained.commit(sealer.seal(retained.buffer(), offset, batch.unsealedLength()));
            progress.streamNext(retained.next());
            counters.batchesSent.incrementRelease();
            sealed++;
        }
        return sealed;
    }

    /**
     * Send what each peer's window allows and retransmit where a timeout has passed.
     *
     * @return datagrams sent.
     */
    public int pump(final long nowNanos)
    {
        int sent = 0;
        final long next = retained.next();
        final long oldest = retained.oldest();
        for (final Peer peer : peers)
        {
            if (peer.nextToSend < oldest)
            {
                peer.nextToSend = oldest;
            }
            while (peer.nextToSend < next && peer.nextToSend <= peer.ackedCumulative + flightWindow)
            {
                final long sequence = peer.nextToSend++;
                if (send(peer, sequence))
                {
                    peer.sentAtNanos[(int)(sequence & (retained.capacity() - 1))] = nowNanos;
                    sent++;
                }
                if (peer.retransmitDeadlineNanos == Long.MAX_VALUE)
                {
                    peer.retransmitDeadlineNanos = nowNanos + timeout(peer);
                }
            }
            peer.sentCounter.setRelease(peer.nextToSend - 1);

            if (nowNanos >= peer.retransmitDeadlineNanos)
            {
                sent += retransmit(peer, nowNanos, oldest);
            }
        }
        return sent;
    }

    public void onAck(final Peer peer, final AckFrameFlyweight ack, final long nowNanos)
    {
        counters.acksReceived.incrementRelease();
        final long cumulative = Math.min(ack.cumulative(), peer.nextToSend - 1);
        if (cumulative > peer.ackedCumulative)
        {
            if (cumulative > peer.highestRetransmitted)
            {
                final long sentAt = peer.sentAtNanos[(int)(cumulative & (retained.capacity() - 1))];
                if (sentAt != 0 && nowNanos > sentAt)
                {
                    peer.onRttSample(nowNanos - sentAt);
                }
            }
            peer.ackedCumulative = cumulative;
            peer.ackedCounter.setRelease(cumulative);
            peer.backoffShift = 0;
            peer.retransmitDeadlineNanos = peer.ackedCumulative < peer.nextToSend - 1 ?
                nowNanos + timeout(peer) : Long.MAX_VALUE;
        }
        peer.ackedSelective = cumulative == ack.cumulative() ? ack.selectiveBitmap() : 0;
        fastRetransmit(peer);
    }

    /**
     * An ack that reports batches received beyond a hole means the hole was lost, not late: resend each hole once
     * at once instead of waiting for the timeout (TCP's fast retransmit, driven by the selective bitmap).
     */
    private void fastRetransmit(final Peer peer)
    {
        final long selective = peer.ackedSelective;
        if (selective == 0)
        {
            return;
        }

        final long highestReceived = peer.ackedCumulative + 1 + (63 - Long.numberOfLeadingZeros(selective));
        final long oldest = retained.oldest();
        for (long sequence = Math.max(peer.ackedCumulative + 1, peer.fastRetransmittedUpTo + 1); sequence < highestReceived; sequence++)
        {
            final long bit = sequence - peer.ackedCumulative - 1;
            if ((selective & (1L << bit)) == 0 && sequence >= oldest && retained.contains(sequence) && send(peer, sequence))
            {
                peer.highestRetransmitted = Math.max(peer.highestRetransmitted, sequence);
                counters.retransmits.incrementRelease();
                peer.retransmitCounter.incrementRelease();
            }
        }
        peer.fastRetransmittedUpTo = Math.max(peer.fastRetransmittedUpTo, highestReceived - 1);
    }

    /** Earliest retransmission deadline, for the idle wait. */
    public long nextDeadlineNanos()
    {
        long deadline = Long.MAX_VALUE;
        for (final Peer peer : peers)
        {
            deadline = Math.min(deadline, peer.retransmitDeadlineNanos);
        }
        return deadline;
    }

    /** Lowest stream sequence a peer that is not down still needs, or next when there is none. */
    private long ackFloor()
    {
        long floor = retained.next();
        for (final Peer peer : peers)
        {
            if (peer.state() != Peer.STATE_DOWN)
            {
                floor = Math.min(floor, peer.ackedCumulative + 1);
            }
        }
        return floor;
    }

    private int retransmit(final Peer peer, final long nowNanos, final long oldest)
    {
        int sent = 0;
        final long end = peer.nextToSend;
        for (long sequence = Math.max(peer.ackedCumulative + 1, oldest); sequence < end && sent < maxRetransmitsPerTimeout; sequence++)
        {
            final long bit = sequence - peer.ackedCumulative - 1;
            if (bit < AckFrameFlyweight.SELECTIVE_RANGE && (peer.ackedSelective & (1L << bit)) != 0)
            {
                continue;
            }
            if (retained.contains(sequence) && send(peer, sequence))
            {
                peer.highestRetransmitted = Math.max(peer.highestRetransmitted, sequence);
                counters.retransmits.incrementRelease();
                peer.retransmitCounter.incrementRelease();
                sent++;
            }
        }

        if (peer.ackedCumulative < peer.nextToSend - 1)
        {
            peer.backoffShift++;
            peer.retransmitDeadlineNanos = nowNanos + timeout(peer);
        }
        else
        {
            peer.retransmitDeadlineNanos = Long.MAX_VALUE;
        }
        return sent;
    }

    private boolean send(final Peer peer, final long sequence)
    {
        return transport.send(retainedView, retained.offsetOf(sequence), retained.lengthOf(sequence), peer.address());
    }

    /** The peer's retransmission timeout with ±25% jitter, so peers that lost the same datagram do not sync up. */
    private long timeout(final Peer peer)
    {
        final long base = peer.retransmitTimeoutNanos(retransmitMinNanos, retransmitMaxNanos);
        jitterSeed = jitterSeed * 6364136223846793005L + 1442695040888963407L;
        final long jitter = ((jitterSeed >>> 33) % 501) - 250; // -250..250 per mille
        return base + base * jitter / 1000;
    }
}
