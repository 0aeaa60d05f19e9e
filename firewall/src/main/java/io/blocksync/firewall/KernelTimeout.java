package io.blocksync.firewall;

import io.blocksync.codec.Ban;

import java.util.concurrent.TimeUnit;

/**
 * The one rule for how long a ban has left, used wherever an expiry turns into a kernel timeout: the start-up
 * reconcile, the hand-over from the loop and the worker's re-asserts.
 */
public final class KernelTimeout
{
    private static final long MILLIS_PER_SECOND = 1000;

    private KernelTimeout()
    {
    }

    /**
     * @param expiresAtMillis epoch ms when the ban ends, {@link Ban#PERMANENT} (0) for never.
     * @param nowMillis       epoch ms now, on the same clock.
     * @return whole seconds left, rounded up so a ban never ends early, at least 1 for a ban that is due or overdue
     * (the kernel treats 0 as no timeout at all); 0 for a permanent ban.
     */
    public static long secondsLeft(final long expiresAtMillis, final long nowMillis)
    {
        if (Ban.PERMANENT == expiresAtMillis)
        {
            return 0;
        }

        return roundUp(expiresAtMillis - nowMillis, MILLIS_PER_SECOND);
    }

    /**
     * The same rule for a deadline on a monotonic clock, where no value means "permanent".
     *
     * @param remaining time until the deadline in {@code unit}, negative when overdue.
     * @return whole seconds left, rounded up, at least 1.
     */
    public static long secondsLeft(final long remaining, final TimeUnit unit)
    {
        return roundUp(remaining, unit.convert(1, TimeUnit.SECONDS));
    }

    private static long roundUp(final long remaining, final long unitsPerSecond)
    {
        final long whole = Math.floorDiv(remaining, unitsPerSecond);

        return Math.max(1, 0 == Math.floorMod(remaining, unitsPerSecond) ? whole : whole + 1);
    }
}
