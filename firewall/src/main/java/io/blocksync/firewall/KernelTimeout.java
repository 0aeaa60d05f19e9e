package io.blocksync.firewall;

import io.blocksync.codec.Ban;

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

        return Math.max(1, Math.floorDiv(expiresAtMillis - nowMillis + MILLIS_PER_SECOND - 1, MILLIS_PER_SECOND));
    }
}
