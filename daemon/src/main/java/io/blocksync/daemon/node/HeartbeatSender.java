package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Sends a HEARTBEAT every interval, sealed once and sent to every peer: our stream's next and oldest retained
 * sequences (so a peer knows what it lacks and what it can no longer get) and, per origin, the high water of the
 * decisions we hold (what drives the peers' {@link CatchUp}), and our wall and hybrid logical clocks ({@link ClockMonitor}). The first one goes out on the first poll.
 */
public final class HeartbeatSender
{
    private final Peer[] peers;
    private final Transport transport;
    private final PacketSealer sealer;
    private final RetainedBatches retained;
    private final HighWaterMarks highWater;
    private final NodeCounters counters;
    private final io.blocksync.daemon.table.HybridLogicalClock clock;
    private final long intervalNanos;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
    private long nextHeartbeatNanos;

    public HeartbeatSender(final NodeContext context)
    {
        this.peers = context.peers();
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.retained = context.retained();
        this.highWater = context.highWater();
        this.counters = context.counters();
        this.clock = context.hybridClock();
        this.intervalNanos = context.heartbeatIntervalNanos();
        this.nextHeartbeatNanos = context.nanoClock().nanoTime();
    }

    /**
     * @param nowNanos  loop time, for the interval.
     * @param nowMillis wall-clock time the frame carries.
     * @return 1 when a heartbeat went out, else 0.
     */
    public int poll(final long nowNanos, final long nowMillis)
    {
        if (nowNanos < nextHeartbeatNanos)
        {
            return 0;
        }
        nextHeartbeatNanos = nowNanos + intervalNanos;

        heartbeat.begin(frame, 0, retained.next(), retained.oldest(), nowMillis, clock.read(nowMillis));
        for (int i = 0, count = highWater.count(); i < count && heartbeat.remainingCapacity() > 0; i++)
        {
            heartbeat.appendEntry(highWater.nodeIdAt(i), highWater.highWaterAt(i));
        }
        final int length = sealer.stamp(frame, 0, heartbeat.unsealedLength());
        for (final Peer peer : peers)
        {
            peer.link().seal(frame, 0, length);
            transport.send(frameView, 0, length, peer.address());
        }
        counters.heartbeatsSent.incrementRelease();
        return 1;
    }

    public long nextDeadlineNanos()
    {
        return nextHeartbeatNanos;
    }
}
