package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.FrameType;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.NakFrameFlyweight;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.SnapshotChunkFlyweight;
import io.blocksync.codec.SnapshotRequestFlyweight;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * Receive side of the loop: drains the transport, puts every datagram through {@link FrameVerifier} before
 * anything reads its body, counts each rejection by reason, marks the peer heard, and hands each authentic frame
 * to the role that owns it: BATCH, SYNC and HEARTBEAT to the {@link StreamReceiver} (a HEARTBEAT to the
 * {@link ClockMonitor} first), ACK of our stream to the
 * {@link StreamSender}. Every authentic frame enters the replay window, which guards datagram freshness only: a
 * sender stamps each send with a fresh packet sequence, so a {@code replay} or {@code too_old} datagram is a copy
 * (the network's or an attacker's) of one already handled and needs no answer; whether a BATCH is new is decided by
 * its stream sequence (docs/PROTOCOL.md, "Delivery").
 */
public final class DatagramReceiver
{
    private static final int MAX_DATAGRAMS_PER_POLL = 256;

    private final int nodeId;
    private final Transport transport;
    private final Int2ObjectHashMap<Peer> peersById;
    private final NodeCounters counters;
    private final FrameVerifier verifier;
    private final StreamReceiver streamReceiver;
    private final StreamSender streamSender;
    private final LivenessMonitor liveness;
    private final ClockMonitor clocks;
    private final ClockFrame clockFrame;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
    private final SyncFrameFlyweight sync = new SyncFrameFlyweight();
    private final SnapshotRequestFlyweight snapshotRequest = new SnapshotRequestFlyweight();
    private final SnapshotChunkFlyweight snapshotChunk = new SnapshotChunkFlyweight();
    private SnapshotServer snapshotServer;
    private SnapshotClient snapshotClient;
    private final NakFrameFlyweight nak = new NakFrameFlyweight();
    private GroupSender groupSender;
    private ReceiveHook hook;

    /**
     * @param verifier holds the keys of every configured peer.
     */
    public DatagramReceiver(
        final NodeContext context,
        final FrameVerifier verifier,
        final StreamReceiver streamReceiver,
        final StreamSender streamSender,
        final LivenessMonitor liveness)
    {
        this.nodeId = context.nodeId();
        this.transport = context.transport();
        this.peersById = context.peersById();
        this.counters = context.counters();
        this.verifier = verifier;
        this.streamReceiver = streamReceiver;
        this.streamSender = streamSender;
        this.liveness = liveness;
        this.clocks = new ClockMonitor(context);
        this.clockFrame = context.clockFrame();
    }

    /** The snapshot roles: SNAPSHOT_REQUEST to the server, SNAPSHOT_CHUNK and HEARTBEAT to the client. */
    void snapshots(final SnapshotServer server, final SnapshotClient client)
    {
        this.snapshotServer = server;
        this.snapshotClient = client;
    }

    /** The group stream NAKs of members are for; none without a multicast group (NAKs are then ignored). */
    void groupSender(final GroupSender groupSender)
    {
        this.groupSender = groupSender;
    }

    /** Test hook that may drop datagrams before they are verified (loss injection). */
    public void hook(final ReceiveHook hook)
    {
        this.hook = hook;
    }

    /**
     * @param nowNanos  the loop's monotonic time.
     * @param nowMillis the loop's {@link SteadyClock} time (record lifetimes, rate budgets); what is compared with a
     *                  peer's clock or published for display is converted to the wall clock ({@link ClockFrame}).
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
            counters.datagramsFromUnexpectedAddress.incrementRelease();
        }
        final long wallMillis = clockFrame.wallMillis(nowMillis);
        liveness.onHeard(peer, nowNanos, wallMillis);

        verifier.acceptLast();
        switch (header.type())
        {
            case FrameType.BATCH:
                streamReceiver.onBatch(peer, batch.wrap(buffer, 0), nowMillis);
                break;

            case FrameType.ACK:
                ack.wrap(buffer, 0);
                if (ack.streamSenderId() == nodeId)
                {
                    streamSender.onAck(peer, ack, nowNanos);
                }
                break;

            case FrameType.HEARTBEAT:
                clocks.onHeartbeat(peer, heartbeat.wrap(buffer, 0), wallMillis);
                streamReceiver.onHeartbeat(peer, heartbeat, nowMillis);
                if (null != snapshotClient)
                {
                    snapshotClient.onHeartbeat(peer, heartbeat);
                }
                break;

            case FrameType.SYNC:
                streamReceiver.onSync(peer, sync.wrap(buffer, 0), nowMillis);
                break;

            case FrameType.SNAPSHOT_REQUEST:
                if (null != snapshotServer)
                {
                    snapshotServer.onRequest(peer, snapshotRequest.wrap(buffer, 0), nowNanos);
                }
                break;

            case FrameType.SNAPSHOT_CHUNK:
                if (null != snapshotClient)
                {
                    snapshotClient.onChunk(peer, snapshotChunk.wrap(buffer, 0), nowMillis);
                }
                break;

            case FrameType.NAK:
                if (null != groupSender)
                {
                    groupSender.onNak(peer, nak.wrap(buffer, 0), nowNanos);
                }
                break;

            default:
                break;
        }
    }

    /** Decides per datagram whether to pretend it was lost. */
    @FunctionalInterface
    public interface ReceiveHook
    {
        boolean drop();
    }
}
