package io.blocksync.daemon.table;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * This node's hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014), the source of every record's
 * {@code version}: a value {@code wall_ms << 16 | counter} that stays close to the wall clock yet never runs backwards
 * and is always above every trusted value this node has received. So a decision made here after it heard of another
 * orders after it, whatever the two nodes' wall clocks say.
 * <ul>
 *   <li>A local decision takes {@link #tick}: {@code max(hlc + 1, now_ms << 16)}.</li>
 *   <li>Every received record version and HEARTBEAT clock goes through {@link #observe}: {@code max(hlc, received)}.</li>
 * </ul>
 * A received value more than {@code maxLeadMillis} ({@code max-clock-skew}) ahead of this node's wall clock is not
 * taken (and counted), and a local decision is versioned above what the clock took only to outvote an entry a peer
 * versioned beyond that bound (the entry's version plus one, see {@code BanTable}): so, while wall clocks do not step
 * back, every version this node assigns from its clock is at most its wall clock plus {@code max-clock-skew} (plus the
 * rare carry of 65,536 decisions in one ms). A peer can push the clock that far and no further; what it pushes is passed
 * on, so a receiver must accept a lead of twice the skew ({@link #refusalLeadMillis}), never just its own take bound.
 * Loop thread only; allocation-free.
 */
public final class HybridLogicalClock
{
    /** Bits of the logical counter below the wall-clock milliseconds. */
    public static final int LOGICAL_BITS = 16;
    /**
     * Room above twice the skew in {@link #refusalLeadMillis}: counter carries, and the ms between one node's read of
     * its clock and another's.
     */
    public static final long REFUSAL_MARGIN_MILLIS = 1_000L;

    private final EpochClock epochClock;
    private final long maxLeadMillis;
    private final AtomicCounter refused;
    private long hlc;

    /**
     * @param epochClock    wall clock, Unix ms, for the no-argument forms.
     * @param maxLeadMillis how far ahead of this node's wall clock a received value may be and still be taken, ms:
     *                      {@code [protocol] max-clock-skew}, the most honest wall clocks may differ by; at least 0.
     * @param refused       counts received values not taken for being too far ahead
     *                      ({@code clock_refused_future_hlc}).
     * @throws IllegalArgumentException when {@code maxLeadMillis} is negative.
     */
    public HybridLogicalClock(final EpochClock epochClock, final long maxLeadMillis, final AtomicCounter refused)
    {
        if (maxLeadMillis < 0)
        {
            throw new IllegalArgumentException("max lead " + maxLeadMillis + " ms is negative");
        }
        this.epochClock = epochClock;
        this.maxLeadMillis = maxLeadMillis;
        this.refused = refused;
    }

    /** The clock value of a wall-clock time with counter 0. */
    public static long of(final long wallMillis)
    {
        return wallMillis << LOGICAL_BITS;
    }

    /**
     * How far ahead of a receiver's wall clock a peer's version may be before the record is refused, for a take bound
     * of {@code maxLeadMillis}: {@code 2 * maxLeadMillis + }{@link #REFUSAL_MARGIN_MILLIS}. An honest origin versions
     * at most {@code maxLeadMillis} ahead of its own clock, which is at most {@code maxLeadMillis} ahead of any other
     * honest node's: so no record an honest node versions from its clock is refused for its version at an honest peer
     * (a decision outvoting an entry versioned beyond the take bound may be, for up to the skew, until catch-up).
     */
    public static long refusalLeadMillis(final long maxLeadMillis)
    {
        return 2 * maxLeadMillis + REFUSAL_MARGIN_MILLIS;
    }

    /** How far ahead of this node's wall clock a received value may be and still be taken, ms. */
    public long maxLeadMillis()
    {
        return maxLeadMillis;
    }

    /** The wall-clock milliseconds part of a clock value. */
    public static long wallMillis(final long hlc)
    {
        return hlc >>> LOGICAL_BITS;
    }

    /** A new value for a local decision, above every value given or taken so far, at the injected clock's now. */
    public long tick()
    {
        return tick(epochClock.time());
    }

    /** As {@link #tick()}, at {@code nowMillis} (the loop's now, so one cycle sees one time). */
    public long tick(final long nowMillis)
    {
        hlc = Math.max(hlc + 1, of(nowMillis));
        return hlc;
    }

    /** The current value without advancing it, as a HEARTBEAT carries it. */
    public long read(final long nowMillis)
    {
        return Math.max(hlc, of(nowMillis));
    }

    /**
     * Whether a received value is one this node takes at {@code nowMillis}: not negative, at most
     * {@link #maxLeadMillis()} ahead.
     */
    public boolean isTrusted(final long received, final long nowMillis)
    {
        return received >= 0 && received <= of(nowMillis + maxLeadMillis);
    }

    /** {@link #observe(long, long)} at the injected clock's now. */
    public boolean observe(final long received)
    {
        return observe(received, epochClock.time());
    }

    /**
     * Take a value received from a peer (a record's version, a HEARTBEAT's clock).
     *
     * @return false, counted and ignored, when it is not {@link #isTrusted trusted}.
     */
    public boolean observe(final long received, final long nowMillis)
    {
        if (!isTrusted(received, nowMillis))
        {
            refused.incrementRelease();
            return false;
        }
        hlc = Math.max(hlc, received);
        return true;
    }
}
