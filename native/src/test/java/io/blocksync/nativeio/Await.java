package io.blocksync.nativeio;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a condition by polling it until a deadline; the tests' only way of waiting for another thread.
 */
final class Await
{
    static final long DEADLINE_MILLIS = 20_000;
    private static final long POLL_MILLIS = 5;

    private Await()
    {
    }

    static void until(final String what, final BooleanSupplier condition)
    {
        until(what, condition, () -> "");
    }

    /**
     * @param what        the condition in words, for the failure message.
     * @param condition   polled until true.
     * @param diagnostics appended to the failure message.
     */
    static void until(final String what, final BooleanSupplier condition, final Supplier<String> diagnostics)
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("timed out after " + DEADLINE_MILLIS + " ms waiting for " + what + "\n" + diagnostics.get());
            }
            try
            {
                Thread.sleep(POLL_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
