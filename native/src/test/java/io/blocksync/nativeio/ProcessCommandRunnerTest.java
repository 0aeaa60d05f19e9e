package io.blocksync.nativeio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one process runner of the project, against real child processes (sh, cat, wc, head, sleep).
 */
class ProcessCommandRunnerTest
{
    private final ProcessCommandRunner runner = new ProcessCommandRunner(10_000);

    @Test
    void returnsTheExitStatusAndBothStreamsWithoutAShell() throws IOException
    {
        final CommandResult result =
            runner.run(List.of("sh", "-c", "echo out; echo '  ' >&2; echo ' err ' >&2; exit 3"));

        assertEquals(3, result.exitStatus());
        assertEquals(3, result.exitCode());
        assertFalse(result.succeeded());
        assertEquals("out\n", result.output());
        assertEquals("out\n", result.stdout());
        assertEquals("  \n err \n", result.error());
        assertEquals("  \n err \n", result.stderr());
        assertEquals("err", result.firstErrorLine());
        assertEquals("err", CommandResult.firstLine(result.stderr()));

        final CommandResult literal = runner.run(List.of("echo", "$HOME; exit 1"));
        assertTrue(literal.succeeded());
        assertEquals("$HOME; exit 1\n", literal.output(), "arguments reach the program as given");
    }

    @Test
    void writesTheInputThenClosesIt() throws IOException
    {
        final byte[] input = "add element inet blocksync ban4 { 192.0.2.7 }\nsecond line\n"
            .getBytes(StandardCharsets.US_ASCII);

        final CommandResult echoed = runner.run(List.of("cat"), input);

        assertEquals(0, echoed.exitStatus());
        assertArrayEquals(input, echoed.output().getBytes(StandardCharsets.US_ASCII));

        // Far more than a pipe holds: the input is fed while the output is drained.
        final byte[] large = new byte[4 << 20];
        Arrays.fill(large, (byte)'x');
        assertEquals(Integer.toString(large.length), runner.run(List.of("wc", "-c"), large).output().strip());
    }

    @Test
    void withoutInputTheCommandSeesEndOfFileAtOnce() throws IOException
    {
        final CommandResult result = runner.run(List.of("cat"));

        assertEquals(0, result.exitStatus());
        assertEquals("", result.output());
        assertEquals("", runner.run(List.of("cat"), CommandRunner.NO_INPUT).output());
    }

    @Test
    void aCommandThatReadsNoneOfItsInputStillFinishes() throws IOException
    {
        final byte[] large = new byte[4 << 20];

        final CommandResult result = runner.run(List.of("sh", "-c", "exec 0<&-; echo done; exit 4"), large);

        assertEquals(4, result.exitStatus());
        assertEquals("done\n", result.output());
    }

    @Test
    void aCommandThatRunsTooLongIsKilledAndTheRunFails()
    {
        final ProcessCommandRunner impatient = new ProcessCommandRunner(200);
        final long started = System.nanoTime();

        final IOException failure = assertThrows(IOException.class, () -> impatient.run(List.of("sleep", "30")));

        assertTrue(failure.getMessage().contains("did not finish within 200 ms"), failure::getMessage);
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "killed, not waited for");
    }

    @Test
    void outputBeyondTheCapIsReadAndDropped() throws IOException
    {
        final ProcessCommandRunner capped = new ProcessCommandRunner(10_000, 1000);

        final CommandResult result = capped.run(
            List.of("sh", "-c", "head -c 300000 /dev/zero | tr '\\0' o; head -c 300000 /dev/zero | tr '\\0' e >&2"));

        assertEquals(0, result.exitStatus());
        assertEquals("o".repeat(1000), result.output());
        assertEquals("e".repeat(1000), result.error());
        assertEquals(1000, capped.maxOutputBytes());
        assertEquals(ProcessCommandRunner.UNLIMITED_OUTPUT, runner.maxOutputBytes(), "uncapped by default");
        assertEquals(300_000, runner.run(List.of("head", "-c", "300000", "/dev/zero")).output().length());
    }

    @Test
    void limitsMustBePositive()
    {
        assertThrows(IllegalArgumentException.class, () -> new ProcessCommandRunner(0));
        assertThrows(IllegalArgumentException.class, () -> new ProcessCommandRunner(-1));
        assertThrows(IllegalArgumentException.class, () -> new ProcessCommandRunner(1000, 0));
        assertEquals(ProcessCommandRunner.DEFAULT_TIMEOUT_MILLIS, new ProcessCommandRunner().timeoutMillis());
    }

    @Test
    void aProgramThatCannotStartFailsTheRun()
    {
        assertThrows(IOException.class, () -> runner.run(List.of("/nonexistent/blocksync-tool")));
    }

    @Test
    void aLambdaRunnerTakesNoInputAndSaysSoWhenGivenSome() throws IOException
    {
        final List<List<String>> calls = new ArrayList<>();
        final CommandResult canned = new CommandResult(0, "ok\n", "");
        final CommandRunner lambda = command ->
        {
            calls.add(command);
            return canned;
        };

        assertSame(canned, lambda.run(List.of("pfctl", "-s", "info"), CommandRunner.NO_INPUT));
        assertEquals(List.of(List.of("pfctl", "-s", "info")), calls);
        assertThrows(UnsupportedOperationException.class,
            () -> lambda.run(List.of("nft", "-f", "-"), new byte[]{ 'x' }));
        assertEquals(1, calls.size(), "nothing run without its input");
    }

    @Test
    void aRunnerWithInputSeesArgvAndInput() throws IOException
    {
        final List<String> seen = new ArrayList<>();
        final CommandRunner recording = CommandRunner.withInput((command, input) ->
        {
            seen.add(String.join(" ", command) + " <<< " + new String(input, StandardCharsets.US_ASCII));
            return new CommandResult(0, "", "");
        });

        recording.run(List.of("nft", "-f", "-"), "flush set inet t s\n".getBytes(StandardCharsets.US_ASCII));
        recording.run(List.of("nft", "list", "ruleset"));

        assertEquals(List.of("nft -f - <<< flush set inet t s\n", "nft list ruleset <<< "), seen);
    }
}
