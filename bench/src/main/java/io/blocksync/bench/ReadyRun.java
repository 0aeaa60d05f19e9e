package io.blocksync.bench;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.store.BanStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12's start-up and CLI figures for one node started through the distribution's launcher with a store already
 * holding {@code --bans N} entries (written straight into node 1's state directory before it starts, origin node 2,
 * each ending one to two days later, so nothing expires during the run; node 2 is configured but never started):
 * <ol>
 *   <li>CPU to ready: utime + stime from {@code /proc/PID/stat} at the first {@code ping} the control socket answers
 *   (polled every 5 ms), and the wall time from the launcher's start;</li>
 *   <li>idle RSS ({@code VmRSS}, anonymous and file pages, peak {@code VmHWM}) after {@code --settle-seconds};</li>
 *   <li>CPU of one {@code blocksync bans}, {@code status} and {@code ban} each (the launcher's JVM included, read as
 *   the children's times of a shell that waited for it), with the daemon up, then {@code bans} with it stopped
 *   (reading the store).</li>
 * </ol>
 * {@code --reuse DIR} runs in DIR, keeps it, and uses the store a kept earlier run left there (its ban included),
 * which saves writing a large store again while iterating. Every JVM gets the launcher's flags unless {@code --java-opts} replaces them ({@code BLOCKSYNC_JAVA_OPTS}):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.blocksync.bench.ReadyRun [--launcher daemon/target/blocksync/bin/blocksync] [--bans 100000]
 *     [--capacity 100000] [--settle-seconds 10] [--java-opts "..."] [--keep] [--reuse DIR]
 * </pre>
 */
public final class ReadyRun
{
    private final Path launcher;
    private final String javaOpts;
    private final long clockTicksPerSecond;

    private ReadyRun(final Path launcher, final String javaOpts) throws IOException, InterruptedException
    {
        this.launcher = launcher.toAbsolutePath();
        this.javaOpts = javaOpts;
        this.clockTicksPerSecond = Long.parseLong(shell("getconf CLK_TCK").trim());
    }

    public static void main(final String[] args) throws Exception
    {
        Path launcher = Path.of("daemon/target/blocksync/bin/blocksync");
        int bans = 100_000;
        long capacity = -1;
        int settleSeconds = 10;
        String javaOpts = null;
        boolean keep = false;
        Path reuse = null;
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--launcher" -> launcher = Path.of(value);
                case "--bans" -> bans = Integer.parseInt(value);
                case "--capacity" -> capacity = Long.parseLong(value);
                case "--settle-seconds" -> settleSeconds = Integer.parseInt(value);
                case "--java-opts" -> javaOpts = value;
                case "--reuse" -> reuse = Path.of(value);
                case "--keep" ->
                {
                    keep = true;
                    continue;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
            }
            i++;
        }
        final long storeCapacity = capacity > 0 ? capacity : Math.max(100_000, bans);
        final Path dir = null != reuse ? reuse : Files.createTempDirectory("blocksync-ready-");
        try
        {
            new ReadyRun(launcher, javaOpts).measure(dir, bans, storeCapacity, settleSeconds);
        }
        finally
        {
            if (keep || null != reuse)
            {
                System.out.println("kept " + dir);
            }
            else
            {
                BenchFiles.deleteRecursively(dir);
            }
        }
    }

    private void measure(final Path dir, final int bans, final long capacity, final int settleSeconds) throws Exception
    {
        final boolean reused = Files.exists(dir.resolve("node1.conf"));
        if (!reused)
        {
            LoopbackCluster.write(dir, 2, "[bans]\ncapacity = " + capacity + "\n");
        }
        final Path config = dir.resolve("node1.conf");
        final Path stateDir = dir.resolve("node1");
        System.out.printf(Locale.ROOT, "launcher %s, JVM flags: %s, %d bans in a store of capacity %d, load average %s%n",
            launcher, null == javaOpts ? "launcher default" : javaOpts, bans, capacity, loadAverage());
        if (reused)
        {
            System.out.println("reusing the store in " + dir);
        }
        else
        {
            final long prefillStart = System.nanoTime();
            prefill(stateDir, capacity, bans);
            System.out.printf(Locale.ROOT, "store written in %.1f s%n", (System.nanoTime() - prefillStart) / 1e9);
        }

        final ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "run", "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node1.log").toFile()));
        environment(builder.environment());
        final long start = System.nanoTime();
        final Process node = builder.start();
        try
        {
            final long readyTicks = awaitReady(node, stateDir, dir.resolve("node1.log"));
            System.out.printf(Locale.ROOT, "ready: %.2f s CPU (%d ticks) to the first control-socket answer, %.2f s wall%n",
                (double)readyTicks / clockTicksPerSecond, readyTicks, (System.nanoTime() - start) / 1e9);
            // The measurement: the node is left alone while it settles.
            Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
            final Map<String, String> status = ProcStats.status(node.pid());
            System.out.printf(Locale.ROOT, "idle after %d s: VmRSS %s (RssAnon %s, RssFile %s, RssShmem %s), VmHWM %s, " +
                "threads %s, CPU so far %.2f s%n", settleSeconds, status.get("VmRSS"), status.get("RssAnon"),
                status.get("RssFile"), status.get("RssShmem"), status.get("VmHWM"), status.get("Threads"),
                (double)ProcStats.cpuTicks(node.pid()) / clockTicksPerSecond);
            cli("bans (daemon up)", config, "bans");
            cli("status", config, "status");
            cli("ban", config, "ban", "198.51.100.7", "--duration", "1h");
        }
        finally
        {
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS))
            {
                node.destroyForcibly();
            }
        }
        cli("bans (daemon down)", config, "bans");
        for (final String line : Files.readAllLines(dir.resolve("node1.log")))
        {
            if (line.contains("Exception") || line.contains("Error"))
            {
                System.out.println("  !! node log: " + line);
            }
        }
    }

    /**
     * Ban n: 2001:db8:HI:LO::/64, origin node 2 with sequence n, ending one day plus n mod 86,400 s from now.
     */
    private static void prefill(final Path stateDir, final long capacity, final int bans) throws IOException
    {
        final long now = System.currentTimeMillis();
        final Ban ban = new Ban()
            .action(BanAction.BAN)
            .protocol(6)
            .port(22)
            .originNodeId(2)
            .originTimeMillis(now)
            .durationSeconds(2 * 86_400)
            .reason(ReasonCode.of("ssh"))
            .appliedAtMillis(now);
        final IpPrefix prefix = new IpPrefix();
        final byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte)0xb8;
        try (BanStore store = BanStore.openForDaemon(stateDir, capacity))
        {
            for (int n = 1; n <= bans; n++)
            {
                address[4] = (byte)(n >>> 24);
                address[5] = (byte)(n >>> 16);
                address[6] = (byte)(n >>> 8);
                address[7] = (byte)n;
                store.put(ban.prefix(prefix.set(AddressFamily.IPV6, address, 64))
                    .originSequence(n)
                    .expiresAtMillis(now + 86_400_000L + (n % 86_400) * 1000L));
            }
        }
    }

    private long awaitReady(final Process node, final Path stateDir, final Path log) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline)
        {
            if (!node.isAlive())
            {
                throw new IllegalStateException("node exited:\n" + BenchFiles.tail(log, 3000));
            }
            try
            {
                final List<String> reply = ControlClient.exchange(stateDir, List.of("ping"));
                if (!reply.isEmpty() && reply.get(0).startsWith("ok"))
                {
                    return ProcStats.cpuTicks(node.pid());
                }
            }
            catch (final IOException ex)
            {
                // Not listening yet.
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("node did not answer within 5 minutes:\n" + BenchFiles.tail(log, 3000));
    }

    /** Run {@code blocksync ARGS -c CONFIG} under a shell and print its exit, rows and CPU (the shell's children's times). */
    private void cli(final String label, final Path config, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("sh", "-c",
            "\"$0\" \"$@\" > \"$OUT\" 2>&1; echo \"exit $?\"; cat /proc/$$/stat", launcher.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-c", config.toString()));
        final Path out = Files.createTempFile("blocksync-cli-", ".out");
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            environment(builder.environment());
            builder.environment().put("OUT", out.toString());
            final long start = System.nanoTime();
            final Process process = builder.start();
            final String[] output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
            process.waitFor();
            final double wall = (System.nanoTime() - start) / 1e9;
            final String stat = output[output.length - 1];
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // cutime and cstime, fields 16 and 17: the children the shell waited for.
            final long ticks = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            long lines = 0;
            String last = "";
            try (var reader = Files.newBufferedReader(out))
            {
                for (String line = reader.readLine(); null != line; line = reader.readLine())
                {
                    lines++;
                    last = line;
                }
            }
            System.out.printf(Locale.ROOT, "%-20s %s, %.2f s CPU, %.2f s wall, %d output lines, last: %s%n", label,
                output[output.length - 2], (double)ticks / clockTicksPerSecond, wall, lines,
                last.length() > 100 ? last.substring(0, 100) : last);
        }
        finally
        {
            Files.deleteIfExists(out);
        }
    }

    private void environment(final Map<String, String> environment)
    {
        if (null != javaOpts)
        {
            environment.put("BLOCKSYNC_JAVA_OPTS", javaOpts);
        }
    }

    private static String loadAverage() throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    private static String shell(final String command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
