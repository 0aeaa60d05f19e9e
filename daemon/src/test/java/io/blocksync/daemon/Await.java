package io.blocksync.daemon;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Poll a condition until it holds or a deadline passes: the only way these tests wait.
 */
final class Await
{
    private Await()
    {
    }

    static void until(final String what, final long timeoutMillis, final Callable<Boolean> condition, final Supplier<String> diagnostics)
        throws Exception
    {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long pauseNanos = 100_000;
        while (!condition.call())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what + "\n" + diagnostics.get());
            }
            // Re-check soon, backing off to 10 ms so that polling child processes does not take a core from them.
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(10_000_000, pauseNanos * 2);
        }
    }
}
