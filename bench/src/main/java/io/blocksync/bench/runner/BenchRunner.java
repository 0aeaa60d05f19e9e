package io.blocksync.bench.runner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Locale;

/**
 * {@code blocksync bench}: the hardware-validation runner. Runs a fixed suite on this machine (see
 * {@link BenchOptions#SECTIONS}: JMH micro-benchmarks of the hot path, an in-process cluster, a kernel apply in a
 * throw-away namespace, a real node through the launcher), prints the machine, every figure with its unit and the
 * {@link Verdict}; or, with {@code --cpu-cap}, the {@link CappedProjection}. The daemon's {@code BenchCommand} finds
 * this class by name and calls {@link #run(String...)}.
 */
public final class BenchRunner
{
    private final BenchOptions options;
    private final PrintStream err;
    private final Progress progress;
    private int failures;

    BenchRunner(final BenchOptions options, final PrintStream err, final Progress progress)
    {
        this.options = options;
        this.err = err;
        this.progress = progress;
    }

    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * @param args the arguments after {@code blocksync bench}.
     * @return 0 every section measured or skipped with a reason, 1 a section failed, 2 bad usage.
     */
    public static int run(final String... args)
    {
        final BenchOptions options;
        try
        {
            options = BenchOptions.parse(args);
            if (null != options.launcher && !executableFile(options.launcher))
            {
                throw new IllegalArgumentException("--launcher " + options.launcher + ": not an executable file");
            }
            if (null != options.compare)
            {
                Comparison.otherFigures(options.compare);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("blocksync bench: " + ex.getMessage());
            return 2;
        }
        final BenchRunner runner = new BenchRunner(options, System.err,
            Progress.forStandardError(estimateSeconds(options)));
        final BenchReport report = runner.measure();
        try
        {
            if (null != options.compare)
            {
                report.comparison(Comparison.of(report, options.compare));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("blocksync bench: " + ex.getMessage());
            return 2;
        }
        System.out.print(options.json ? report.toJson() : report.toText());
        System.out.flush();
        return runner.failures > 0 ? 1 : 0;
    }

    /** @return the whole run's estimated length, for the progress bar. */
    static double estimateSeconds(final BenchOptions options)
    {
        if (options.cpuCapPercent > 0)
        {
            return 5 + 100 * 5 / options.cpuCapPercent + 2 * (options.quick ? 5 : 20) + (options.quick ? 10 : 60);
        }
        double total = 0;
        final boolean quick = options.quick;
        if (options.runs("micro"))
        {
            total += MicroSection.BENCHES.size() * new MicroSection(quick).secondsPerBench();
        }
        if (options.runs("cluster"))
        {
            final ClusterSection cluster = new ClusterSection(quick);
            total += 3 + cluster.latencySamples() * 0.005 + cluster.warmupSeconds() + cluster.measureSeconds();
        }
        if (options.runs("kernel"))
        {
            total += quick ? 2 : 8;
        }
        if (options.runs("node"))
        {
            final NodeSection node = new NodeSection(quick, null);
            total += 5 + node.settleSeconds() + node.idleSeconds();
        }
        return total;
    }

    BenchReport measure()
    {
        final long start = System.nanoTime();
        final BenchReport report = new BenchReport(options.mode());
        MachineInfo.describe(report);
        final Path launcher = launcher();
        if (options.cpuCapPercent > 0)
        {
            if (null == launcher)
            {
                // The projection is nothing but a node through the launcher: without one it has failed, not skipped.
                failures++;
                report.skip("cpu-cap", "FAILED: no launcher (bin/blocksync) found; pass --launcher PATH");
            }
            else
            {
                section(report, "cpu-cap", () -> new CappedProjection(options.cpuCapPercent, options.quick, launcher).run(report, progress));
            }
        }
        else
        {
            runSuite(report, launcher);
        }
        progress.done();
        report.machine("load_average_end", MachineInfo.loadAverage());
        return report.elapsedSeconds((System.nanoTime() - start) / 1e9);
    }

    private void runSuite(final BenchReport report, final Path launcher)
    {
        final boolean quick = options.quick;
        if (options.runs("micro"))
        {
            final MicroSection micro = new MicroSection(quick);
            for (final MicroSection.Bench bench : MicroSection.BENCHES)
            {
                progress.step("micro: " + bench.key(), micro.secondsPerBench());
                section(report, "micro." + bench.key(), () -> micro.run(bench, report));
            }
        }
        if (options.runs("cluster"))
        {
            final ClusterSection cluster = new ClusterSection(quick);
            progress.step("cluster: " + ClusterSection.NODES + " nodes (" + ChildJvm.HEAP + "), " + cluster.latencySamples() +
                " lone bans, throughput", 3 + cluster.latencySamples() * 0.005 + cluster.warmupSeconds() + cluster.measureSeconds());
            section(report, "cluster", () ->
                ChildJvm.run(ClusterSection.class, List.of(quick ? "quick" : "full"), quick ? 180 : 600, report));
            final Figure receive = report.figure("cluster_peer_cpu_per_ban");
            final Figure origin = report.figure("cluster_origin_cpu_per_ban");
            final Figure p99 = report.figure("cluster_latency_p99");
            final Figure reseal = report.figure("seal_per_peer");
            if (null != receive && null != origin && null != p99)
            {
                final double perPeer = null == reseal ? origin.value() / 4 : reseal.value() / 1e3 / Verdict.RECORDS_PER_DATAGRAM;
                report.verdict(Verdict.of(receive.value(), origin.value(), perPeer, p99.value()));
            }
        }
        if (options.runs("kernel"))
        {
            final String reason = KernelSection.unavailableReason();
            if (null != reason)
            {
                report.skip("kernel", reason);
            }
            else
            {
                progress.step("kernel: nftables set in a throw-away namespace", quick ? 2 : 8);
                section(report, "kernel", () -> new KernelSection(quick).run(report));
            }
        }
        if (options.runs("node"))
        {
            if (null == launcher)
            {
                report.skip("node", "no launcher (bin/blocksync) found; pass --launcher PATH");
            }
            else
            {
                final NodeSection node = new NodeSection(quick, launcher);
                progress.step("node: start, settle " + node.settleSeconds() + " s, idle " + node.idleSeconds() + " s",
                    5 + node.settleSeconds() + node.idleSeconds());
                section(report, "node", () -> node.run(report));
            }
        }
    }

    @FunctionalInterface
    private interface Work
    {
        void run() throws Exception;
    }

    /** Run one section; a failure is reported as a skip with its reason and counted, and the suite goes on. */
    private void section(final BenchReport report, final String name, final Work work)
    {
        try
        {
            work.run();
        }
        catch (final Exception | AssertionError | OutOfMemoryError ex)
        {
            failures++;
            final String reason = reason(ex);
            report.skip(name, "FAILED: " + reason);
            err.printf(Locale.ROOT, "%nbench: %s failed: %s%n", name, reason);
        }
    }

    /**
     * @return the class and first message line of what actually failed: JMH wraps a benchmark's exception in a
     * RunnerException ("Benchmark caught the exception") whose cause holds it as a suppressed exception.
     */
    static String reason(final Throwable failure)
    {
        Throwable cause = failure;
        for (int depth = 0; depth < 16; depth++)
        {
            if (cause.getCause() != null)
            {
                cause = cause.getCause();
            }
            else if (cause.getSuppressed().length > 0)
            {
                cause = cause.getSuppressed()[0];
            }
            else
            {
                break;
            }
        }
        final String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return cause.getClass().getSimpleName() + ": " + message;
    }

    /**
     * @return {@code --launcher}, else the system property {@code blocksync.launcher}, else {@code bin/blocksync} of
     * the distribution this jar sits in ({@code lib/bench/}); null if none is an executable file.
     */
    Path launcher()
    {
        if (null != options.launcher)
        {
            return executableFile(options.launcher) ? options.launcher.toAbsolutePath() : null;
        }
        final String property = System.getProperty("blocksync.launcher");
        if (null != property)
        {
            return executableFile(Path.of(property)) ? Path.of(property).toAbsolutePath() : null;
        }
        final CodeSource code = BenchRunner.class.getProtectionDomain().getCodeSource();
        try
        {
            final Path jar = Path.of(code.getLocation().toURI());
            final Path candidate = jar.getParent().getParent().getParent().resolve("bin").resolve("blocksync");
            return executableFile(candidate) ? candidate : null;
        }
        catch (final Exception ex)
        {
            return null;
        }
    }

    /** A directory has its execute bit too: only a regular file can be a launcher. */
    private static boolean executableFile(final Path path)
    {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
