package io.blocksync.bench.runner;

import io.blocksync.codec.BatchFrameFlyweight;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.annotations.Mode;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hot path's pieces through JMH's {@link Runner} API, with short fixed iterations and no fork: the figures are
 * taken in the JVM {@code blocksync bench} runs in, with the launcher's flags (C1 only, Serial GC), as the daemon runs,
 * and no extra JVM start per benchmark (seconds on a small board). Each figure is JMH's average time per operation.
 */
final class MicroSection
{
    /** One JMH benchmark method and parameters, and the figure it becomes. */
    record Bench(String key, String method, String[] params, String unit, String label)
    {
    }

    /** Records in a full BATCH datagram, from the codec: the benchmarks' {@code records} parameter for a full one. */
    private static final String FULL = String.valueOf(BatchFrameFlyweight.MAX_RECORDS);

    static final List<Bench> BENCHES = List.of(
        new Bench("seal_datagram", "CodecBenchmark.stampAndSeal", new String[]{ "records", FULL }, "ns",
            "encode, stamp and HMAC-seal a full datagram (" + FULL + " records) for one peer"),
        new Bench("seal_per_peer", "CodecBenchmark.sealForOnePeer", new String[]{ "records", FULL }, "ns",
            "re-seal that datagram for each further peer"),
        new Bench("verify_datagram", "CodecBenchmark.verifyAndDecode", new String[]{ "records", FULL }, "ns",
            "verify (HMAC, replay window) and decode a full datagram"),
        new Bench("sign_record", "RecordSignatureBenchmark.signRecord", new String[0], "us",
            "Ed25519 origin signature of one ban record"),
        new Bench("verify_record", "RecordSignatureBenchmark.verifyRecord", new String[0], "us",
            "Ed25519 verification of one ban record"),
        new Bench("store_get", "BanStoreBenchmark.getHit", new String[0], "ns", "ban store: read a stored prefix"),
        new Bench("store_put", "BanStoreBenchmark.putUpdate", new String[0], "ns", "ban store: overwrite a stored prefix"),
        new Bench("pflog_decode", "EventDecodeBenchmark.decode", new String[]{ "capture", "synthetic/pflog" }, "ns",
            "decode one pflog event (pcap, pflog header, IPv4/TCP)"),
        new Bench("nflog_decode", "EventDecodeBenchmark.decode", new String[]{ "capture", "synthetic/nflog" }, "ns",
            "decode one NFLOG event (pcap, NFLOG TLVs, IPv4/TCP)"));

    private final boolean quick;
    private final int warmupIterations;
    private final int iterations;
    private final long iterationMillis;

    MicroSection(final boolean quick)
    {
        this(quick, quick ? 1 : 2, quick ? 2 : 5, quick ? 500 : 1000);
    }

    private MicroSection(final boolean quick, final int warmupIterations, final int iterations, final long iterationMillis)
    {
        this.quick = quick;
        this.warmupIterations = warmupIterations;
        this.iterations = iterations;
        this.iterationMillis = iterationMillis;
    }

    /** @return one 20 ms iteration without warm-up: proves a benchmark sets up and runs, its figure means nothing. */
    static MicroSection smoke()
    {
        return new MicroSection(true, 0, 1, 20);
    }

    /** @return estimated seconds for one benchmark. */
    double secondsPerBench()
    {
        return quick ? 1.8 : 7.5;
    }

    /**
     * Run one benchmark and add its figure.
     *
     * @throws RunnerException if JMH fails (the benchmark threw).
     */
    void run(final Bench bench, final BenchReport report) throws RunnerException
    {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^io\\.blocksync\\.bench\\." + bench.method().replace(".", "\\.") + "$")
            .forks(0)
            .threads(1)
            .mode(Mode.AverageTime)
            .timeUnit(TimeUnit.valueOf(bench.unit().equals("us") ? "MICROSECONDS" : "NANOSECONDS"))
            .warmupIterations(warmupIterations)
            .warmupTime(TimeValue.milliseconds(iterationMillis))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.milliseconds(iterationMillis))
            .shouldFailOnError(true);
        for (int i = 0; i < bench.params().length; i += 2)
        {
            options.param(bench.params()[i], bench.params()[i + 1]);
        }
        if (bench.method().startsWith("BanStoreBenchmark"))
        {
            options.param("stored", quick ? "20000" : "50000");
        }
        final PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        final Collection<RunResult> results = new Runner(options.build(),
            OutputFormatFactory.createFormatInstance(silent, VerboseMode.SILENT)).run();
        if (results.isEmpty())
        {
            throw new RunnerException("JMH found no benchmark " + bench.method());
        }
        final RunResult result = results.iterator().next();
        report.add(bench.key(), result.getPrimaryResult().getScore(), bench.unit(), false, bench.label());
    }
}
