package io.blocksync.bench.runner;

import io.blocksync.bench.BenchFiles;
import io.blocksync.daemon.LoopbackCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a real node costs: two peered nodes started through the distribution's launcher with its JVM flags, as an
 * operator runs them. Node 1 starts alone (time and CPU from launch to answering its control socket), then node 2; once
 * they hear each other's heartbeats and have settled, node 1's idle CPU over a window (utime + stime from
 * {@code /proc/PID/stat}) and its resident set ({@code VmRSS}) with an empty store.
 */
final class NodeSection
{
    static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final String SETTINGS = "[bans]\ncapacity = 100000\n";

    private final boolean quick;
    private final Path launcher;

    NodeSection(final boolean quick, final Path launcher)
    {
        this.quick = quick;
        this.launcher = launcher;
    }

    int settleSeconds()
    {
        return quick ? 3 : 10;
    }

    int idleSeconds()
    {
        return quick ? 10 : 60;
    }

    void run(final BenchReport report) throws IOException, InterruptedException
    {
        final Path dir = Files.createTempDirectory("blocksync-bench-node-");
        try (NodeProcesses nodes = new NodeProcesses(launcher, LoopbackCluster.write(dir, 2, SETTINGS)))
        {
            final long launched = System.nanoTime();
            nodes.start(null);
            nodes.awaitReady(1, READY_DEADLINE);
            final double readySeconds = (System.nanoTime() - launched) / 1e9;
            final double readyCpu = nodes.cpuSeconds(1);
            nodes.start(null);
            nodes.awaitReady(2, READY_DEADLINE);
            nodes.awaitCounter(1, "heartbeats_received", 1, READY_DEADLINE);
            nodes.awaitCounter(2, "heartbeats_received", 1, READY_DEADLINE);
            // Settling and the idle window are the measurement itself: there is nothing to poll for.
            Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds()));
            final double cpuBefore = nodes.cpuSeconds(1);
            final long windowStart = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds()));
            final double window = (System.nanoTime() - windowStart) / 1e9;
            final double idleCpu = nodes.cpuSeconds(1) - cpuBefore;

            report.add("node_ready", readySeconds, "s", false, "launcher started to control socket answering (empty store)");
            report.add("node_ready_cpu", readyCpu, "s", false, "CPU time used until then");
            report.add("node_idle_cpu", 100 * idleCpu / window, "%", false,
                String.format(java.util.Locale.ROOT, "of one core, idle with one peer, over %.0f s", window));
            report.add("node_rss", nodes.rssMebibytes(1), "MiB", false, "resident set, idle, empty store (VmRSS)");
        }
        finally
        {
            BenchFiles.deleteRecursively(dir);
        }
    }
}
