package io.blocksync.daemon.node;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/**
 * The node's local time frame, for every local timer: ban and tombstone expiries, applied-at times, the expiry sweep,
 * detector windows, per-origin rate budgets and the firewall's kernel timeouts. It is a wall-clock reading taken once
 * at start (the anchor) plus the monotonic time elapsed since ({@link NanoClock}, {@code CLOCK_MONOTONIC} on Linux),
 * so a step of the wall clock while the node runs (NTP correcting a board without a real-time clock, an operator
 * setting the date) changes nothing local. Only what crosses the wire (origin times, hybrid logical clock versions,
 * HEARTBEAT clocks) reads the wall clock; {@link ClockFrame} watches the two drift apart.
 * <p>
 * Unix ms, like the wall clock it starts from. Immutable and thread-safe: the loop and the firewall read it.
 */
public final class SteadyClock implements EpochClock
{
    private static final long NANOS_PER_MILLI = 1_000_000;

    private final NanoClock nanoClock;
    private final long anchorMillis;
    private final long anchorNanos;

    /**
     * @param nanoClock    monotonic clock, ns.
     * @param anchorMillis the frame's time now, Unix ms.
     */
    public SteadyClock(final NanoClock nanoClock, final long anchorMillis)
    {
        this.nanoClock = nanoClock;
        this.anchorMillis = anchorMillis;
        this.anchorNanos = nanoClock.nanoTime();
    }

    /**
     * Continue the frame a node recorded before it stopped, so stored expiries keep their meaning without rewriting
     * the store: now is the wall clock plus the recorded offset (the downtime counted on the wall clock), but never
     * before the frame's last recorded time. A wall clock that is behind at boot (a board without a real-time clock
     * starts in 1970 or at its last saved time) therefore counts no downtime rather than a negative one; a wall clock
     * that is ahead at boot counts as downtime, which nothing local can tell apart from a real one.
     *
     * @param last      the frame as recorded ({@link ProgressFile#readFrame}), {@link ProgressFile.Frame#NONE} for none.
     * @param wallClock wall clock, Unix ms.
     * @param nanoClock monotonic clock, ns.
     */
    public static SteadyClock resume(final ProgressFile.Frame last, final EpochClock wallClock, final NanoClock nanoClock)
    {
        return new SteadyClock(nanoClock, Math.max(wallClock.time() + last.offsetMillis(), last.timeMillis()));
    }

    /** The frame's time now, Unix ms. */
    public long time()
    {
        return timeAt(nanoClock.nanoTime());
    }

    /**
     * The frame's time at a reading of its monotonic clock, so one duty cycle reads the clock once.
     *
     * @param nanoTime a {@link NanoClock#nanoTime()} reading of the clock given at construction.
     * @return Unix ms in this frame.
     */
    public long timeAt(final long nanoTime)
    {
        return anchorMillis + Math.floorDiv(nanoTime - anchorNanos, NANOS_PER_MILLI);
    }
}
