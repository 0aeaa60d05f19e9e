package io.blocksync.bench;

import io.blocksync.daemon.LoopbackCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one node costs the machine, measured on two nodes run as separate processes through the distribution's
 * launcher ({@code bin/blocksync run -c FILE}), peered over 127.0.0.1:
 * <ol>
 *   <li>idle CPU: after a settling period, utime + stime from {@code /proc/PID/stat} over {@code --idle-seconds}
 *   with only heartbeats flowing, as % of one core, plus the threads that used it;</li>
 *   <li>RSS ({@code VmRSS}, split into anonymous and file/shared pages, and the peak {@code VmHWM}) of each node
 *   with an empty store;</li>
 *   <li>with {@code --bans N}: N documentation /64s banned at node 1 through {@code blocksync ban -c FILE --file
 *   LIST} (in files of {@code --chunk} lines; with {@code --stagger S} straight over the control socket, ban n lasting
 *   60 s + (n mod S) s, so some end every second), the time until node 2 has applied them all, then RSS and idle CPU
 *   again with the stores full.</li>
 * </ol>
 * Memory and GC flags of the nodes are the launcher's unless {@code --java-opts} replaces them (it is passed as
 * {@code BLOCKSYNC_JAVA_OPTS}); {@code --cli-java-opts} does the same for the {@code blocksync ban} runs. Runs with only Agrona's flag, since it reads the nodes' status files:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.blocksync.bench.FootprintRun [--launcher daemon/target/blocksync/bin/blocksync] [--idle-seconds 60]
 *     [--settle-seconds 15] [--heartbeat 1s] [--capacity 100000] [--bans 0] [--chunk 100000] [--origin-rate N]
 *     [--java-opts "-Xmx32m ..."] [--cli-java-opts "-Xmx512m"] [--stagger SECONDS] [--keep]
 * </pre>
 */
public final class FootprintRun
{
    private static final long CONVERGE_DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(8);

    private final FootprintOptions options;
    private final Path launcher;
    private final long clockTicksPerSecond;
    private volatile LauncherNodes nodes;
    private LoopbackCluster cluster;

    private FootprintRun(final FootprintOptions options) throws IOException, InterruptedException
    {
        this.options = options;
        this.launcher = options.launcher.toAbsolutePath();
        this.clockTicksPerSecond = Long.parseLong(runForOutput(List.of("getconf", "CLK_TCK")).trim());
    }

    public static void main(final String[] args) throws Exception
    {
        final FootprintOptions options = FootprintOptions.parse(args);
        if (!Files.isExecutable(options.launcher))
        {
            throw new IllegalArgumentException(options.launcher + " is not an executable launcher; build with mvn package or pass --launcher");
        }
        final String settings = options.settings();

        final Path dir = Files.createTempDirectory("blocksync-footprint-");
        final FootprintRun run = new FootprintRun(options);
        // Interrupted (Ctrl-C, a timeout's SIGTERM): stop the nodes too rather than leave them running.
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            final LauncherNodes started = run.nodes;
            if (null != started)
            {
                started.destroyAll();
            }
        }, "stop-nodes"));
        System.out.printf(Locale.ROOT, "launcher %s, node JVM flags: %s%nsettings:%n%s%n", options.launcher,
            null == options.javaOpts ? "launcher default" : options.javaOpts, settings.indent(4));
        try
        {
            run.measure(dir, settings);
        }
        finally
        {
            if (null != run.nodes)
            {
                run.nodes.stopAll();
            }
            if (options.keep)
            {
                System.out.println("kept " + dir);
            }
            else
            {
                BenchFiles.deleteRecursively(dir);
            }
        }
    }

    private void measure(final Path dir, final String settings) throws Exception
    {
        cluster = LoopbackCluster.write(dir, 2, settings);
        nodes = new LauncherNodes(launcher, options.javaOpts, cluster);
        final long startedAt = System.nanoTime();
        for (int id = 1; id <= 2; id++)
        {
            nodes.startNext();
        }
        for (int id = 1; id <= 2; id++)
        {
            nodes.awaitReady(id);
        }
        for (int id = 1; id <= 2; id++)
        {
            nodes.awaitCounter(id, "heartbeats_received", 1, Duration.ofSeconds(30));
        }
        System.out.printf(Locale.ROOT, "both nodes up and hearing each other after %.1f s (pids %d, %d)%n",
            (System.nanoTime() - startedAt) / 1e9, nodes.pid(1), nodes.pid(2));

        report("empty store");
        if (options.bans > 0)
        {
            load(dir, options.bans, options.chunk);
            report("after loading " + options.bans + " bans");
        }
    }

    private void report(final String when) throws Exception
    {
        final int idleSeconds = options.idleSeconds;
        final int settleSeconds = options.settleSeconds;
        System.out.printf(Locale.ROOT, "%n== %s: settle %d s, then idle %d s ==%n", when, settleSeconds, idleSeconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
        final long[] ticksBefore = new long[3];
        final long[] heartbeatsBefore = new long[3];
        final List<Map<String, Long>> threadsBefore = new ArrayList<>();
        threadsBefore.add(null);
        for (int id = 1; id <= 2; id++)
        {
            ticksBefore[id] = ProcStats.cpuTicks(nodes.pid(id));
            heartbeatsBefore[id] = nodes.counter(id, "heartbeats_sent");
            threadsBefore.add(ProcStats.threadTicks(nodes.pid(id)));
        }
        final long before = System.nanoTime();
        // The measurement window itself: nothing to poll for, the nodes are left alone.
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
        final double elapsed = (System.nanoTime() - before) / 1e9;

        for (int id = 1; id <= 2; id++)
        {
            final long ticks = ProcStats.cpuTicks(nodes.pid(id)) - ticksBefore[id];
            final double cpuSeconds = (double)ticks / clockTicksPerSecond;
            System.out.printf(Locale.ROOT, "node %d: idle CPU %.3f%% of one core (%d ticks = %.2f s CPU in %.1f s), " +
                "%d heartbeats sent, store entries %d%n",
                id, 100.0 * cpuSeconds / elapsed, ticks, cpuSeconds, elapsed,
                nodes.counter(id, "heartbeats_sent") - heartbeatsBefore[id], nodes.counter(id, "store_entries"));
            final Map<String, Long> threadsAfter = ProcStats.threadTicks(nodes.pid(id));
            final StringBuilder busy = new StringBuilder();
            for (final Map.Entry<String, Long> thread : threadsAfter.entrySet())
            {
                final long delta = thread.getValue() - threadsBefore.get(id).getOrDefault(thread.getKey(), 0L);
                if (delta > 0)
                {
                    busy.append(' ').append(thread.getKey()).append('=').append(delta);
                }
            }
            System.out.println("  threads with CPU ticks in the window:" + (busy.length() == 0 ? " none" : busy));
            final Map<String, String> status = ProcStats.status(nodes.pid(id));
            System.out.printf(Locale.ROOT, "  VmRSS %s (RssAnon %s, RssFile %s, RssShmem %s), VmHWM %s%n",
                status.get("VmRSS"), status.get("RssAnon"), status.get("RssFile"), status.get("RssShmem"), status.get("VmHWM"));
        }
        for (int id = 1; id <= 2; id++)
        {
            System.out.println("  node " + id + " jcmd GC.heap_info:");
            for (final String line : runForOutput(List.of(javaTool("jcmd"), Long.toString(nodes.pid(id)), "GC.heap_info")).split("\n"))
            {
                if (!line.isBlank() && !line.startsWith(nodes.pid(id) + ":"))
                {
                    System.out.println("    " + line.strip());
                }
            }
        }
        if (null != options.javaOpts && options.javaOpts.contains("NativeMemoryTracking"))
        {
            for (int id = 1; id <= 2; id++)
            {
                System.out.println("  node " + id + " jcmd VM.native_memory summary (committed):");
                for (final String line : runForOutput(List.of(javaTool("jcmd"), Long.toString(nodes.pid(id)), "VM.native_memory", "summary")).split("\n"))
                {
                    if (line.startsWith("Total") || line.startsWith("-"))
                    {
                        System.out.println("    " + line.strip());
                    }
                }
            }
        }
        for (int id = 1; id <= 2; id++)
        {
            for (final String line : Files.readAllLines(nodes.log(id)))
            {
                if (line.contains("Exception") || line.contains("Error"))
                {
                    System.out.println("  !! node " + id + " log: " + line);
                }
            }
        }
    }

    private void load(final Path dir, final int bans, final int chunk) throws Exception
    {
        final long appliedBefore = nodes.counter(2, "bans_applied");
        final List<Path> lists = new ArrayList<>();
        final int perFile = chunk <= 0 ? bans : chunk;
        for (int from = 0; from < bans; from += perFile)
        {
            final StringBuilder text = new StringBuilder();
            for (int n = from + 1; n <= Math.min(bans, from + perFile); n++)
            {
                text.append(String.format(Locale.ROOT, "2001:db8:%x:%x::/64%n", n >>> 16, n & 0xFFFF));
            }
            final Path list = dir.resolve("bans-" + lists.size() + ".txt");
            Files.writeString(list, text, StandardCharsets.US_ASCII);
            lists.add(list);
        }

        System.out.printf(Locale.ROOT, "%n== loading %d bans at node 1 in %d request(s) of up to %d%s ==%n", bans, lists.size(),
            perFile, options.staggerSeconds > 0 ? ", ban n lasting 60 s + (n mod " + options.staggerSeconds + ") s" : "");
        final long start = System.nanoTime();
        if (options.staggerSeconds > 0)
        {
            loadStaggered(bans, options.staggerSeconds);
            lists.clear();
        }
        for (final Path list : lists)
        {
            final long requestStart = System.nanoTime();
            final ProcessBuilder builder = new ProcessBuilder(
                launcher.toString(), "ban", "-c", cluster.configFile(1).toString(), "--file", list.toString())
                .redirectErrorStream(true);
            if (null != options.cliJavaOpts)
            {
                builder.environment().put("BLOCKSYNC_JAVA_OPTS", options.cliJavaOpts);
            }
            final Process ban = builder.start();
            final String output = new String(ban.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            final int exit = ban.waitFor();
            final String shown = output.length() > 600 ? output.substring(0, 300) + " ... " + output.substring(output.length() - 300) : output;
            System.out.printf(Locale.ROOT, "  blocksync ban --file %s: exit %d in %.1f s: %s%n",
                list.getFileName(), exit, (System.nanoTime() - requestStart) / 1e9, shown.replace('\n', ' '));
            if (exit != 0 && !nodes.isAlive(1))
            {
                throw new IllegalStateException("node 1 died:\n" + BenchFiles.tail(nodes.log(1), 3000));
            }
            // A timed-out request is still worked through by node 1, so waiting for node 2 below still tells the story.
        }
        final double accepted = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  the ban commands returned after %.1f s; waiting for node 2%n", accepted);
        final long deadline = System.currentTimeMillis() + CONVERGE_DEADLINE_MILLIS;
        long nextReport = System.currentTimeMillis() + 10_000;
        long ticks1 = ProcStats.cpuTicks(nodes.pid(1));
        long ticks2 = ProcStats.cpuTicks(nodes.pid(2));
        // Not Poll.until: this wait prints progress every 10 s, which is part of the report.
        while (nodes.counter(2, "bans_applied") < appliedBefore + bans)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("node 2 did not apply all bans within " + CONVERGE_DEADLINE_MILLIS / 1000 + " s");
            }
            if (System.currentTimeMillis() >= nextReport)
            {
                nextReport += 10_000;
                final long now1 = ProcStats.cpuTicks(nodes.pid(1));
                final long now2 = ProcStats.cpuTicks(nodes.pid(2));
                System.out.printf(Locale.ROOT, "  %5.0f s: node 1 applied %d, node 2 applied %d, node 2 refused_rate_limited %d, " +
                    "duplicates %d; node 1 retransmits %d; CPU in the last 10 s: node 1 %d%%, node 2 %d%%%n",
                    (System.nanoTime() - start) / 1e9, nodes.counter(1, "bans_applied") - appliedBefore,
                    nodes.counter(2, "bans_applied") - appliedBefore, nodes.counter(2, "refused_rate_limited"),
                    nodes.counter(2, "records_duplicate"), nodes.counter(1, "retransmits"),
                    (now1 - ticks1) * 100 / (10 * clockTicksPerSecond), (now2 - ticks2) * 100 / (10 * clockTicksPerSecond));
                ticks1 = now1;
                ticks2 = now2;
            }
            Thread.sleep(100);
        }
        final double converged = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  node 2 applied all %d after %.1f s (%.0f bans/s); node 1 retransmits %d, " +
            "node 2 refused_rate_limited %d%n", bans, converged, bans / converged, nodes.counter(1, "retransmits"),
            nodes.counter(2, "refused_rate_limited"));
    }

    /**
     * Ban n for 60 s + (n mod stagger) s, so that bans end every second from a minute after loading on: sent as control
     * lines in slices of 10,000 straight to node 1's control socket, since {@code blocksync ban} takes one duration.
     */
    private void loadStaggered(final int bans, final int staggerSeconds) throws IOException
    {
        final List<String> slice = new ArrayList<>();
        for (int n = 1; n <= bans; n++)
        {
            slice.add(String.format(Locale.ROOT, "%s 2001:db8:%x:%x::/64 %d manual 0 0", io.blocksync.daemon.control.ControlProtocol.BAN,
                n >>> 16, n & 0xFFFF, 60 + n % staggerSeconds));
            if (slice.size() == 10_000 || n == bans)
            {
                final List<String> replies = io.blocksync.daemon.control.ControlClient.exchange(cluster.stateDir(1), slice);
                final long refused = replies.stream().filter(reply -> reply.startsWith(io.blocksync.daemon.control.ControlProtocol.ERROR)).count();
                if (refused > 0)
                {
                    System.out.println("  refused " + refused + " of " + slice.size() + ", first: " + replies.stream()
                        .filter(reply -> reply.startsWith(io.blocksync.daemon.control.ControlProtocol.ERROR)).findFirst().orElse(""));
                }
                slice.clear();
            }
        }
    }

    private static String javaTool(final String name)
    {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String runForOutput(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
