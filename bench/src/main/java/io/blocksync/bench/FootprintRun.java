package io.blocksync.bench;

import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What one node costs the machine, measured on two nodes run as separate processes through the distribution's
 * launcher ({@code bin/blocksync run -c FILE}), peered over 127.0.0.1:
 * <ol>
 *   <li>idle CPU: after a settling period, utime + stime from {@code /proc/PID/stat} over {@code --idle-seconds}
 *   with only heartbeats flowing, as % of one core, plus the threads that used it;</li>
 *   <li>RSS ({@code VmRSS}, split into anonymous and file/shared pages, and the peak {@code VmHWM}) of each node
 *   with an empty store;</li>
 *   <li>with {@code --bans N}: N documentation /64s banned at node 1 through {@code blocksync ban -c FILE --file
 *   LIST} (in files of {@code --chunk} lines), the time until node 2 has applied them all, then RSS and idle CPU
 *   again with the stores full.</li>
 * </ol>
 * Memory and GC flags of the nodes are the launcher's unless {@code --java-opts} replaces them (it is passed as
 * {@code BLOCKSYNC_JAVA_OPTS}); {@code --cli-java-opts} does the same for the {@code blocksync ban} runs. Runs with only Agrona's flag, since it reads the nodes' status files:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.blocksync.bench.FootprintRun [--launcher daemon/target/blocksync/bin/blocksync] [--idle-seconds 60]
 *     [--settle-seconds 15] [--heartbeat 1s] [--capacity 100000] [--bans 0] [--chunk 100000] [--origin-rate N]
 *     [--java-opts "-Xmx32m ..."] [--cli-java-opts "-Xmx512m"] [--keep]
 * </pre>
 */
public final class FootprintRun
{
    private static final long CONVERGE_DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(8);

    private final Path launcher;
    private final String javaOpts;
    private final String cliJavaOpts;
    private final long clockTicksPerSecond;
    private final List<Process> processes = java.util.Collections.synchronizedList(new ArrayList<>());
    private LoopbackCluster cluster;

    private FootprintRun(final Path launcher, final String javaOpts, final String cliJavaOpts) throws IOException, InterruptedException
    {
        this.launcher = launcher;
        this.javaOpts = javaOpts;
        this.cliJavaOpts = cliJavaOpts;
        this.clockTicksPerSecond = Long.parseLong(runForOutput(List.of("getconf", "CLK_TCK")).trim());
    }

    public static void main(final String[] args) throws Exception
    {
        Path launcher = Path.of("daemon/target/blocksync/bin/blocksync");
        int idleSeconds = 60;
        int settleSeconds = 15;
        String heartbeat = "1s";
        long capacity = 100_000;
        int bans = 0;
        int chunk = 100_000;
        String originRate = null;
        String javaOpts = null;
        String cliJavaOpts = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--launcher" -> launcher = Path.of(value);
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(value);
                case "--settle-seconds" -> settleSeconds = Integer.parseInt(value);
                case "--heartbeat" -> heartbeat = value;
                case "--capacity" -> capacity = Long.parseLong(value);
                case "--bans" -> bans = Integer.parseInt(value);
                case "--chunk" -> chunk = Integer.parseInt(value);
                case "--origin-rate" -> originRate = value;
                case "--java-opts" -> javaOpts = value;
                case "--cli-java-opts" -> cliJavaOpts = value;
                case "--keep" ->
                {
                    keep = true;
                    continue;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
            }
            i++;
        }
        if (!Files.isExecutable(launcher))
        {
            throw new IllegalArgumentException(launcher + " is not an executable launcher; build with mvn package or pass --launcher");
        }

        final StringBuilder settings = new StringBuilder()
            .append("[bans]\ncapacity = ").append(capacity).append('\n');
        if (null != originRate)
        {
            settings.append("origin-rate = ").append(originRate).append('\n');
        }
        settings.append("\n[protocol]\nheartbeat-interval = ").append(heartbeat).append('\n');

        final Path dir = Files.createTempDirectory("blocksync-footprint-");
        final FootprintRun run = new FootprintRun(launcher.toAbsolutePath(), javaOpts, cliJavaOpts);
        // Interrupted (Ctrl-C, a timeout's SIGTERM): stop the nodes too rather than leave them running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run.processes.forEach(Process::destroy), "stop-nodes"));
        System.out.printf(Locale.ROOT, "launcher %s, node JVM flags: %s%nsettings:%n%s%n", launcher,
            null == javaOpts ? "launcher default" : javaOpts, settings.toString().indent(4));
        try
        {
            run.measure(dir, settings.toString(), idleSeconds, settleSeconds, bans, chunk);
        }
        finally
        {
            run.stopAll();
            if (keep)
            {
                System.out.println("kept " + dir);
            }
            else
            {
                deleteRecursively(dir);
            }
        }
    }

    private void measure(
        final Path dir, final String settings, final int idleSeconds, final int settleSeconds, final int bans, final int chunk)
        throws Exception
    {
        cluster = LoopbackCluster.write(dir, 2, settings);
        final long startedAt = System.nanoTime();
        for (int id = 1; id <= 2; id++)
        {
            processes.add(startNode(id));
        }
        for (int id = 1; id <= 2; id++)
        {
            awaitReady(id);
        }
        for (int id = 1; id <= 2; id++)
        {
            awaitCounter(id, "heartbeats_received", 1, 30_000);
        }
        System.out.printf(Locale.ROOT, "both nodes up and hearing each other after %.1f s (pids %d, %d)%n",
            (System.nanoTime() - startedAt) / 1e9, pid(1), pid(2));

        report("empty store", idleSeconds, settleSeconds);
        if (bans > 0)
        {
            load(dir, bans, chunk);
            report("after loading " + bans + " bans", idleSeconds, settleSeconds);
        }
    }

    private void report(final String when, final int idleSeconds, final int settleSeconds) throws Exception
    {
        System.out.printf(Locale.ROOT, "%n== %s: settle %d s, then idle %d s ==%n", when, settleSeconds, idleSeconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
        final long[] ticksBefore = new long[3];
        final long[] heartbeatsBefore = new long[3];
        final List<Map<String, Long>> threadsBefore = new ArrayList<>();
        threadsBefore.add(null);
        for (int id = 1; id <= 2; id++)
        {
            ticksBefore[id] = cpuTicks(Path.of("/proc/" + pid(id) + "/stat"));
            heartbeatsBefore[id] = counter(id, "heartbeats_sent");
            threadsBefore.add(threadTicks(pid(id)));
        }
        final long before = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
        final double elapsed = (System.nanoTime() - before) / 1e9;

        for (int id = 1; id <= 2; id++)
        {
            final long ticks = cpuTicks(Path.of("/proc/" + pid(id) + "/stat")) - ticksBefore[id];
            final double cpuSeconds = (double)ticks / clockTicksPerSecond;
            System.out.printf(Locale.ROOT, "node %d: idle CPU %.3f%% of one core (%d ticks = %.2f s CPU in %.1f s), " +
                "%d heartbeats sent, store entries %d%n",
                id, 100.0 * cpuSeconds / elapsed, ticks, cpuSeconds, elapsed,
                counter(id, "heartbeats_sent") - heartbeatsBefore[id], counter(id, "store_entries"));
            final Map<String, Long> threadsAfter = threadTicks(pid(id));
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
            final Map<String, String> status = procStatus(pid(id));
            System.out.printf(Locale.ROOT, "  VmRSS %s (RssAnon %s, RssFile %s, RssShmem %s), VmHWM %s%n",
                status.get("VmRSS"), status.get("RssAnon"), status.get("RssFile"), status.get("RssShmem"), status.get("VmHWM"));
        }
        for (int id = 1; id <= 2; id++)
        {
            System.out.println("  node " + id + " jcmd GC.heap_info:");
            for (final String line : runForOutput(List.of(javaTool("jcmd"), Long.toString(pid(id)), "GC.heap_info")).split("\n"))
            {
                if (!line.isBlank() && !line.startsWith(pid(id) + ":"))
                {
                    System.out.println("    " + line.strip());
                }
            }
        }
        if (null != javaOpts && javaOpts.contains("NativeMemoryTracking"))
        {
            for (int id = 1; id <= 2; id++)
            {
                System.out.println("  node " + id + " jcmd VM.native_memory summary (committed):");
                for (final String line : runForOutput(List.of(javaTool("jcmd"), Long.toString(pid(id)), "VM.native_memory", "summary")).split("\n"))
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
            for (final String line : Files.readAllLines(cluster.baseDir().resolve("node" + id + ".log")))
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
        final long appliedBefore = counter(2, "bans_applied");
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

        System.out.printf(Locale.ROOT, "%n== loading %d bans at node 1 in %d request(s) of up to %d ==%n", bans, lists.size(), perFile);
        final long start = System.nanoTime();
        for (final Path list : lists)
        {
            final long requestStart = System.nanoTime();
            final ProcessBuilder builder = new ProcessBuilder(
                launcher.toString(), "ban", "-c", cluster.configFile(1).toString(), "--file", list.toString())
                .redirectErrorStream(true);
            if (null != cliJavaOpts)
            {
                builder.environment().put("BLOCKSYNC_JAVA_OPTS", cliJavaOpts);
            }
            final Process ban = builder.start();
            final String output = new String(ban.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            final int exit = ban.waitFor();
            final String shown = output.length() > 600 ? output.substring(0, 300) + " ... " + output.substring(output.length() - 300) : output;
            System.out.printf(Locale.ROOT, "  blocksync ban --file %s: exit %d in %.1f s: %s%n",
                list.getFileName(), exit, (System.nanoTime() - requestStart) / 1e9, shown.replace('\n', ' '));
            if (exit != 0 && !processes.get(0).isAlive())
            {
                throw new IllegalStateException("node 1 died:\n" + tail(cluster.baseDir().resolve("node1.log"), 3000));
            }
            // A timed-out request is still worked through by node 1, so waiting for node 2 below still tells the story.
        }
        final double accepted = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  the ban commands returned after %.1f s; waiting for node 2%n", accepted);
        final long deadline = System.currentTimeMillis() + CONVERGE_DEADLINE_MILLIS;
        long nextReport = System.currentTimeMillis() + 10_000;
        long ticks1 = cpuTicks(Path.of("/proc/" + pid(1) + "/stat"));
        long ticks2 = cpuTicks(Path.of("/proc/" + pid(2) + "/stat"));
        while (counter(2, "bans_applied") < appliedBefore + bans)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("node 2 did not apply all bans within " + CONVERGE_DEADLINE_MILLIS / 1000 + " s");
            }
            if (System.currentTimeMillis() >= nextReport)
            {
                nextReport += 10_000;
                final long now1 = cpuTicks(Path.of("/proc/" + pid(1) + "/stat"));
                final long now2 = cpuTicks(Path.of("/proc/" + pid(2) + "/stat"));
                System.out.printf(Locale.ROOT, "  %5.0f s: node 1 applied %d, node 2 applied %d, node 2 refused_rate_limited %d, " +
                    "duplicates %d; node 1 retransmits %d; CPU in the last 10 s: node 1 %d%%, node 2 %d%%%n",
                    (System.nanoTime() - start) / 1e9, counter(1, "bans_applied") - appliedBefore,
                    counter(2, "bans_applied") - appliedBefore, counter(2, "refused_rate_limited"), counter(2, "records_duplicate"),
                    counter(1, "retransmits"), (now1 - ticks1) * 100 / (10 * clockTicksPerSecond),
                    (now2 - ticks2) * 100 / (10 * clockTicksPerSecond));
                ticks1 = now1;
                ticks2 = now2;
            }
            Thread.sleep(100);
        }
        final double converged = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  node 2 applied all %d after %.1f s (%.0f bans/s); node 1 retransmits %d, " +
            "node 2 refused_rate_limited %d%n", bans, converged, bans / converged, counter(1, "retransmits"),
            counter(2, "refused_rate_limited"));
    }

    private Process startNode(final int id) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "run", "-c", cluster.configFile(id).toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(cluster.baseDir().resolve("node" + id + ".log").toFile()));
        if (null != javaOpts)
        {
            builder.environment().put("BLOCKSYNC_JAVA_OPTS", javaOpts);
        }
        return builder.start();
    }

    /** The launcher execs java, so the child's pid is the JVM's. */
    private long pid(final int id)
    {
        return processes.get(id - 1).pid();
    }

    private void awaitReady(final int id) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (true)
        {
            if (!processes.get(id - 1).isAlive())
            {
                throw new IllegalStateException("node " + id + " exited:\n" + tail(cluster.baseDir().resolve("node" + id + ".log"), 3000));
            }
            try
            {
                final List<String> reply = ControlClient.exchange(cluster.stateDir(id), List.of("ping"));
                if (!reply.isEmpty() && reply.get(0).startsWith("ok"))
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                // Not listening yet.
            }
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("node " + id + " not ready after 30 s");
            }
            Thread.sleep(50);
        }
    }

    private void awaitCounter(final int id, final String label, final long atLeast, final long timeoutMillis) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        long value;
        while ((value = counter(id, label)) < atLeast)
        {
            if (System.currentTimeMillis() > deadline || !processes.get(id - 1).isAlive())
            {
                throw new IllegalStateException("node " + id + ": " + label + " is " + value + ", expected " + atLeast +
                    " within " + timeoutMillis / 1000 + " s");
            }
            Thread.sleep(100);
        }
    }

    /** One of a node's own counters, read from its status file as {@code blocksync status} does. */
    private long counter(final int id, final String label)
    {
        try (StatusFile status = StatusFile.openForReading(cluster.stateDir(id)))
        {
            final CountersReader reader = status.countersReader();
            final long[] value = { -1 };
            reader.forEach((counterId, typeId, key, counterLabel) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counterLabel.equals(label))
                {
                    value[0] = reader.getCounterValue(counterId);
                }
            });
            return value[0];
        }
    }

    private void stopAll() throws InterruptedException
    {
        for (final Process process : processes)
        {
            process.destroy();
        }
        for (final Process process : processes)
        {
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc stat file, in clock ticks; the name field may hold spaces. */
    private static long cpuTicks(final Path statFile) throws IOException
    {
        final String stat = Files.readString(statFile);
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** CPU ticks per thread name (threads of one name, such as GC workers, added up). */
    private static Map<String, Long> threadTicks(final long pid) throws IOException
    {
        final Map<String, Long> ticks = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm")).strip().replace(' ', '_');
                    ticks.merge(name, cpuTicks(task.resolve("stat")), Long::sum);
                }
                catch (final IOException ex)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        return ticks;
    }

    private static Map<String, String> procStatus(final long pid) throws IOException
    {
        final Map<String, String> fields = new TreeMap<>();
        for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
        {
            final int colon = line.indexOf(':');
            if (colon > 0)
            {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
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

    private static String tail(final Path file, final int chars) throws IOException
    {
        final String text = Files.exists(file) ? Files.readString(file) : "(no log)";
        return text.substring(Math.max(0, text.length() - chars));
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
    }
}
