package io.blocksync.firewall;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Wait for a condition with a deadline instead of sleeping.
 */
final class Poll
{
    private Poll()
    {
    }

    static void until(final Duration timeout, final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long pauseNanos = 100_000;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            // Re-check soon, backing off to 10 ms so that polling does not take a core from the tools under test.
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(10_000_000, pauseNanos * 2);
        }
    }
}
