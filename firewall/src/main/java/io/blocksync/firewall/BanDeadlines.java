package io.blocksync.firewall;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.blocksync.firewall.LiveBans.PERMANENT;

/**
 * The worker's arithmetic of time: when a ban ends on the monotonic clock (with jitter), the kernel timeout it gets
 * (time left from {@link KernelTimeout} plus grace, clamped to what the backend accepts) and retry backoff.
 * Worker thread only.
 */
final class BanDeadlines
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    // Longer timeouts are treated as this long (31 years) so deadline arithmetic cannot overflow.
    private static final long MAX_TRACKED_TIMEOUT_SECONDS = 1_000_000_000L;
    private static final long MIN_JITTERED_TIMEOUT_SECONDS = 100;

    private final long retryInitialNanos;
    private final long retryMaxNanos;
    private final long graceSeconds;
    private final int jitterPercent;
    private final long maxJitterSeconds;
    private final long maxTimeoutSeconds;
    private final SplittableRandom random;

    BanDeadlines(final BatcherSettings settings, final FirewallBackend backend)
    {
        this.retryInitialNanos = settings.retryInitialMs() * NANOS_PER_MILLI;
        this.retryMaxNanos = Math.max(settings.retryMaxMs(), settings.retryInitialMs()) * NANOS_PER_MILLI;
        this.graceSeconds = settings.kernelGraceSeconds();
        this.jitterPercent = settings.jitterPercent();
        this.maxJitterSeconds = settings.maxJitterSeconds();
        this.random = new SplittableRandom(settings.jitterSeed());
        this.maxTimeoutSeconds = backend.maxTimeoutSeconds();
    }

    /**
     * @param timeoutSeconds time left when the loop offered the ban, 0 for permanent.
     * @param elapsedNanos   time since the loop offered it.
     * @return the nano clock time the ban ends, with jitter, or {@link LiveBans#PERMANENT}.
     */
    long deadline(final long timeoutSeconds, final long elapsedNanos, final long nowNanos)
    {
        if (0 == timeoutSeconds)
        {
            return PERMANENT;
        }

        final long seconds = Math.min(timeoutSeconds, MAX_TRACKED_TIMEOUT_SECONDS);
        final long remaining = Math.max(0, seconds * NANOS_PER_SECOND - elapsedNanos);

        return nowNanos + remaining + jitterSeconds(seconds) * NANOS_PER_SECOND;
    }

    /**
     * @return the timeout to write to the kernel now, 0 for none.
     */
    long kernelTimeoutSeconds(final long deadlineNanos, final long nowNanos)
    {
        if (PERMANENT == deadlineNanos)
        {
            return 0;
        }

        final long timeout = KernelTimeout.secondsLeft(deadlineNanos - nowNanos, TimeUnit.NANOSECONDS) + graceSeconds;

        return maxTimeoutSeconds > 0 ? Math.min(timeout, maxTimeoutSeconds) : timeout;
    }

    /**
     * @param attempt 1 for the first retry.
     */
    long backoffNanos(final int attempt)
    {
        final int shift = Math.min(attempt - 1, 30);
        final long backoff = retryInitialNanos << shift;

        return backoff <= 0 || backoff > retryMaxNanos ? retryMaxNanos : backoff;
    }

    static long reassertIntervalNanos(final FirewallBackend backend)
    {
        long seconds = backend.reassertIntervalSeconds();
        final long max = backend.maxTimeoutSeconds();
        if (max > 0)
        {
            // Clamped timeouts must be refreshed before they run out.
            seconds = 0 == seconds ? max / 2 : Math.min(seconds, max / 2);
        }

        return seconds <= 0 ? PERMANENT : seconds * NANOS_PER_SECOND;
    }

    private long jitterSeconds(final long timeoutSeconds)
    {
        if (timeoutSeconds < MIN_JITTERED_TIMEOUT_SECONDS || 0 == jitterPercent)
        {
            return 0;
        }

        final long bound = Math.min(timeoutSeconds * jitterPercent / 100, maxJitterSeconds);

        return bound > 0 ? random.nextLong(bound + 1) : 0;
    }
}
