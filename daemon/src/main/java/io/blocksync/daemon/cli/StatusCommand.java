package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.blocksync.daemon.control.BanListing;
import io.blocksync.daemon.control.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code blocksync status}. Exit status: 0 the node is running, {@value #EXIT_NOT_RUNNING} it is not (its last figures
 * are printed anyway, headed {@code NOT running}; the LSB init-script convention for "program is not running"), 1 no
 * status could be read (the node never ran with this config), 2 bad usage or config. With {@code --watch}, the exit
 * status is that of the last refresh.
 */
@Command(name = "status", description = {
    "Show a node's counters (live, from the status file; costs the node nothing).",
    "Exit status: 0 running, 3 not running (its last figures are shown), 1 no status to read, 2 bad usage or config."})
final class StatusCommand implements Callable<Integer>
{
    /** The node is not running: LSB's "program is not running" status code. */
    static final int EXIT_NOT_RUNNING = 3;
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "One JSON object: node, pid, running, started, counters {name: value}, firewall {backend, failures {kind: " +
        "{count, last_message}}}. With --watch, one object per line per refresh.")
    boolean json;

    @Option(names = "--watch", description = "Refresh until interrupted (Ctrl-C): a live view in a terminal.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
        description = "Time between refreshes with --watch: 200ms to 1h, e.g. 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
        description = "With --watch, stop after N refreshes (default 0: until interrupted).")
    int count;

    public Integer call() throws InterruptedException
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return config.failure();
        }
        if (!watch)
        {
            return show(nodeConfig, System.out, System.err);
        }

        final long intervalMillis;
        try
        {
            intervalMillis = Durations.parseMillis(interval);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("blocksync status: --interval '" + interval + "': " + ex.getMessage());
            return BlockSyncCli.EXIT_USAGE;
        }
        if (intervalMillis < 200 || intervalMillis > 3_600_000)
        {
            System.err.println("blocksync status: --interval '" + interval + "': must be 200ms to 1h");
            return BlockSyncCli.EXIT_USAGE;
        }
        if (count < 0)
        {
            System.err.println("blocksync status: --count " + count + ": must be 0 (until interrupted) or more");
            return BlockSyncCli.EXIT_USAGE;
        }
        return watch(nodeConfig, intervalMillis);
    }

    /**
     * Each refresh is rendered whole first, then written at once: the terminal never shows half a screen. A refresh
     * that cannot read the status (the node's state directory gone, unreadable) is one line on standard error,
     * headed by the time, instead of the screen; watching goes on, and the exit status is the last refresh's.
     */
    private int watch(final NodeConfig nodeConfig, final long intervalMillis) throws InterruptedException
    {
        final boolean terminal = null != System.console() && !json;
        int exit = BlockSyncCli.EXIT_OK;
        for (int refresh = 1; 0 == count || refresh <= count; refresh++)
        {
            final ByteArrayOutputStream screen = new ByteArrayOutputStream();
            final PrintStream out = new PrintStream(screen, false, StandardCharsets.UTF_8);
            final ByteArrayOutputStream problem = new ByteArrayOutputStream();
            final PrintStream err = new PrintStream(problem, false, StandardCharsets.UTF_8);
            final Instant now = Instant.now();
            if (!json)
            {
                out.println(now + "  every " + Durations.formatMillis(intervalMillis) + "  (Ctrl-C to stop)");
            }
            exit = show(nodeConfig, out, err);
            out.flush();
            err.flush();
            if (BlockSyncCli.EXIT_FAILED == exit)
            {
                System.out.print(terminal ? CLEAR_SCREEN : "");
                System.out.flush();
                System.err.println(now + "  " + problem.toString(StandardCharsets.UTF_8).strip().replace('\n', ' '));
                System.err.flush();
            }
            else
            {
                System.out.print((terminal ? CLEAR_SCREEN : "") + screen.toString(StandardCharsets.UTF_8));
                System.out.flush();
            }
            if (0 != count && refresh == count)
            {
                break;
            }
            // A fixed refresh timer, not a wait for a condition.
            Thread.sleep(intervalMillis);
        }
        return exit;
    }

    /** As {@link Instant#toString()}. */
    private static String instant(final long millis)
    {
        return BanListing.IsoInstant.append(millis, new StringBuilder(24)).toString();
    }

    /** Whether {@code %d} writes ASCII digits and '-' in the default format locale (English or root, as on servers). */
    private static boolean plainDigits()
    {
        final String language = java.util.Locale.getDefault(java.util.Locale.Category.FORMAT).getLanguage();
        return language.isEmpty() || "en".equals(language);
    }

    private int show(final NodeConfig nodeConfig, final PrintStream out, final PrintStream err)
    {
        final StatusReading reading = StatusReading.read(nodeConfig, "status", err);
        if (null == reading)
        {
            return BlockSyncCli.EXIT_FAILED;
        }

        final boolean alive = reading.isAlive(System.currentTimeMillis());
        if (json)
        {
            final List<String> counters = new ArrayList<>();
            for (final Map.Entry<String, Long> entry : reading.node.entrySet())
            {
                counters.add(Json.string(entry.getKey()) + ":" + entry.getValue());
            }
            out.println("{\"node\":" + reading.nodeId + ",\"pid\":" + reading.pid + ",\"running\":" + alive +
                ",\"started\":" + Json.string(instant(reading.startTimeMillis)) +
                ",\"counters\":{" + String.join(",", counters) + "}" +
                ",\"firewall\":" + FirewallFailureView.json(nodeConfig, reading, alive) + "}");
        }
        else
        {
            out.println("node " + reading.nodeId + " (pid " + reading.pid + ") " + (alive ? "running" : "NOT running") +
                ", started " + instant(reading.startTimeMillis));
            final boolean plainDigits = plainDigits();
            final StringBuilder line = new StringBuilder(64);
            for (final Map.Entry<String, Long> entry : reading.node.entrySet())
            {
                if (plainDigits)
                {
                    // What "  %-36s %d%n" writes, without java.util.Formatter's start-up (regex, locale data).
                    line.setLength(0);
                    line.append("  ").append(entry.getKey());
                    while (line.length() < 38)
                    {
                        line.append(' ');
                    }
                    out.print(line.append(' ').append(entry.getValue().longValue()).append(System.lineSeparator()));
                }
                else
                {
                    out.printf("  %-36s %d%n", entry.getKey(), entry.getValue());
                }
            }
            FirewallFailureView.print(nodeConfig, reading, alive, out);
        }
        return alive ? BlockSyncCli.EXIT_OK : EXIT_NOT_RUNNING;
    }
}
