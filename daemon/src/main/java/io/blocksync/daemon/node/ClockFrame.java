package io.blocksync.daemon.node;

import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;

/**
 * The loop's view of its two clocks: the node's {@link SteadyClock} (every local timer) and the wall clock (what
 * crosses the wire). Each duty cycle {@link #observe} takes one reading of each; their difference, the frame offset
 * ({@code steady - wall}, ms), is what converts between them ({@link #wallMillis}). A wall-clock step shows as a
 * change of the offset: one beyond {@link #STEP_THRESHOLD_MILLIS} since the last one reported is logged once and
 * counted ({@code clock_steps}) and nothing local moves. The offset is published ({@code clock_frame_offset_ms})
 * and recorded in the {@link ProgressFile} with the frame's time about once a second and at every step (plain stores
 * to the mapped file, never a sync on the loop), so the next start continues the same frame
 * ({@link SteadyClock#resume}) and the CLI shows remaining times in it. The offset recorded by the previous run is
 * the first one reported against, so a clock changed while the node was stopped is reported at start.
 * <p>
 * Loop thread only; allocation-free: two subtractions a cycle.
 */
public final class ClockFrame
{
    /** A change of the frame offset larger than this, either way, is a wall-clock step; smaller ones are jitter. */
    public static final long STEP_THRESHOLD_MILLIS = 1000;

    private final int nodeId;
    private final SteadyClock steadyClock;
    private final ProgressFile progress;
    private final NodeCounters counters;
    private final EventLog.Line log;
    private long offsetMillis;
    private long reportedOffsetMillis;

    /**
     * @param nodeId      for the log line.
     * @param steadyClock the node's frame, as {@link SteadyClock#resume} continued it.
     * @param progress    where the offset was recorded by the last run and is recorded again.
     */
    public ClockFrame(
        final int nodeId, final SteadyClock steadyClock, final ProgressFile progress, final NodeCounters counters, final EventLog log)
    {
        this.nodeId = nodeId;
        this.steadyClock = steadyClock;
        this.progress = progress;
        this.counters = counters;
        this.log = log.newLine();
        this.offsetMillis = progress.frameOffsetMillis();
        this.reportedOffsetMillis = offsetMillis;
    }

    public SteadyClock steadyClock()
    {
        return steadyClock;
    }

    /**
     * One duty cycle's readings of both clocks.
     *
     * @param steadyMillis the frame's time ({@link SteadyClock#timeAt}).
     * @param wallMillis   the wall clock, Unix ms.
     * @return {@code wallMillis}, for the caller's convenience.
     */
    public long observe(final long steadyMillis, final long wallMillis)
    {
        offsetMillis = steadyMillis - wallMillis;
        final long wallStep = reportedOffsetMillis - offsetMillis;
        if (wallStep > STEP_THRESHOLD_MILLIS || wallStep < -STEP_THRESHOLD_MILLIS)
        {
            reportedOffsetMillis = offsetMillis;
            counters.clockSteps.incrementRelease();
            log.begin().append("warning: node ").append(nodeId).append(": the wall clock stepped ")
                .append(wallStep > 0 ? "forward" : "back").append(" by ").append(Math.abs(wallStep))
                .append(" ms against the node's steady clock; bans, tombstones, detector windows and kernel timeouts ")
                .append("keep counting on the steady clock (now ").append(offsetMillis)
                .append(" ms from the wall clock), origin times and versions follow the wall clock").commit();
            record(steadyMillis);
        }
        return wallMillis;
    }

    /** Record the offset and the frame's time for the next start and the CLI; about once a second. */
    public void record(final long steadyMillis)
    {
        progress.frameOffsetMillis(offsetMillis);
        progress.frameTimeMillis(steadyMillis);
        counters.clockFrameOffsetMs.setRelease(offsetMillis);
    }

    /** The steady clock minus the wall clock as last observed, ms. */
    public long offsetMillis()
    {
        return offsetMillis;
    }

    /** The wall-clock time of a steady time, at the offset last observed: for what crosses the wire or is shown. */
    public long wallMillis(final long steadyMillis)
    {
        return steadyMillis - offsetMillis;
    }
}
