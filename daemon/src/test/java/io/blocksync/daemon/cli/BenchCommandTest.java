package io.blocksync.daemon.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code blocksync bench} without the bench module's jars (the daemon's own tests: no bench on the class path, no
 * lib/bench beside target/classes) says so in one line and exits 2; its help needs no runner.
 */
class BenchCommandTest
{
    @Test
    void absentRunnerIsOneLineAndExitTwo()
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream saved = System.err;
        final int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            exit = BlockSyncCli.run("bench", "--quick");
        }
        finally
        {
            System.setErr(saved);
        }
        final String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(BlockSyncCli.EXIT_USAGE, exit, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("blocksync bench: the bench runner is not installed (no " + BenchCommand.RUNNER_CLASS), message);
        assertTrue(message.contains("mvn -B -q package -DskipTests"), message);
    }

    @Test
    void helpListsEveryRunnerOptionWithoutTheRunner()
    {
        for (final String flag : new String[] {"--help", "-h"})
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final PrintStream saved = System.out;
            final int exit;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try
            {
                exit = BlockSyncCli.run("bench", flag);
            }
            finally
            {
                System.setOut(saved);
            }
            final String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, text);
            for (final String option : new String[] {"--quick", "--json", "--compare FILE", "--only SECTIONS", "--launcher PATH",
                "--cpu-cap PERCENT"})
            {
                assertTrue(text.contains(option), option + " missing from:\n" + text);
            }
        }
    }
}
