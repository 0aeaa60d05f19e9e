package io.blocksync.daemon.table;

/**
 * How far ahead of this node's wall clock a peer's record may be, from {@code [protocol] max-clock-skew} S: its
 * origin time at most S ahead, its version at most {@link HybridLogicalClock#refusalLeadMillis 2S + 1 s} ahead
 * (PROTOCOL.md, "The clock bound"). Beyond either, the record is refused for now: the bound moves with the clock.
 * Immutable; allocation-free.
 */
final class ClockBounds
{
    private final long maxClockSkewMillis;
    private final long refusalLeadMillis;

    /**
     * @param maxClockSkewMillis S, ms, at least 0.
     * @throws IllegalArgumentException when it is negative.
     */
    ClockBounds(final long maxClockSkewMillis)
    {
        if (maxClockSkewMillis < 0)
        {
            throw new IllegalArgumentException("max clock skew " + maxClockSkewMillis + " ms is negative");
        }
        this.maxClockSkewMillis = maxClockSkewMillis;
        this.refusalLeadMillis = HybridLogicalClock.refusalLeadMillis(maxClockSkewMillis);
    }

    /** Whether a record stamped {@code originTimeMillis} and versioned {@code version} is too far ahead at this wall time. */
    boolean isTooFarAhead(final long originTimeMillis, final long version, final long wallMillis)
    {
        return originTimeMillis > wallMillis + maxClockSkewMillis || version < 0 ||
            version > HybridLogicalClock.of(wallMillis + refusalLeadMillis);
    }

    /**
     * Whether a local decision should be versioned just above an entry's {@code version}: one a peer's record may carry,
     * to the millisecond, so a run of local decisions on one prefix keeps outvoting itself; not a bogus one.
     */
    boolean mayOutvote(final long version, final long wallMillis)
    {
        return version >= 0 && HybridLogicalClock.wallMillis(version) <= wallMillis + refusalLeadMillis;
    }
}
