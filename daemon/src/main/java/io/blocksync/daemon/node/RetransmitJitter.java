package io.blocksync.daemon.node;

/**
 * Spreads retransmission timeouts by up to ±{@code spreadPerMille}/1000 so that peers which lost the same
 * datagram do not all retransmit in step. A 64-bit linear congruential generator (Knuth's MMIX constants) from an
 * explicit seed: the same seed gives the same timeouts, so a test or a captured trace reproduces exactly.
 */
public final class RetransmitJitter
{
    /** The node's spread: ±25%. */
    public static final int DEFAULT_SPREAD_PER_MILLE = 250;

    private final int spreadPerMille;
    private long state;

    /**
     * @param seed           any value; the node seeds from its start time, tests from a fixed number.
     * @param spreadPerMille 0 (no jitter) to 1000.
     */
    public RetransmitJitter(final long seed, final int spreadPerMille)
    {
        if (spreadPerMille < 0 || spreadPerMille > 1000)
        {
            throw new IllegalArgumentException("spread must be 0..1000 per mille: " + spreadPerMille);
        }
        this.state = seed;
        this.spreadPerMille = spreadPerMille;
    }

    /**
     * @param baseNanos the timeout before jitter, &gt;= 0.
     * @return {@code baseNanos} moved by a pseudo-random whole per mille in {@code [-spread, +spread]}.
     */
    public long apply(final long baseNanos)
    {
        state = state * 6364136223846793005L + 1442695040888963407L;
        final long perMille = ((state >>> 33) % (2L * spreadPerMille + 1)) - spreadPerMille;
        return baseNanos + baseNanos * perMille / 1000;
    }
}
