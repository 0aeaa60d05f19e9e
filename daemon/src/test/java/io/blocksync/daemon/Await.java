package io.blocksync.daemon;

import java.util.concurrent.Callable;
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
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.call())
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what + "\n" + diagnostics.get());
            }
            Thread.sleep(10);
        }
    }
}
