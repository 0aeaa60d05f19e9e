package io.blocksync.daemon.node;

import io.blocksync.daemon.status.NodeCounters;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.net.InetSocketAddress;

/**
 * One trusted peer as the loop sees it: who and where it is, and one part per role of what the loop knows about
 * it. Each part is written by its role alone (its fields are private to that role's class) and read by the others
 * through accessors:
 * <ul>
 *   <li>{@link #window()}: how much of our stream it has acknowledged and what we send it next ({@link StreamSender});</li>
 *   <li>{@link #timer()}: round-trip time, retransmission timeout and backoff ({@link RetransmitHandler});</li>
 *   <li>{@link #stream()}: what we have received of its stream ({@link StreamReceiver});</li>
 *   <li>{@link #acks()}: whether it is owed an ACK ({@link AckSender});</li>
 *   <li>{@link #liveness()}: up, suspect or down ({@link LivenessMonitor});</li>
 *   <li>{@link #catchUp()}: where it stayed behind, per origin ({@link CatchUp}).</li>
 * </ul>
 * Loop thread only, except {@link #publishedState()}.
 */
public final class Peer
{
    public static final int STATE_UNKNOWN = 0;
    public static final int STATE_UP = 1;
    public static final int STATE_SUSPECT = 2;
    public static final int STATE_DOWN = 3;

    private static final String[] STATE_NAMES = { "unknown", "up", "suspect", "down" };

    private final int nodeId;
    private final String name;
    private final InetSocketAddress address;
    private final StreamSender.PeerWindow window;
    private final RetransmitHandler.PeerTimer timer;
    private final StreamReceiver.PeerStream stream;
    private final AckSender.PeerAcks acks = new AckSender.PeerAcks();
    private final LivenessMonitor.PeerLiveness liveness;
    private final CatchUp.PeerCatchUp catchUp;

    /**
     * @param counters where the peer's status counters are allocated, in the order and with the labels the status
     *                 file has always had.
     */
    public Peer(final int nodeId, final String name, final InetSocketAddress address, final CountersManager counters)
    {
        this.nodeId = nodeId;
        this.name = name;
        this.address = address;
        final AtomicCounter stateCounter = counter(counters, 1, "state");
        final AtomicCounter lastHeardCounter = counter(counters, 2, "last_heard_ms");
        final AtomicCounter rttCounter = counter(counters, 3, "rtt_us");
        final AtomicCounter ackedCounter = counter(counters, 4, "acked_batches");
        final AtomicCounter sentCounter = counter(counters, 5, "sent_batches");
        final AtomicCounter retransmitCounter = counter(counters, 6, "retransmits");
        final AtomicCounter batchesReceivedCounter = counter(counters, 7, "batches_received");
        final AtomicCounter syncSentCounter = counter(counters, 8, "sync_frames_sent");
        liveness = new LivenessMonitor.PeerLiveness(stateCounter, lastHeardCounter);
        timer = new RetransmitHandler.PeerTimer(rttCounter, retransmitCounter);
        window = new StreamSender.PeerWindow(ackedCounter, sentCounter);
        stream = new StreamReceiver.PeerStream(batchesReceivedCounter);
        catchUp = new CatchUp.PeerCatchUp(syncSentCounter);
    }

    public int nodeId()
    {
        return nodeId;
    }

    public String name()
    {
        return name;
    }

    public InetSocketAddress address()
    {
        return address;
    }

    public StreamSender.PeerWindow window()
    {
        return window;
    }

    public RetransmitHandler.PeerTimer timer()
    {
        return timer;
    }

    public StreamReceiver.PeerStream stream()
    {
        return stream;
    }

    public AckSender.PeerAcks acks()
    {
        return acks;
    }

    public LivenessMonitor.PeerLiveness liveness()
    {
        return liveness;
    }

    public CatchUp.PeerCatchUp catchUp()
    {
        return catchUp;
    }

    /** Loop thread only: one of the {@code STATE_} constants. */
    public int state()
    {
        return liveness.state();
    }

    /** Any thread: the state as last published to the status counters. */
    public int publishedState()
    {
        return liveness.publishedState();
    }

    public static String stateName(final int state)
    {
        return state >= 0 && state < STATE_NAMES.length ? STATE_NAMES[state] : "invalid";
    }

    private AtomicCounter counter(final CountersManager counters, final int field, final String label)
    {
        return counters.newCounter(
            "peer " + nodeId + " (" + name + ") " + label,
            NodeCounters.PEER_COUNTER_TYPE_ID,
            key ->
            {
                key.putInt(0, nodeId);
                key.putInt(4, field);
            });
    }
}
