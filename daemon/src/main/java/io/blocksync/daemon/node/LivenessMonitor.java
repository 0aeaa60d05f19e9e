package io.blocksync.daemon.node;

import io.blocksync.daemon.status.EventLog;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Whether each peer is alive, from the last time anything authentic was heard from it: up when heard, suspect
 * after {@link NodeContext#suspectAfterNanos()} of silence, down after {@link NodeContext#downAfterNanos()}
 * (a down peer no longer holds back the retained ring; it catches up by SYNC). Silence is checked once per
 * heartbeat interval; a peer never heard from stays unknown until it is down. Each change is logged.
 * Owns each peer's {@link PeerLiveness}.
 */
public final class LivenessMonitor
{
    private final int nodeId;
    private final Peer[] peers;
    private final EventLog.Line log;
    private final long checkIntervalNanos;
    private final long suspectAfterNanos;
    private final long downAfterNanos;
    private long nextCheckNanos;

    public LivenessMonitor(final NodeContext context)
    {
        this.nodeId = context.nodeId();
        this.peers = context.peers();
        this.log = context.log().newLine();
        this.checkIntervalNanos = context.heartbeatIntervalNanos();
        this.suspectAfterNanos = context.suspectAfterNanos();
        this.downAfterNanos = context.downAfterNanos();
        final long nowNanos = context.nanoClock().nanoTime();
        for (final Peer peer : peers)
        {
            peer.liveness().lastHeardNanos = nowNanos;
        }
        nextCheckNanos = nowNanos;
    }

    /**
     * Something authentic arrived from the peer.
     *
     * @param wallMillis wall clock, Unix ms: published as when it was last heard, for display.
     */
    public void onHeard(final Peer peer, final long nowNanos, final long wallMillis)
    {
        final PeerLiveness liveness = peer.liveness();
        liveness.lastHeardNanos = nowNanos;
        liveness.lastHeardCounter.setRelease(wallMillis);
        if (liveness.state != Peer.STATE_UP)
        {
            changeState(peer, Peer.STATE_UP);
        }
    }

    /**
     * @return state changes made.
     */
    public int poll(final long nowNanos)
    {
        if (nowNanos < nextCheckNanos)
        {
            return 0;
        }
        nextCheckNanos = nowNanos + checkIntervalNanos;

        int changes = 0;
        for (final Peer peer : peers)
        {
            final PeerLiveness liveness = peer.liveness();
            final long silentFor = nowNanos - liveness.lastHeardNanos;
            final int state = silentFor >= downAfterNanos ? Peer.STATE_DOWN :
                silentFor >= suspectAfterNanos ? Peer.STATE_SUSPECT : liveness.state;
            if (state != liveness.state && !(liveness.state == Peer.STATE_UNKNOWN && state == Peer.STATE_SUSPECT))
            {
                changeState(peer, state);
                changes++;
            }
        }
        return changes;
    }

    public long nextDeadlineNanos()
    {
        return nextCheckNanos;
    }

    private void changeState(final Peer peer, final int state)
    {
        final PeerLiveness liveness = peer.liveness();
        log.begin().append("node ").append(nodeId).append(": peer ").append(peer.nodeId()).append(" (")
            .append(peer.name()).append(") ").append(Peer.stateName(liveness.state)).append(" -> ")
            .append(Peer.stateName(state)).commit();
        liveness.state = state;
        liveness.stateCounter.setRelease(state);
    }

    /** Whether a peer is alive, and when it was last heard: written by {@link LivenessMonitor} alone. */
    public static final class PeerLiveness
    {
        private final AtomicCounter stateCounter;
        private final AtomicCounter lastHeardCounter;
        private long lastHeardNanos;
        private int state = Peer.STATE_UNKNOWN;

        PeerLiveness(final AtomicCounter stateCounter, final AtomicCounter lastHeardCounter)
        {
            this.stateCounter = stateCounter;
            this.lastHeardCounter = lastHeardCounter;
        }

        /** Loop thread: one of the {@code Peer.STATE_} constants. */
        public int state()
        {
            return state;
        }

        /** Any thread: the state as last published to the status counters. */
        public int publishedState()
        {
            return (int)stateCounter.getAcquire();
        }

        /** Loop nanosecond time the peer was last heard. */
        public long lastHeardNanos()
        {
            return lastHeardNanos;
        }
    }
}
