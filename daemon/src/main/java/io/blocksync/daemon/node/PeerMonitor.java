package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Keeps each peer's view of us current and our view of each peer honest: sends HEARTBEATs on an interval (sealed
 * once, sent to every peer), acknowledges peers' streams (one ACK per peer per duty cycle at most, however many
 * batches arrived), tracks liveness (up, suspect, down) from the last time a peer was heard, and hands heartbeats
 * to catch-up.
 */
public final class PeerMonitor
{
    private final int nodeId;
    private final Peer[] peers;
    private final UdpTransport transport;
    private final PacketSealer sealer;
    private final RetainedBatches retained;
    private final HighWaterMarks highWater;
    private final CatchUp catchUp;
    private final NodeCounters counters;
    private final EventLog.Line log;
    private final long heartbeatIntervalNanos;
    private final long suspectAfterNanos;
    private final long downAfterNanos;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
    private long nextHeartbeatNanos;

    public PeerMonitor(
        final int nodeId,
        final Peer[] peers,
        final UdpTransport transport,
        final PacketSealer sealer,
        final RetainedBatches retained,
        final HighWaterMarks highWater,
        final CatchUp catchUp,
        final NodeCounters counters,
        final EventLog log,
        final long heartbeatIntervalNanos,
        final long suspectAfterNanos,
        final long downAfterNanos,
        final long nowNanos)
    {
        this.nodeId = nodeId;
        this.peers = peers;
        this.transport = transport;
        this.sealer = sealer;
        this.retained = retained;
        this.highWater = highWater;
        this.catchUp = catchUp;
        this.counters = counters;
        this.log = log.newLine();
        this.heartbeatIntervalNanos = heartbeatIntervalNanos;
        this.suspectAfterNanos = suspectAfterNanos;
        this.downAfterNanos = downAfterNanos;
        for (final Peer peer : peers)
        {
            peer.lastHeardNanos = nowNanos;
            peer.received.reset(highWater.receivedCumulative(peer.nodeId()));
        }
        nextHeartbeatNanos = nowNanos;
    }

    void onHeard(final Peer peer, final long nowNanos, final long nowMillis)
    {
        peer.lastHeardNanos = nowNanos;
        peer.lastHeardCounter.setRelease(nowMillis);
        if (peer.state() != Peer.STATE_UP)
        {
            changeState(peer, Peer.STATE_UP);
        }
    }

    void onHeartbeat(final Peer peer, final HeartbeatFrameFlyweight heartbeat, final long nowNanos, final long nowMillis)
    {
        counters.heartbeatsReceived.incrementRelease();
        if (peer.received.skipTo(heartbeat.streamOldestRetained()))
        {
            // The peer no longer holds batches we never got: acknowledge past them, SYNC brings their records.
            counters.streamGapsSkipped.incrementRelease();
            highWater.receivedCumulative(peer.nodeId(), peer.received.cumulative());
            peer.ackPending = true;
        }
        else if (heartbeat.streamNextSequence() - 1 > peer.received.cumulative())
        {
            // Our acks may have been lost: say again where we are so the peer retransmits what is missing.
            peer.ackPending = true;
        }
        catchUp.onHeartbeat(peer, heartbeat, nowMillis);
    }

    /**
     * Heartbeats when due, liveness transitions, and pending acks.
     *
     * @return frames sent plus state changes.
     */
    public int poll(final long nowNanos, final long nowMillis)
    {
        int work = sendAcks();
        if (nowNanos >= nextHeartbeatNanos)
        {
            nextHeartbeatNanos = nowNanos + heartbeatIntervalNanos;
            sendHeartbeat(nowMillis);
            work += checkLiveness(nowNanos);
            work++;
        }
        return work;
    }

    public long nextDeadlineNanos()
    {
        return nextHeartbeatNanos;
    }

    private int sendAcks()
    {
        int sent = 0;
        for (final Peer peer : peers)
        {
            if (peer.ackPending)
            {
                peer.ackPending = false;
                ack.begin(frame, 0)
                    .streamSenderId(peer.nodeId())
                    .cumulative(peer.received.cumulative())
                    .selectiveBitmap(peer.received.selectiveBitmap());
                send(peer, sealer.seal(frame, 0, AckFrameFlyweight.UNSEALED_LENGTH));
                counters.acksSent.incrementRelease();
                sent++;
            }
        }
        return sent;
    }

    private void sendHeartbeat(final long nowMillis)
    {
        heartbeat.begin(frame, 0, retained.next(), retained.oldest(), nowMillis);
        for (int i = 0, count = highWater.count(); i < count && heartbeat.remainingCapacity() > 0; i++)
        {
            heartbeat.appendEntry(highWater.nodeIdAt(i), highWater.highWaterAt(i));
        }
        final int length = sealer.seal(frame, 0, heartbeat.unsealedLength());
        for (final Peer peer : peers)
        {
            send(peer, length);
        }
        counters.heartbeatsSent.incrementRelease();
    }

    private int checkLiveness(final long nowNanos)
    {
        int changes = 0;
        for (final Peer peer : peers)
        {
            final long silentFor = nowNanos - peer.lastHeardNanos;
            final int state = silentFor >= downAfterNanos ? Peer.STATE_DOWN :
                silentFor >= suspectAfterNanos ? Peer.STATE_SUSPECT : peer.state();
            if (state != peer.state() && !(peer.state() == Peer.STATE_UNKNOWN && state == Peer.STATE_SUSPECT))
            {
                changeState(peer, state);
                changes++;
            }
        }
        return changes;
    }

    private void changeState(final Peer peer, final int state)
    {
        log.begin().append("node ").append(nodeId).append(": peer ").append(peer.nodeId()).append(" (")
            .append(peer.name()).append(") ").append(Peer.stateName(peer.state())).append(" -> ")
            .append(Peer.stateName(state)).commit();
        peer.state(state);
    }

    private void send(final Peer peer, final int length)
    {
        transport.send(frameView, 0, length, peer.address());
    }
}
