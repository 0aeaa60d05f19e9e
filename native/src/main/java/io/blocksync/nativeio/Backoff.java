package io.blocksync.nativeio;

/**
 * Exponential delay between attempts: the minimum first, doubling up to the maximum, back to the minimum after a
 * run that lasted at least the maximum (a command that ran for hours and then died is restarted at once).
 */
public final class Backoff
{
    public static final long DEFAULT_MIN_MILLIS = 1_000;
    public static final long DEFAULT_MAX_MILLIS = 60_000;

    private final long minMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(final long minMillis, final long maxMillis)
    {
        if (minMillis < 1 || maxMillis < minMillis)
        {
            throw new IllegalArgumentException(
                "backoff is " + minMillis + " to " + maxMillis + " ms, expected 1 <= min <= max");
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.nextMillis = minMillis;
    }

    /**
     * @param runMillis how long the attempt that just ended lasted.
     * @return how long to wait before the next attempt.
     */
    public long delayAfter(final long runMillis)
    {
        if (runMillis >= maxMillis)
        {
            nextMillis = minMillis;
        }
        final long delay = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);

        return delay;
    }

    public void reset()
    {
        nextMillis = minMillis;
    }

    public long minMillis()
    {
        return minMillis;
    }

    public long maxMillis()
    {
        return maxMillis;
    }
}
