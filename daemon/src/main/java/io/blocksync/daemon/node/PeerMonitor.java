package io.blocksync.daemon.node;

/**
 * The peer-facing timers of the duty cycle, in order: ACKs owed ({@link AckSender}), the HEARTBEAT when due
 * ({@link HeartbeatSender}), liveness ({@link LivenessMonitor}). Holds no state of its own.
 */
public final class PeerMonitor
{
    private final AckSender ackSender;
    private final HeartbeatSender heartbeatSender;
    private final LivenessMonitor liveness;

    public PeerMonitor(final AckSender ackSender, final HeartbeatSender heartbeatSender, final LivenessMonitor liveness)
    {
        this.ackSender = ackSender;
        this.heartbeatSender = heartbeatSender;
        this.liveness = liveness;
    }

    /**
     * @return frames sent plus state changes.
     */
    public int poll(final long nowNanos, final long nowMillis)
    {
        return ackSender.poll() + heartbeatSender.poll(nowNanos, nowMillis) + liveness.poll(nowNanos);
    }

    /** The earlier of the next heartbeat and the next liveness check. */
    public long nextDeadlineNanos()
    {
        return Math.min(heartbeatSender.nextDeadlineNanos(), liveness.nextDeadlineNanos());
    }
}
