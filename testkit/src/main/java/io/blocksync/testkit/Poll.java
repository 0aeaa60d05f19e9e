package io.blocksync.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it until a deadline: the way tests and bench wait for another thread or process,
 * instead of sleeping for a guessed time.
 * <p>
 * The pause between polls starts at 100 µs and doubles up to 10 ms, so a fast condition is seen at once and a slow
 * one does not take a core from the processes it waits for. The condition is checked once more after the deadline,
 * so a slow poll never fails a condition that holds.
 */
public final class Poll
{
    /** For callers without a deadline of their own: long enough for a loaded 2-core machine. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * A condition to poll; it may throw. A runtime exception or error ends the wait and passes through unchanged
     * (e.g. "the process died"); a checked exception ends it as an {@link AssertionError} naming the wait.
     */
    @FunctionalInterface
    public interface Condition
    {
        boolean holds() throws Exception;
    }

    private Poll()
    {
    }

    /**
     * Poll until the condition holds, for at most {@link #DEFAULT_TIMEOUT}.
     *
     * @param what      the condition in words, for the failure message.
     * @param condition polled until true.
     * @throws AssertionError if the condition does not hold by the deadline.
     */
    public static void until(final String what, final Condition condition)
    {
        until(what, DEFAULT_TIMEOUT, condition, () -> "");
    }

    /**
     * Poll until the condition holds, for at most {@link #DEFAULT_TIMEOUT}.
     *
     * @param what      the condition in words, for the failure message.
     * @param condition polled until true.
     * @param lastSeen  what the caller saw instead, asked once on failure and appended to the message.
     * @throws AssertionError if the condition does not hold by the deadline.
     */
    public static void until(final String what, final Condition condition, final Supplier<String> lastSeen)
    {
        until(what, DEFAULT_TIMEOUT, condition, lastSeen);
    }

    /**
     * Poll until the condition holds.
     *
     * @param what      the condition in words, for the failure message, e.g. {@code "node 2 applied 10 bans"}.
     * @param timeout   how long to wait at most.
     * @param condition polled until true.
     * @throws AssertionError if the condition does not hold by the deadline.
     */
    public static void until(final String what, final Duration timeout, final Condition condition)
    {
        until(what, timeout, condition, () -> "");
    }

    /**
     * Poll until the condition holds.
     *
     * @param what      the condition in words, for the failure message.
     * @param timeout   how long to wait at most.
     * @param condition polled until true.
     * @param lastSeen  what the caller saw instead (a counter, a log), asked once on failure and appended to the
     *                  message; empty for nothing.
     * @throws AssertionError if the condition does not hold by the deadline: "timed out after N ms (P polls)
     *                        waiting for WHAT" and the last-seen text on the lines below.
     */
    public static void until(
        final String what, final Duration timeout, final Condition condition, final Supplier<String> lastSeen)
    {
        final long start = System.nanoTime();
        final long deadline = start + timeout.toNanos();
        long pauseNanos = FIRST_PAUSE_NANOS;
        int polls = 0;
        while (true)
        {
            final boolean pastDeadline = System.nanoTime() - deadline > 0;
            polls++;
            if (holds(what, condition))
            {
                return;
            }
            if (pastDeadline)
            {
                throw new AssertionError(timedOut(what, System.nanoTime() - start, polls, lastSeen.get()));
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(MAX_PAUSE_NANOS, pauseNanos * 2);
        }
    }

    static String timedOut(final String what, final long waitedNanos, final int polls, final String lastSeen)
    {
        final String message = "timed out after " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms (" + polls +
            " polls) waiting for " + what;
        return null == lastSeen || lastSeen.isEmpty() ? message : message + "\nlast seen:\n" + lastSeen;
    }

    private static boolean holds(final String what, final Condition condition)
    {
        try
        {
            return condition.holds();
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, ex);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("the condition failed while waiting for " + what + ": " + ex, ex);
        }
    }
}
