package io.blocksync.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One command for a test fixture, run to completion with a timeout, its output captured. Built then run:
 * {@code Command.of("ip", "netns", "add", name).mustSucceed()}.
 * <p>
 * Output goes to temporary files rather than pipes, so a command that hangs, or leaves a child holding its output
 * open, cannot block the caller past the timeout; stdin comes from a file for the same reason.
 */
public final class Command
{
    /** For commands without a timeout of their own. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> argv;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String stdin = "";

    private Command(final List<String> argv)
    {
        if (argv.isEmpty())
        {
            throw new IllegalArgumentException("a command needs at least the program");
        }
        this.argv = List.copyOf(argv);
    }

    /**
     * @param argv the program and its arguments; run directly, no shell.
     * @return a command with the default timeout and empty stdin.
     */
    public static Command of(final List<String> argv)
    {
        return new Command(argv);
    }

    /**
     * @param argv the program and its arguments; run directly, no shell.
     * @return a command with the default timeout and empty stdin.
     */
    public static Command of(final String... argv)
    {
        return new Command(List.of(argv));
    }

    /**
     * @param timeout after this the command and its children are killed and the result says it timed out.
     * @return this.
     */
    public Command timeout(final Duration timeout)
    {
        this.timeout = timeout;
        return this;
    }

    /**
     * @param text written to the command's stdin as UTF-8; stdin is then closed.
     * @return this.
     */
    public Command stdin(final String text)
    {
        this.stdin = text;
        return this;
    }

    /**
     * @return the program and its arguments.
     */
    public List<String> argv()
    {
        return argv;
    }

    /**
     * Run to completion or timeout.
     *
     * @return its exit code and output; exit code -1 if it timed out.
     * @throws UncheckedIOException if the program cannot be started (e.g. not installed).
     * @throws IllegalStateException if the calling thread is interrupted (the command is killed first).
     */
    public Result run()
    {
        Path in = null;
        Path out = null;
        Path err = null;
        try
        {
            out = Files.createTempFile("blocksync-cmd-", ".out");
            err = Files.createTempFile("blocksync-cmd-", ".err");
            final ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
            if (stdin.isEmpty())
            {
                builder.redirectInput(new File("/dev/null"));
            }
            else
            {
                in = Files.createTempFile("blocksync-cmd-", ".in");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                builder.redirectInput(in.toFile());
            }
            final Process process = builder.start();
            final boolean timedOut = !waitFor(process);
            return new Result(argv, timedOut ? -1 : process.exitValue(), timedOut,
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(String.join(" ", argv) + ": " + ex.getMessage(), ex);
        }
        finally
        {
            deleteQuietly(in);
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Run to completion and insist on exit code 0.
     *
     * @return the result, which succeeded.
     * @throws IllegalStateException naming the command, its exit code and its output, if it did not exit 0.
     */
    public Result mustSucceed()
    {
        final Result result = run();
        if (!result.succeeded())
        {
            throw new IllegalStateException(result.describe());
        }
        return result;
    }

    private boolean waitFor(final Process process)
    {
        try
        {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS))
            {
                return true;
            }
            kill(process);
            return false;
        }
        catch (final InterruptedException ex)
        {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", argv) + ": interrupted", ex);
        }
    }

    /** The process and all its children, so none is left holding a namespace, a port or an output file. */
    static void kill(final Process process)
    {
        // Listed first: once the parent is gone its children are re-parented and no longer its descendants.
        final List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(final Path file)
    {
        if (null != file)
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                // A temporary file: the OS cleans up if we cannot.
            }
        }
    }

    /**
     * What a command did: exit code (-1 if it timed out) and its stdout and stderr as UTF-8 text.
     */
    public static final class Result
    {
        private final List<String> argv;
        private final int exitCode;
        private final boolean timedOut;
        private final String stdout;
        private final String stderr;

        Result(final List<String> argv, final int exitCode, final boolean timedOut, final String stdout, final String stderr)
        {
            this.argv = argv;
            this.exitCode = exitCode;
            this.timedOut = timedOut;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** @return the exit code, or -1 if the command timed out. */
        public int exitCode()
        {
            return exitCode;
        }

        /** @return true if the command was killed at its timeout. */
        public boolean timedOut()
        {
            return timedOut;
        }

        /** @return true if the command exited 0. */
        public boolean succeeded()
        {
            return !timedOut && 0 == exitCode;
        }

        /** @return what the command wrote to stdout. */
        public String stdout()
        {
            return stdout;
        }

        /** @return what the command wrote to stderr. */
        public String stderr()
        {
            return stderr;
        }

        /** @return stdout then stderr, for messages. */
        public String output()
        {
            return stdout + stderr;
        }

        /** @return e.g. {@code "ip netns add x exited with 1: Cannot create namespace ..."}, for failure messages. */
        public String describe()
        {
            return String.join(" ", argv) + (timedOut ? " timed out" : " exited with " + exitCode) + ": " +
                output().trim();
        }

        @Override
        public String toString()
        {
            return describe();
        }
    }
}
