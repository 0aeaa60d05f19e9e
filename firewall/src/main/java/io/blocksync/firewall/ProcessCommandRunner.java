package io.blocksync.firewall;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs tools with {@link ProcessBuilder}: argv as given, stdin written from the calling thread while stdout and
 * stderr are drained by pooled daemon threads, so a tool that writes a lot of errors cannot dead-lock on a full pipe.
 */
public final class ProcessCommandRunner implements CommandRunner
{
    public static final long DEFAULT_TIMEOUT_MS = 120_000;
    private static final int MAX_CAPTURED_BYTES = 1 << 20;

    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(
        (runnable) ->
        {
            final Thread thread = new Thread(runnable, "blocksync-firewall-pipe");
            thread.setDaemon(true);
            return thread;
        });

    private final long timeoutMs;

    public ProcessCommandRunner()
    {
        this(DEFAULT_TIMEOUT_MS);
    }

    /**
     * @param timeoutMs how long a tool may run before it is killed and the call fails.
     */
    public ProcessCommandRunner(final long timeoutMs)
    {
        if (timeoutMs <= 0)
        {
            throw new IllegalArgumentException("timeoutMs must be positive: " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CommandResult run(final List<String> argv, final byte[] stdin) throws IOException
    {
        final Process process = new ProcessBuilder(argv).start();
        final Future<String> stdout = PUMPS.submit(() -> drain(process.getInputStream()));
        final Future<String> stderr = PUMPS.submit(() -> drain(process.getErrorStream()));
        // Fed from the pool too, so a tool that stops reading cannot hold us past the timeout.
        PUMPS.submit(() -> feed(process.getOutputStream(), stdin));

        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish within " + timeoutMs + " ms and was killed");
            }

            return new CommandResult(
                process.exitValue(),
                stdout.get(timeoutMs, TimeUnit.MILLISECONDS),
                stderr.get(timeoutMs, TimeUnit.MILLISECONDS));
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + argv.get(0), ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IOException("cannot read the output of " + argv.get(0) + ": " + ex.getMessage(), ex);
        }
    }

    private static void feed(final OutputStream stream, final byte[] stdin)
    {
        try (OutputStream in = stream)
        {
            if (stdin.length > 0)
            {
                in.write(stdin);
            }
        }
        catch (final IOException ignore)
        {
            // The tool exited before reading all input; its exit code and stderr say why.
        }
    }

    private static String drain(final InputStream stream) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        try (InputStream in = stream)
        {
            int read;
            while ((read = in.read(buffer)) >= 0)
            {
                final int keep = Math.min(read, MAX_CAPTURED_BYTES - out.size());
                if (keep > 0)
                {
                    out.write(buffer, 0, keep);
                }
            }
        }

        return out.toString(StandardCharsets.UTF_8);
    }
}
