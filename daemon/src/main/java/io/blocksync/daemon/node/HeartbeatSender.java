package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Sends a HEARTBEAT every interval, stamped once and sealed for each peer: our stream's next and oldest retained
 * sequences (so a peer knows what it lacks and what it can no longer get), our wall and hybrid logical clocks
 * ({@link ClockMonitor}) and one page of our high-water list (what drives the peers' {@link CatchUp}) with the digest
 * of the whole list. Successive heartbeats page through the list ({@link HighWaterPages}), so a heartbeat stays
 * within one datagram and the work per interval is one page, whatever the fleet's size: up to
 * {@link HeartbeatFrameFlyweight#MAX_ENTRIES} origins the page is the whole list, every interval. A peer whose last
 * HEARTBEAT stated the same digest as ours is in step on every origin: it gets the same heartbeat without entries
 * ({@code heartbeats_in_step}), 88 bytes instead of up to 1200. The first one goes out on the first poll.
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
    private final UnsafeBuffer inStepFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer inStepView = inStepFrame.byteBuffer().duplicate();
    private final HeartbeatFrameFlyweight inStep = new HeartbeatFrameFlyweight();
    private final HighWaterPages pages;
    private final int pageEntries;
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
        this.pages = new HighWaterPages(highWater);
        this.pageEntries = context.heartbeatPageEntries();
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

        final long hlc = clock.read(nowMillis);
        final long digest = highWater.digest();
        heartbeat.begin(frame, 0, retained.next(), retained.oldest(), nowMillis, hlc);
        pages.nextPage(heartbeat, pageEntries);
        final int length = sealer.stamp(frame, 0, heartbeat.unsealedLength());
        int inStepLength = 0;
        for (final Peer peer : peers)
        {
            if (peer.catchUp().isInStep(digest))
            {
                if (inStepLength == 0)
                {
                    inStep.begin(inStepFrame, 0, retained.next(), retained.oldest(), nowMillis, hlc).page(digest, 0, 0);
                    inStepLength = sealer.stamp(inStepFrame, 0, inStep.unsealedLength());
                }
                peer.link().seal(inStepFrame, 0, inStepLength);
                transport.send(inStepView, 0, inStepLength, peer.address());
                counters.heartbeatsInStep.incrementRelease();
                continue;
            }
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
