package io.blocksync.daemon.node;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.net.InetSocketAddress;

/**
 * One trusted peer as the loop sees it: where it is, how much of our stream it has acknowledged, what we have
 * received of its stream, whether it is alive, and its round-trip time. Plain state, owned by the loop thread.
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

    // Our stream, as this peer has acknowledged it.
    long ackedCumulative;
    long ackedSelective;
    long nextToSend;
    long highestRetransmitted;
    long fastRetransmittedUpTo;
    long[] sentAtNanos;
    long retransmitDeadlineNanos = Long.MAX_VALUE;
    int backoffShift;

    // Its stream, as we have received it.
    final StreamReceiveState received = new StreamReceiveState();
    boolean ackPending;

    // Liveness and timing.
    long lastHeardNanos;
    int state = STATE_UNKNOWN;
    long smoothedRttNanos;
    long rttVarianceNanos;

    // Anti-entropy: per origin, the high water this peer advertised when it was behind us.
    final Long2LongHashMap behindAt = new Long2LongHashMap(-1);
    final Int2IntHashMap behindStreak = new Int2IntHashMap(0);

    final AtomicCounter stateCounter;
    final AtomicCounter lastHeardCounter;
    final AtomicCounter rttCounter;
    final AtomicCounter ackedCounter;
    final AtomicCounter sentCounter;
    final AtomicCounter retransmitCounter;
    final AtomicCounter batchesReceivedCounter;
    final AtomicCounter syncSentCounter;

    public Peer(final int nodeId, final String name, final InetSocketAddress address, final CountersManager counters)
    {
        this.nodeId = nodeId;
        this.name = name;
        this.address = address;
        stateCounter = counter(counters, 1, "state");
        lastHeardCounter = counter(counters, 2, "last_heard_ms");
        rttCounter = counter(counters, 3, "rtt_us");
        ackedCounter = counter(counters, 4, "acked_batches");
        sentCounter = counter(counters, 5, "sent_batches");
        retransmitCounter = counter(counters, 6, "retransmits");
        batchesReceivedCounter = counter(counters, 7, "batches_received");
        syncSentCounter = counter(counters, 8, "sync_frames_sent");
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

    /** Loop thread only. */
    public int state()
    {
        return state;
    }

    /** Any thread: the state as last published to the status counters. */
    public int publishedState()
    {
        return (int)stateCounter.getAcquire();
    }

    public static String stateName(final int state)
    {
        return state >= 0 && state < STATE_NAMES.length ? STATE_NAMES[state] : "invalid";
    }

    void state(final int newState)
    {
        state = newState;
        stateCounter.setRelease(newState);
    }

    /** RFC 6298 smoothing; only for batches sent once (Karn's rule is applied by the caller). */
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

    long retransmitTimeoutNanos(final long minimumNanos, final long maximumNanos)
    {
        final long base = smoothedRttNanos == 0 ? minimumNanos : smoothedRttNanos + 4 * rttVarianceNanos;
        final long backedOff = Math.max(minimumNanos, base) << Math.min(backoffShift, 16);
        return Math.min(maximumNanos, backedOff);
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
