package io.blocksync.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CommandTest
{
    @Test
    void capturesStdoutStderrAndTheExitCode()
    {
        assumeTrue(Tools.installed("sh"), "skipped: no sh");
        final Command.Result result = Command.of("sh", "-c", "echo out; echo err >&2; exit 3").run();

        assertEquals(3, result.exitCode());
        assertFalse(result.succeeded());
        assertFalse(result.timedOut());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertEquals("sh -c echo out; echo err >&2; exit 3 exited with 3: out\nerr", result.describe());
    }

    @Test
    void feedsStdin()
    {
        assumeTrue(Tools.installed("cat"), "skipped: no cat");
        final String text = "line\n".repeat(100_000);
        final Command.Result result = Command.of("cat").stdin(text).run();

        assertTrue(result.succeeded(), result::describe);
        assertEquals(text, result.stdout());
        assertEquals("", Command.of("cat").run().stdout(), "no stdin: an empty one, not the caller's");
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithItsChildren()
    {
        assumeTrue(Tools.installed("sh") && Tools.installed("sleep"), "skipped: no sh or sleep");
        final long start = System.nanoTime();
        // The child sleep holds the output file open: the caller must not wait for it.
        final Command.Result result = Command.of("sh", "-c", "sleep 60 & echo started; sleep 60")
            .timeout(Duration.ofMillis(300)).run();

        assertTrue(result.timedOut());
        assertEquals(-1, result.exitCode());
        assertEquals("started\n", result.stdout());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "returned soon after the timeout");
        assertTrue(result.describe().startsWith("sh -c sleep 60 & echo started; sleep 60 timed out: started"),
            result.describe());
    }

    @Test
    void mustSucceedNamesTheFailedCommand()
    {
        assumeTrue(Tools.installed("sh"), "skipped: no sh");
        final IllegalStateException failed = assertThrows(IllegalStateException.class,
            () -> Command.of("sh", "-c", "echo no such thing >&2; exit 2").mustSucceed());
        assertEquals("sh -c echo no such thing >&2; exit 2 exited with 2: no such thing", failed.getMessage());
        assertEquals("ok\n", Command.of("sh", "-c", "echo ok").mustSucceed().stdout());
    }

    @Test
    void aProgramThatIsNotInstalledIsAnError()
    {
        assertThrows(java.io.UncheckedIOException.class, () -> Command.of("/nonexistent/blocksync-no-such-tool").run());
    }
}
