package io.blocksync.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollTest
{
    @Test
    void returnsOnTheFirstPollThatHolds()
    {
        final AtomicInteger polls = new AtomicInteger();
        Poll.until("the third poll", Duration.ofSeconds(20), () -> polls.incrementAndGet() >= 3);
        assertEquals(3, polls.get());
    }

    @Test
    void aTimeoutSaysWhatItWaitedForHowLongAndWhatItLastSaw()
    {
        final AtomicInteger polls = new AtomicInteger();
        final AssertionError error = assertThrows(AssertionError.class, () -> Poll.until(
            "the counter to reach 10", Duration.ofMillis(50), () -> polls.incrementAndGet() < 0,
            () -> "counter at " + polls.get()));

        final String message = error.getMessage();
        assertTrue(message.startsWith("timed out after "), message);
        final long waitedMillis = Long.parseLong(message.substring("timed out after ".length(), message.indexOf(" ms")));
        assertTrue(waitedMillis >= 50, message);
        assertTrue(message.contains(" polls) waiting for the counter to reach 10\nlast seen:\ncounter at " + polls.get()),
            message);
    }

    @Test
    void backsOffInsteadOfSpinning()
    {
        final AtomicInteger polls = new AtomicInteger();
        assertThrows(AssertionError.class,
            () -> Poll.until("never", Duration.ofMillis(300), () -> polls.incrementAndGet() < 0));
        // 100 µs doubling to 10 ms: about 7 polls to reach 10 ms, then one per 10 ms. A spinning loop would do millions.
        assertTrue(polls.get() >= 5 && polls.get() <= 60, polls.get() + " polls");
    }

    @Test
    void checksOnceMoreAfterTheDeadline()
    {
        final AtomicInteger polls = new AtomicInteger();
        // The condition takes longer than the deadline (it runs until the clock has passed 5 ms) and holds on its
        // second call.
        Poll.until("a slow condition", Duration.ofMillis(1), () ->
        {
            final long slowUntil = System.nanoTime() + 5_000_000;
            while (System.nanoTime() - slowUntil < 0)
            {
                Thread.onSpinWait();
            }
            return polls.incrementAndGet() >= 2;
        });
        assertEquals(2, polls.get());
    }

    @Test
    void aRuntimeExceptionPassesThroughAndACheckedOneNamesTheWait()
    {
        final IllegalStateException died = new IllegalStateException("node exited with 1");
        assertSame(died, assertThrows(IllegalStateException.class, () -> Poll.until("ready", Duration.ofSeconds(1), () ->
        {
            throw died;
        })));

        final AssertionError wrapped = assertThrows(AssertionError.class, () -> Poll.until("ready", Duration.ofSeconds(1), () ->
        {
            throw new IOException("connection refused");
        }));
        assertEquals("the condition failed while waiting for ready: java.io.IOException: connection refused",
            wrapped.getMessage());
        assertTrue(wrapped.getCause() instanceof IOException);
    }
}
