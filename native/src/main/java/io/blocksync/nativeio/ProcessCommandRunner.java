package io.blocksync.nativeio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as child processes, with standard input closed and a time limit; output is read as UTF-8.
 */
public final class ProcessCommandRunner implements CommandRunner
{
    public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

    private static final byte[] NO_INPUT = new byte[0];

    private final long timeoutMillis;

    public ProcessCommandRunner()
    {
        this(DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * @param timeoutMillis how long a command may run before it is killed and the run fails.
     */
    public ProcessCommandRunner(final long timeoutMillis)
    {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public CommandResult run(final List<String> command) throws IOException
    {
        return run(command, NO_INPUT);
    }

    @Override
    public CommandResult run(final List<String> command, final byte[] stdin) throws IOException
    {
        final Process process = new ProcessBuilder(command).start();
        feed(process.getOutputStream(), stdin);
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

    /** Written from its own thread when there is input, so a command that stops reading cannot hold us past the timeout. */
    private static void feed(final OutputStream stream, final byte[] stdin) throws IOException
    {
        if (0 == stdin.length)
        {
            stream.close();
            return;
        }

        final Thread writer = new Thread(
            () ->
            {
                try (OutputStream in = stream)
                {
                    in.write(stdin);
                }
                catch (final IOException ex)
                {
                    // The command exited before reading all input; its exit status and stderr say why.
                }
            },
            "blocksync-command-input");
        writer.setDaemon(true);
        writer.start();
    }

    private static Thread drain(final InputStream stream, final ByteArrayOutputStream into)
    {
        final Thread reader = new Thread(
            () ->
            {
                try (InputStream in = stream)
                {
                    in.transferTo(into);
                }
                catch (final IOException ex)
                {
                    // The process ended or was killed; what was read so far is the result.
                }
            },
            "blocksync-command-output");
        reader.setDaemon(true);
        reader.start();

        return reader;
    }
}
