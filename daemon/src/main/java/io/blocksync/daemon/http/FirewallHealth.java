package io.blocksync.daemon.http;

import io.blocksync.firewall.FailureKind;
import io.blocksync.firewall.Firewall;

/**
 * Whether the firewall backend is healthy, for {@code /status}: no apply, partial apply or check failure in the last
 * {@link #WINDOW_MILLIS}. The counts only grow, so the time of the last change is kept here, on the HTTP thread, from
 * one request to the next (a failure before the first request counts from the server's start).
 */
final class FirewallHealth
{
    static final long WINDOW_MILLIS = 60_000;
    private static final FailureKind[] HEALTH_KINDS = { FailureKind.APPLY, FailureKind.PARTIAL, FailureKind.CHECK };

    private final Firewall firewall;
    private long lastTotal;
    private long lastChangeMillis;

    FirewallHealth(final Firewall firewall, final long nowMillis)
    {
        this.firewall = firewall;
        this.lastTotal = 0;
        this.lastChangeMillis = total() > 0 ? nowMillis : Long.MIN_VALUE / 2;
        this.lastTotal = total();
    }

    /** HTTP thread. */
    synchronized boolean isHealthy(final long nowMillis)
    {
        final long total = total();
        if (total != lastTotal)
        {
            lastTotal = total;
            lastChangeMillis = nowMillis;
        }
        return nowMillis - lastChangeMillis >= WINDOW_MILLIS;
    }

    private long total()
    {
        long total = 0;
        for (final FailureKind kind : HEALTH_KINDS)
        {
            total += firewall.failures(kind);
        }
        return total;
    }
}
