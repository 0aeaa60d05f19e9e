package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.FrameType;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * Receive side of the loop: drains the socket, puts every datagram through {@link FrameVerifier} before anything
 * reads its body, counts each rejection by reason, and hands authentic frames to the role that owns them. Records
 * from a BATCH or SYNC go through the ban table; a BATCH is acknowledged once applied.
 */
public final class DatagramReceiver
{
    private static final int MAX_DATAGRAMS_PER_POLL = 256;

    private final UdpTransport transport;
    private final FrameVerifier verifier;
    private final Int2ObjectHashMap<Peer> peersById;
    private final BanTable table;
    private final BanPolicy policy;
    private final HighWaterMarks highWater;
    private final StreamSender streamSender;
    private final PeerMonitor peerMonitor;
    private final NodeCounters counters;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
    private final SyncFrameFlyweight sync = new SyncFrameFlyweight();
    private final Ban ban = new Ban();
    private final int nodeId;
    private ReceiveHook hook;

    public DatagramReceiver(
        final int nodeId,
        final UdpTransport transport,
        final FrameVerifier verifier,
        final Int2ObjectHashMap<Peer> peersById,
        final BanTable table,
        final BanPolicy policy,
        final HighWaterMarks highWater,
        final StreamSender streamSender,
        final PeerMonitor peerMonitor,
        final NodeCounters counters)
    {
        this.nodeId = nodeId;
        this.transport = transport;
        this.verifier = verifier;
        this.peersById = peersById;
        this.table = table;
        this.policy = policy;
        this.highWater = highWater;
        this.streamSender = streamSender;
        this.peerMonitor = peerMonitor;
        this.counters = counters;
    }

    /** Test hook that may drop datagrams before they are verified (loss injection). */
    public void hook(final ReceiveHook hook)
    {
        this.hook = hook;
    }

    /**
     * @return datagrams processed.
     */
    public int poll(final long nowNanos, final long nowMillis) throws IOException
    {
        int received = 0;
        int length;
        while (received < MAX_DATAGRAMS_PER_POLL && (length = transport.receive()) >= 0)
        {
            received++;
            if (null != hook && hook.drop())
            {
                continue;
            }
            onDatagram(transport.receiveBuffer(), length, nowNanos, nowMillis);
        }
        return received;
    }

    void onDatagram(final UnsafeBuffer buffer, final int length, final long nowNanos, final long nowMillis)
    {
        final int result = verifier.check(buffer, 0, length);
        if (result != RejectReason.NONE)
        {
            counters.rejected[result].incrementRelease();
            if (result == RejectReason.REPLAY || result == RejectReason.TOO_OLD)
            {
                reacknowledge(buffer);
            }
            return;
        }

        header.wrap(buffer, 0);
        final Peer peer = peersById.get(header.senderId());
        if (null == peer)
        {
            // Keys are only configured for peers, so this would be a sender configured without a peer entry.
            counters.rejected[RejectReason.UNKNOWN_SENDER].incrementRelease();
            return;
        }
        if (!peer.address().equals(transport.lastSource()))
        {
            counters.unknownPeerSource.incrementRelease();
        }
        peerMonitor.onHeard(peer, nowNanos, nowMillis);

        if (header.type() == FrameType.BATCH)
        {
            onBatch(peer, buffer, nowMillis);
            return;
        }

        verifier.acceptLast();
        switch (header.type())
        {
            case FrameType.ACK:
                ack.wrap(buffer, 0);
                if (ack.streamSenderId() == nodeId)
                {
                    streamSender.onAck(peer, ack, nowNanos);
                }
                break;

            case FrameType.HEARTBEAT:
                peerMonitor.onHeartbeat(peer, heartbeat.wrap(buffer, 0), nowNanos, nowMillis);
                break;

            case FrameType.SYNC:
                onSync(buffer, nowMillis);
                break;

            default:
                break;
        }
    }

    private void onBatch(final Peer peer, final UnsafeBuffer buffer, final long nowMillis)
    {
        batch.wrap(buffer, 0);
        final int count = batch.recordCount();
        peer.ackPending = true;
        if (peer.received.isTooFarAhead(batch.streamSequence()))
        {
            // Cannot be recorded yet: neither taken nor marked seen, the retransmission is taken once the hole closes.
            return;
        }
        if (!peer.received.isNew(batch.streamSequence()))
        {
            verifier.acceptLast();
            counters.duplicates.getAndAddRelease(count);
            return;
        }
        if (!policy.admitRecords(peer.nodeId(), count, nowMillis))
        {
            // Declined for now: neither acknowledged nor marked seen, so the peer's unchanged retransmission after
            // its timeout is taken once the budget has refilled.
            counters.refusedRateLimited.getAndAddRelease(count);
            return;
        }
        verifier.acceptLast();
        peer.received.onBatch(batch.streamSequence());

        peer.batchesReceivedCounter.incrementRelease();
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        for (int i = 0; i < count; i++)
        {
            final BanRecordFlyweight record = batch.record(i);
            table.applyRemote(record.get(ban), nowMillis);
            lowest = Math.min(lowest, record.originSequence());
            highest = Math.max(highest, record.originSequence());
        }
        highWater.onRange(peer.nodeId(), lowest - 1, highest);
        highWater.receivedCumulative(peer.nodeId(), peer.received.cumulative());
    }

    /**
     * An authentic copy of a BATCH we already took (tags are checked before the replay window) means our ack was
     * lost: say again where we are, or the peer would retransmit it forever. Nothing is applied.
     */
    private void reacknowledge(final UnsafeBuffer buffer)
    {
        header.wrap(buffer, 0);
        if (header.type() == FrameType.BATCH)
        {
            final Peer peer = peersById.get(header.senderId());
            if (null != peer)
            {
                peer.ackPending = true;
            }
        }
    }

    private void onSync(final UnsafeBuffer buffer, final long nowMillis)
    {
        counters.syncFramesReceived.incrementRelease();
        sync.wrap(buffer, 0);
        if (!policy.admitRecords(sync.originNodeId(), sync.recordCount(), nowMillis))
        {
            counters.refusedRateLimited.getAndAddRelease(sync.recordCount());
            return;
        }
        for (int i = 0, count = sync.recordCount(); i < count; i++)
        {
            table.applyRemote(sync.record(i).get(ban), nowMillis);
        }
        highWater.onRange(sync.originNodeId(), sync.after(), sync.through());
    }

    /** Decides per datagram whether to pretend it was lost. */
    @FunctionalInterface
    public interface ReceiveHook
    {
        boolean drop();
    }
}
