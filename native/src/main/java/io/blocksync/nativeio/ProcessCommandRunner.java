package io.blocksync.nativeio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as child processes with {@link ProcessBuilder}: argv as given, no shell, standard input written
 * (or closed at once) and a time limit; output is read as UTF-8, optionally capped. Standard output and error are
 * drained by their own threads while the caller waits, so a tool that writes a lot cannot dead-lock on a full
 * pipe; standard input is fed from a thread too, so a tool that stops reading cannot hold the caller past the
 * time limit. Thread safe: each call has its own process and threads.
 */
public final class ProcessCommandRunner implements CommandRunner
{
    public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

    /** No cap on the output kept: a pf table of any size is read whole. */
    public static final int UNLIMITED_OUTPUT = Integer.MAX_VALUE;

    private static final int READ_CHUNK_LENGTH = 8192;

    private final long timeoutMillis;
    private final int maxOutputBytes;

    public ProcessCommandRunner()
    {
        this(DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * @param timeoutMillis how long a command may run before it is killed and the run fails, more than 0.
     * @throws IllegalArgumentException if timeoutMillis is 0 or less.
     */
    public ProcessCommandRunner(final long timeoutMillis)
    {
        this(timeoutMillis, UNLIMITED_OUTPUT);
    }

    /**
     * @param timeoutMillis  how long a command may run before it is killed and the run fails, more than 0.
     * @param maxOutputBytes bytes kept of each of standard output and standard error, more than 0; the rest is
     *                       read and dropped, so the command never blocks on a full pipe.
     * @throws IllegalArgumentException if either is 0 or less.
     */
    public ProcessCommandRunner(final long timeoutMillis, final int maxOutputBytes)
    {
        if (timeoutMillis <= 0)
        {
            throw new IllegalArgumentException("timeout must be more than 0 ms: " + timeoutMillis);
        }
        if (maxOutputBytes <= 0)
        {
            throw new IllegalArgumentException("output cap must be more than 0 bytes: " + maxOutputBytes);
        }
        this.timeoutMillis = timeoutMillis;
        this.maxOutputBytes = maxOutputBytes;
    }

    /**
     * @return how long a command may run, milliseconds.
     */
    public long timeoutMillis()
    {
        return timeoutMillis;
    }

    /**
     * @return bytes kept of each output stream, {@link #UNLIMITED_OUTPUT} for all.
     */
    public int maxOutputBytes()
    {
        return maxOutputBytes;
    }

    @Override
    public CommandResult run(final List<String> command) throws IOException
    {
        return run(command, NO_INPUT);
    }

    @Override
    public CommandResult run(final List<String> command, final byte[] input) throws IOException
    {
        final Process process = new ProcessBuilder(command).start();
        if (0 == input.length)
        {
            process.getOutputStream().close();
        }
        else
        {
            feed(process.getOutputStream(), input);
        }
        // Both pipes are drained at once, or a command that fills one would wait for ever.
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final ByteArrayOutputStream error = new ByteArrayOutputStream();
        final Thread outputReader = drain(process.getInputStream(), output);
        final Thread errorReader = drain(process.getErrorStream(), error);
        try
        {
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IOException(command + " did not finish within " + timeoutMillis + " ms; killed it");
            }
            // A child the command left behind may hold the pipes open; do not wait for it for ever.
            outputReader.join(timeoutMillis);
            errorReader.join(timeoutMillis);

            return new CommandResult(process.exitValue(), output.toString(StandardCharsets.UTF_8),
                error.toString(StandardCharsets.UTF_8));
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, ex);
        }
    }

    private static void feed(final OutputStream stream, final byte[] input)
    {
        start("blocksync-command-input", () ->
        {
            try (OutputStream in = stream)
            {
                in.write(input);
            }
            catch (final IOException ex)
            {
                // The command exited before reading all its input; its exit status and standard error say why.
            }
        });
    }

    private Thread drain(final InputStream stream, final ByteArrayOutputStream into)
    {
        return start("blocksync-command-output", () ->
        {
            final byte[] chunk = new byte[READ_CHUNK_LENGTH];
            try (InputStream in = stream)
            {
                int read;
                while ((read = in.read(chunk)) >= 0)
                {
                    final int keep = (int)Math.min(read, (long)maxOutputBytes - into.size());
                    if (keep > 0)
                    {
                        into.write(chunk, 0, keep);
                    }
                }
            }
            catch (final IOException ex)
            {
                // The process ended or was killed; what was read so far is the result.
            }
        });
    }

    private static Thread start(final String name, final Runnable task)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();

        return thread;
    }
}
