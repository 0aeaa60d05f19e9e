package io.blocksync.bench.runner;

import io.blocksync.bench.BenchFiles;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code blocksync bench --cpu-cap PERCENT}: a projection for a slower board. Node 1 runs free and plays the fleet;
 * node 2 runs through the launcher inside a {@link CpuCap} of PERCENT of one core and plays the board: its start-up
 * (launch to control socket, wall and CPU time), the bans/s it receives and applies ({@code bans_applied}: stored and
 * handed to its firewall) for a burst sent right after start (cold, JIT not warmed) and for a second one (warm), then
 * its idle CPU.
 * A Geode LX 800 is roughly 1/20 of one core of the reference machine (PERFORMANCE.md, "Bench runner", gives the
 * source), so {@code --cpu-cap 5} projects one.
 */
final class CappedProjection
{
    private static final Duration READY_DEADLINE = Duration.ofMinutes(10);
    private static final Duration BURST_DEADLINE = Duration.ofMinutes(10);
    private static final String SETTINGS = "[bans]\ncapacity = 100000\norigin-rate = 1000000\n";

    private final double percent;
    private final boolean quick;
    private final Path launcher;
    private long banned;

    CappedProjection(final double percent, final boolean quick, final Path launcher)
    {
        this.percent = percent;
        this.quick = quick;
        this.launcher = launcher;
    }

    int burst()
    {
        return quick ? 2_000 : 10_000;
    }

    int idleSeconds()
    {
        return quick ? 10 : 60;
    }

    void run(final BenchReport report, final Progress progress) throws IOException, InterruptedException
    {
        final Path dir = Files.createTempDirectory("blocksync-bench-cap-");
        try (CpuCap cap = CpuCap.create(percent);
             NodeProcesses nodes = new NodeProcesses(launcher, LoopbackCluster.write(dir, 2, SETTINGS)))
        {
            report.machine("cpu_cap", String.format(Locale.ROOT, "%.1f%% of one core (%s)", percent, cap.kind()));
            progress.step("cpu-cap: node 1 (free) starting", 5);
            nodes.start(null);
            nodes.awaitReady(1, NodeSection.READY_DEADLINE);
            progress.step("cpu-cap: node 2 starting under the cap", 100 * 5 / percent);
            final long launched = System.nanoTime();
            nodes.start(cap.procsFile());
            nodes.awaitReady(2, READY_DEADLINE);
            report.add("capped_ready", (System.nanoTime() - launched) / 1e9, "s", false,
                "capped node: launcher started to control socket answering");
            report.add("capped_ready_cpu", nodes.cpuSeconds(2), "s", false, "CPU time it used until then");
            nodes.awaitCounter(2, "heartbeats_received", 1, READY_DEADLINE);

            progress.step("cpu-cap: cold burst of " + burst() + " bans", burst() / 500.0);
            burst(nodes, report, "cold", "right after start");
            progress.step("cpu-cap: warm burst of " + burst() + " bans", burst() / 2000.0);
            burst(nodes, report, "warm", "a second burst");

            progress.step("cpu-cap: idle " + idleSeconds() + " s", idleSeconds());
            final double before = nodes.cpuSeconds(2);
            final long start = System.nanoTime();
            // The idle window is the measurement itself: nothing to poll for.
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds()));
            final double window = (System.nanoTime() - start) / 1e9;
            report.add("capped_idle_cpu", 100 * (nodes.cpuSeconds(2) - before) / window, "%", false,
                "capped node idle, % of one core of this machine (divide by the cap for its share of the board)");
            report.add("capped_rss", nodes.rssMebibytes(2), "MiB", false, "capped node's resident set after the bursts");
        }
        finally
        {
            BenchFiles.deleteRecursively(dir);
        }
    }

    /** Node 1 bans {@link #burst()} new prefixes; time until node 2 has stored them and its firewall applied them. */
    private void burst(final NodeProcesses nodes, final BenchReport report, final String name, final String when)
        throws IOException
    {
        final long appliedBefore = nodes.counter(2, "bans_applied");
        final long start = System.nanoTime();
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < burst(); i++)
        {
            final long n = ++banned;
            lines.add(String.format(Locale.ROOT, "%s 2001:db8:%x:%x::/64 3600 bench 0 0", ControlProtocol.BAN, n >>> 16, n & 0xFFFF));
        }
        for (final String reply : ControlClient.exchange(nodes.stateDirOf(1), lines))
        {
            if (reply.startsWith(ControlProtocol.ERROR))
            {
                throw new IllegalStateException("node 1 refused a ban: " + reply);
            }
        }
        final double sent = (System.nanoTime() - start) / 1e9;
        nodes.awaitCounter(2, "bans_applied", appliedBefore + burst(), BURST_DEADLINE);
        final double applied = (System.nanoTime() - start) / 1e9;
        report.add("capped_" + name + "_sent_per_s", burst() / sent, "bans/s", true,
            String.format(Locale.ROOT, "%,d bans %s: taken by node 1 (free), the rate offered", burst(), when));
        report.add("capped_" + name + "_applied_per_s", burst() / applied, "bans/s", true,
            "the same bans received, stored and handed to the firewall (log backend) by the capped node (bans_applied)");
    }
}
