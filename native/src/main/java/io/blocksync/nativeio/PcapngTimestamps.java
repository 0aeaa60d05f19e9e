package io.blocksync.nativeio;

/**
 * pcapng timestamps: a 64-bit count in the interface's resolution (if_tsresol) plus its offset (if_tsoffset).
 */
public final class PcapngTimestamps
{
    /** if_tsresol when the interface block has none: microseconds. */
    public static final int DEFAULT_RESOLUTION = 6;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L };

    private PcapngTimestamps()
    {
    }

    /**
     * Convert a pcapng timestamp to nanoseconds since the epoch.
     *
     * @param timestamp     in units of the resolution.
     * @param resolution    the if_tsresol byte: top bit clear for 10^-n seconds, set for 2^-n seconds.
     * @param offsetSeconds the if_tsoffset value.
     * @return nanoseconds since the epoch; 0 plus the offset for a resolution finer than a long can scale.
     */
    public static long toNanos(final long timestamp, final int resolution, final long offsetSeconds)
    {
        final int exponent = resolution & 0x7F;
        final long nanos;
        if (0 == (resolution & 0x80))
        {
            if (exponent <= 9)
            {
                nanos = timestamp * POWERS_OF_TEN[9 - exponent];
            }
            else if (exponent - 9 < POWERS_OF_TEN.length)
            {
                nanos = Long.divideUnsigned(timestamp, POWERS_OF_TEN[exponent - 9]);
            }
            else
            {
                nanos = 0;
            }
        }
        else if (exponent >= Long.SIZE)
        {
            nanos = 0;
        }
        else
        {
            final long seconds = timestamp >>> exponent;
            final long fraction = timestamp & ((1L << exponent) - 1);
            // A 30-bit factor keeps fraction * 10^9 inside 64 bits up to 2^-33 resolution.
            final long fractionNanos = exponent <= 33 ?
                (fraction * NANOS_PER_SECOND) >>> exponent :
                (long)Math.scalb((double)fraction * NANOS_PER_SECOND, -exponent);
            nanos = seconds * NANOS_PER_SECOND + fractionNanos;
        }

        return nanos + offsetSeconds * NANOS_PER_SECOND;
    }
}
