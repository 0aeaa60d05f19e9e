package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Acknowledges peers' streams: the receive side tells it why a peer is owed an ACK, and {@link #poll()} sends one
 * ACK per peer per duty cycle at most, however many batches arrived, stating the cumulative point and selective
 * bitmap of {@link Peer#stream()}. Owns each peer's {@link PeerAcks}.
 * <p>
 * An ACK promises the peer that what it acknowledges survives a power loss here: when a peer is owed one, the
 * stream's position is captured together with a {@link GroupCommit#mark() point}, and that ACK is sent only once
 * the point is durable. Batches taken meanwhile are acknowledged by the next ACK, captured after this one is sent,
 * so a steady stream still gets an ACK per sync.
 * <p>
 * Every ACK advertises the {@link ReceiveWindow}: how many batches beyond its cumulative point the peer may send now
 * ({@link #advertised}: the room counted from what this node has taken by the time the ACK leaves).
 * When the window has grown to more than twice what a peer was last told (the firewall's backlog drained), that peer
 * is owed an ACK saying so; a lost one is repeated at the peer's next HEARTBEAT, which shows batches we lack.
 */
public final class AckSender
{
    private final Peer[] peers;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final GroupCommit commit;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private final ReceiveWindow window;

    /** As {@link #AckSender(NodeContext, ReceiveWindow)} with the socket's share as the only limit. */
    public AckSender(final NodeContext context)
    {
        this(context, new ReceiveWindow(null, context.peers().length));
    }

    /** @param window the receive window every ACK advertises. */
    public AckSender(final NodeContext context, final ReceiveWindow window)
    {
        this.window = window;
        this.peers = context.peers();
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
        this.commit = context.groupCommit();
    }

    /** The receive window every ACK advertises. */
    public ReceiveWindow window()
    {
        return window;
    }

    /** An authentic BATCH arrived from the peer (taken, a duplicate, or not yet takeable): say where we are. */
    public void onBatch(final Peer peer)
    {
        peer.acks().pending = true;
    }

    /**
     * The peer's HEARTBEAT shows it has sent batches we lack, or that it no longer holds some we never got (we
     * skipped past them): our ACKs may have been lost, or the cumulative point moved without a batch.
     */
    public void onBehind(final Peer peer)
    {
        peer.acks().pending = true;
    }

    /**
     * @return ACKs sent.
     */
    public int poll()
    {
        int sent = 0;
        final int batches = window.batches();
        for (final Peer peer : peers)
        {
            final PeerAcks acks = peer.acks();
            if (acks.told >= 0 && acks.told * 2 < batches && acks.told < AckFrameFlyweight.MAX_RECEIVE_WINDOW)
            {
                // The window reopened since we last spoke: say so, or the peer waits for its next heartbeat.
                acks.pending = true;
            }
            if (acks.pending && !acks.held)
            {
                acks.pending = false;
                acks.held = true;
                acks.point = commit.mark();
                acks.cumulative = peer.stream().cumulative();
                acks.selectiveBitmap = peer.stream().selectiveBitmap();
            }
            if (acks.held && commit.isDurable(acks.point))
            {
                acks.held = false;
                ack.begin(frame, 0)
                    .streamSenderId(peer.nodeId())
                    .cumulative(acks.cumulative)
                    .selectiveBitmap(acks.selectiveBitmap)
                    .receiveWindow(advertised(batches, peer.stream().cumulative() - acks.cumulative));
                acks.told = batches;
                final int length = sealer.stamp(frame, 0, AckFrameFlyweight.UNSEALED_LENGTH);
                peer.link().seal(frame, 0, length);
                transport.send(frameView, 0, length, peer.address());
                counters.acksSent.incrementRelease();
                sent++;
            }
        }
        return sent;
    }

    /**
     * The window an ACK advertises beyond its cumulative point: the room now ({@link ReceiveWindow#batches()}, counted
     * from what this node has taken) plus the batches taken since the point was captured. The ACK waited for the sync
     * that made its point durable, and what arrived meanwhile is out of the socket buffer and counted in the firewall's
     * backlog already: counted from the older point alone, the window would shrink by a sync's worth of batches, and a
     * sender whose ACKs wait for a slow disk would send a window per sync instead of keeping the room filled (issue 13:
     * 100,000 bans to 10 peers on one shared disk at about a sync's pace).
     *
     * @param batches    the room now, 0 when closed (then 0: nothing new).
     * @param takenSince batches taken beyond the ACK's cumulative point since it was captured.
     * @return 0 to {@link AckFrameFlyweight#MAX_RECEIVE_WINDOW}.
     */
    static int advertised(final int batches, final long takenSince)
    {
        return batches <= 0 ? 0 : (int)Math.min(AckFrameFlyweight.MAX_RECEIVE_WINDOW, batches + Math.max(0, takenSince));
    }

    /** Whether a peer is owed an ACK, and the one waiting for a sync: written by {@link AckSender} alone. */
    public static final class PeerAcks
    {
        private boolean pending;
        private boolean held;
        private long point;
        private long cumulative;
        private long selectiveBitmap;
        // The receive window the last ACK to this peer advertised; -1 before the first.
        private int told = -1;

        PeerAcks()
        {
        }

        public boolean isPending()
        {
            return pending;
        }

        /** Whether an ACK is captured and waits for the sync that covers it. */
        public boolean isHeld()
        {
            return held;
        }
    }
}
