package io.blocksync.daemon.node;

import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.PeerFigures;
import io.blocksync.daemon.table.HybridLogicalClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Peers' clocks, from their HEARTBEATs: each advances this node's {@link HybridLogicalClock} to the sender's (so a
 * decision made here orders after everything the sender had seen), and gives the sender's wall-clock offset from
 * ours, {@code sender_time_millis - (now - rtt / 2)} in ms (positive: the peer is ahead). The offset is published per
 * peer ({@code clock_offset_ms}); when it goes beyond {@code clock-warning} either way, one warning is logged and
 * counted ({@code clock_warnings}), and the next one only after the offset has come back under three quarters of the
 * bound, so a clock hovering at the bound does not flood the log. Clocks no longer decide what wins or how long a
 * ban lasts; the warning is for what they still show (origin times, and the {@code max-clock-skew} refusal).
 * Owns each peer's {@link PeerClock}. Loop thread only; allocation-free.
 */
public final class ClockMonitor
{
    /** Sender times are clamped to a century either side before subtracting, so no value overflows. */
    private static final long CLAMP_MILLIS = 100L * 365 * 86_400_000L;

    private final int nodeId;
    private final HybridLogicalClock clock;
    private final long warningMillis;
    private final NodeCounters counters;
    private final EventLog.Line log;

    public ClockMonitor(final NodeContext context)
    {
        this.nodeId = context.nodeId();
        this.clock = context.hybridClock();
        this.warningMillis = context.clockWarningMillis();
        this.counters = context.counters();
        this.log = context.log().newLine();
    }

    /**
     * An authentic HEARTBEAT from the peer.
     *
     * @param nowMillis this node's wall clock, Unix ms (never its steady clock: the peer's is a wall clock too).
     */
    void onHeartbeat(final Peer peer, final HeartbeatFrameFlyweight heartbeat, final long nowMillis)
    {
        clock.observe(heartbeat.senderHlc(), nowMillis);

        final long halfRttMillis = peer.timer().smoothedRttNanos() / 2_000_000;
        final long senderTime = Math.max(nowMillis - CLAMP_MILLIS, Math.min(nowMillis + CLAMP_MILLIS, heartbeat.senderTimeMillis()));
        final long offsetMillis = senderTime - (nowMillis - halfRttMillis);
        final PeerClock state = peer.clock();
        state.offsetMillis = offsetMillis;
        state.offsetCounter.setRelease(offsetMillis);

        final long magnitude = Math.abs(offsetMillis);
        if (!state.warned && magnitude > warningMillis)
        {
            state.warned = true;
            counters.clockWarnings.incrementRelease();
            log.begin().append("warning: node ").append(nodeId).append(": peer ").append(peer.nodeId()).append(" (")
                .append(peer.name()).append(")'s clock is ").append(magnitude).append(" ms ")
                .append(offsetMillis > 0 ? "ahead of" : "behind").append(" ours (clock-warning ").append(warningMillis)
                .append(" ms); bans and unbans still order and last correctly, but origin times shown are off and its ")
                .append("decisions are refused if it runs further ahead than max-clock-skew; check NTP on both").commit();
        }
        else if (state.warned && magnitude <= warningMillis / 4 * 3)
        {
            state.warned = false;
            log.begin().append("node ").append(nodeId).append(": peer ").append(peer.nodeId()).append(" (")
                .append(peer.name()).append(")'s clock is back within ").append(magnitude).append(" ms of ours").commit();
        }
    }

    /** One peer's clock as the monitor last saw it: written by {@link ClockMonitor} alone. */
    public static final class PeerClock
    {
        private final AtomicCounter offsetCounter;
        private long offsetMillis;
        private boolean warned;

        PeerClock(final AtomicCounter offsetCounter)
        {
            this.offsetCounter = offsetCounter;
            // Readers leave the offset out until a HEARTBEAT measured one, rather than show a false 0.
            offsetCounter.setRelease(PeerFigures.OFFSET_UNKNOWN);
        }

        /** The peer's wall clock minus ours at its last HEARTBEAT, ms; 0 before any. */
        public long offsetMillis()
        {
            return offsetMillis;
        }

        /** Whether its offset is beyond {@code clock-warning} and was warned of. */
        public boolean isWarned()
        {
            return warned;
        }
    }
}
