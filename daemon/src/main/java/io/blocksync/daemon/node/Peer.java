package io.blocksync.daemon.node;

import io.blocksync.codec.PeerLink;
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
 *   <li>{@link #catchUp()}: where it stayed behind, per origin ({@link CatchUp});</li>
 *   <li>{@link #clock()}: its clock's offset from ours ({@link ClockMonitor}).</li>
 * </ul>
 * Loop thread only, except {@link #publishedState()}.
 */
public final class Peer
{
    public static final int STATE_UNKNOWN = 0;
    public static final int STATE_UP = 1;
    public static final int STATE_SUSPECT = 2;
    public static final int STATE_DOWN = 3;

    /**
     * Ids of a peer's counters in the status file, the second int of the key (the first is the peer's node id).
     * A contract like {@link NodeCounters}' ids: a new counter takes a new id, never an existing one.
     */
    public static final int STATE_ID = 1;
    public static final int LAST_HEARD_MS_ID = 2;
    public static final int RTT_US_ID = 3;
    public static final int ACKED_BATCHES_ID = 4;
    public static final int SENT_BATCHES_ID = 5;
    public static final int RETRANSMITS_ID = 6;
    public static final int BATCHES_RECEIVED_ID = 7;
    public static final int SYNC_FRAMES_SENT_ID = 8;
    /** The peer's wall clock minus ours, ms, from its last HEARTBEAT (issue 10's id range: 65-69). */
    public static final int CLOCK_OFFSET_MS_ID = 67;

    private static final String[] STATE_NAMES = { "unknown", "up", "suspect", "down" };

    private final int nodeId;
    private final String name;
    private final InetSocketAddress address;
    private boolean groupMember;
    private final PeerLink link;
    private final StreamSender.PeerWindow window;
    private final PeerTimer timer;
    private final StreamReceiver.PeerStream stream;
    private final AckSender.PeerAcks acks = new AckSender.PeerAcks();
    private final LivenessMonitor.PeerLiveness liveness;
    private final CatchUp.PeerCatchUp catchUp;
    private final ClockMonitor.PeerClock clock;

    /**
     * @param link     the link's keys: seals every datagram sent to this peer ({@link PeerLink#seal}).
     * @param counters where the peer's status counters are allocated, in the order and with the labels the status
     *                 file has always had.
     */
    public Peer(
        final int nodeId,
        final String name,
        final InetSocketAddress address,
        final PeerLink link,
        final CountersManager counters)
    {
        if (link.peerId() != nodeId)
        {
            throw new IllegalArgumentException("link to " + link.peerId() + " given to peer " + nodeId);
        }
        this.nodeId = nodeId;
        this.name = name;
        this.address = address;
        this.link = link;
        final AtomicCounter stateCounter = counter(counters, STATE_ID, "state");
        final AtomicCounter lastHeardCounter = counter(counters, LAST_HEARD_MS_ID, "last_heard_ms");
        final AtomicCounter rttCounter = counter(counters, RTT_US_ID, "rtt_us");
        final AtomicCounter ackedCounter = counter(counters, ACKED_BATCHES_ID, "acked_batches");
        final AtomicCounter sentCounter = counter(counters, SENT_BATCHES_ID, "sent_batches");
        final AtomicCounter retransmitCounter = counter(counters, RETRANSMITS_ID, "retransmits");
        final AtomicCounter batchesReceivedCounter = counter(counters, BATCHES_RECEIVED_ID, "batches_received");
        final AtomicCounter syncSentCounter = counter(counters, SYNC_FRAMES_SENT_ID, "sync_frames_sent");
        liveness = new LivenessMonitor.PeerLiveness(stateCounter, lastHeardCounter);
        timer = new PeerTimer(rttCounter, retransmitCounter);
        window = new StreamSender.PeerWindow(ackedCounter, sentCounter);
        stream = new StreamReceiver.PeerStream(batchesReceivedCounter);
        catchUp = new CatchUp.PeerCatchUp(syncSentCounter);
        clock = new ClockMonitor.PeerClock(counter(counters, CLOCK_OFFSET_MS_ID, "clock_offset_ms"));
    }

    public int nodeId()
    {
        return nodeId;
    }

    /**
     * Whether this peer shares this node's multicast group ({@code [multicast] members}): its BATCH stream and ours
     * travel on the group (GROUP_BATCH, NAK repairs, SYNC for the rest), not as unicast BATCHes.
     */
    public boolean groupMember()
    {
        return groupMember;
    }

    /** Mark the peer as a member of this node's multicast group; before the agent is built. */
    public Peer groupMember(final boolean member)
    {
        this.groupMember = member;
        return this;
    }

    public String name()
    {
        return name;
    }

    public InetSocketAddress address()
    {
        return address;
    }

    /** The link's keys, to seal each datagram for this peer right before it is sent. */
    public PeerLink link()
    {
        return link;
    }

    public StreamSender.PeerWindow window()
    {
        return window;
    }

    public PeerTimer timer()
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

    public ClockMonitor.PeerClock clock()
    {
        return clock;
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
