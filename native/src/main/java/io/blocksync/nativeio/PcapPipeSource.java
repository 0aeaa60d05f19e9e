package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code pcap-pipe} source: runs a command and reads a pcap or pcapng stream from its standard output, e.g.
 * {@code tcpdump -i pflog0 -U -w -} or {@code tcpdump -i nflog:5 -U -w -}. The command is an argument list run
 * without a shell. Its standard error goes to the log line by line.
 * <p>
 * When the command exits, or its output is not a capture stream, it is started again after an exponential
 * backoff ({@link Backoff}: 1 s doubling to 60 s by default, back to 1 s after a long run). Each new start counts
 * as a restart; a start that fails or an exit with a non-zero status counts as a failure.
 */
public final class PcapPipeSource implements EventSource
{
    public static final int CHUNK_LENGTH = 64 * 1024;

    private static final long EXIT_WAIT_MILLIS = 5_000;
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final String name;
    private final List<String> command;
    private final Consumer<String> log;
    private final Backoff backoff;
    private final SourceCounters counters = new SourceCounters();
    private final PcapStreamDecoder decoder;
    private final byte[] chunk = new byte[CHUNK_LENGTH];
    private final UnsafeBuffer view = new UnsafeBuffer(chunk);
    private final SourceThread thread;
    private volatile Process process;

    /**
     * @param name    for logs and status.
     * @param command program and arguments, e.g. {@code List.of("tcpdump", "-i", "pflog0", "-U", "-w", "-")}.
     * @param ring    receives events.
     * @param log     receives operator lines and the command's standard error.
     */
    public PcapPipeSource(
        final String name, final List<String> command, final AttackEventRing ring, final Consumer<String> log)
    {
        this(name, command, ring, log, new Backoff(Backoff.DEFAULT_MIN_MILLIS, Backoff.DEFAULT_MAX_MILLIS));
    }

    /**
     * @param name    for logs and status.
     * @param command program and arguments.
     * @param ring    receives events.
     * @param log     receives operator lines and the command's standard error.
     * @param backoff delays between starts.
     */
    public PcapPipeSource(
        final String name,
        final List<String> command,
        final AttackEventRing ring,
        final Consumer<String> log,
        final Backoff backoff)
    {
        if (command.isEmpty())
        {
            throw new IllegalArgumentException(name + ": command is empty, expected a program and its arguments");
        }
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
        this.backoff = backoff;
        this.decoder = new PcapStreamDecoder(new CaptureEventDecoder(new RingEventPublisher(name, ring, counters, log)));
        this.thread = new SourceThread(name, this::run);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void start()
    {
        thread.start();
    }

    @Override
    public void close()
    {
        final boolean stopping = thread.isRunning();
        thread.stop(0);
        if (stopping)
        {
            // The reader is blocked in read(): ending the command ends the read.
            destroy(process);
        }
        thread.stop(STOP_WAIT_MILLIS);
    }

    @Override
    public SourceCounters counters()
    {
        return counters;
    }

    public List<String> command()
    {
        return command;
    }

    private void run()
    {
        boolean first = true;
        while (thread.isRunning())
        {
            if (!first)
            {
                counters.incrementRestarts();
            }
            first = false;

            final long started = System.nanoTime();
            final String outcome = runOnce();
            if (!thread.isRunning())
            {
                break;
            }

            final long ranMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            final long delay = backoff.delayAfter(ranMillis);
            log.accept(name + ": " + outcome + " after " + ranMillis + " ms; starting it again in " + delay + " ms");
            thread.idle(delay);
        }
    }

    /**
     * @return what ended the run, for the log.
     */
    private String runOnce()
    {
        final Process started;
        try
        {
            started = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        }
        catch (final IOException | RuntimeException ex)
        {
            counters.incrementFailures();
            return "cannot start " + command + ": " + ex.getMessage();
        }

        process = started;
        if (!thread.isRunning())
        {
            destroy(started);
        }
        closeQuietly(started.getOutputStream());
        final Thread stderr = startErrorReader(started);
        decoder.reset();
        boolean notCapture = false;
        try (InputStream out = started.getInputStream())
        {
            int read;
            while ((read = out.read(chunk)) >= 0)
            {
                decoder.onBytes(view, 0, read);
                if (decoder.isStopped())
                {
                    notCapture = true;
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            if (thread.isRunning())
            {
                log.accept(name + ": reading the output of " + command + ": " + ex.getMessage());
            }
        }

        if (notCapture)
        {
            destroy(started);
        }
        else
        {
            decoder.onEndOfStream();
        }

        final String exit = awaitExit(started);
        joinQuietly(stderr);
        if (notCapture)
        {
            counters.incrementFailures();
            return "the output of " + command + " is not a pcap or pcapng stream (tcpdump needs -w -); stopped it, " +
                "it " + exit;
        }
        if (started.isAlive() || 0 != started.exitValue())
        {
            counters.incrementFailures();
        }

        return command + " " + exit;
    }

    private String awaitExit(final Process started)
    {
        try
        {
            if (!started.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS))
            {
                // It closed its output but lives on: end it so that a new one can start.
                destroy(started);
                started.waitFor();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            started.destroyForcibly();
        }

        return started.isAlive() ? "is still running" : "exited with status " + started.exitValue();
    }

    private Thread startErrorReader(final Process started)
    {
        final Thread reader = new Thread(
            () ->
            {
                try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(started.getErrorStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while (null != (line = lines.readLine()))
                    {
                        log.accept(name + ": " + line);
                    }
                }
                catch (final IOException ex)
                {
                    // Closing the source ends the command and with it this stream; that is not worth a line.
                    if (thread.isRunning())
                    {
                        log.accept(name + ": reading the standard error of " + command + ": " + ex.getMessage());
                    }
                }
            },
            "blocksync-source-" + name + "-stderr");
        reader.setDaemon(true);
        reader.start();

        return reader;
    }

    private static void destroy(final Process target)
    {
        if (null != target && target.isAlive())
        {
            target.destroy();
            try
            {
                if (!target.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS))
                {
                    target.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                target.destroyForcibly();
            }
        }
    }

    private static void joinQuietly(final Thread other)
    {
        try
        {
            other.join(EXIT_WAIT_MILLIS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(final OutputStream stream)
    {
        try
        {
            stream.close();
        }
        catch (final IOException ex)
        {
            // Nothing was written; a failure to close the command's stdin changes nothing.
        }
    }
}
