package io.blocksync.bench.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runner's pieces: the JSON shape, the verdict arithmetic, --compare and its errors, the option parser, and the
 * JMH micro section run for real (one short benchmark).
 */
class BenchRunnerTest
{
    private static BenchReport sample(final double sealNanos, final double banRate)
    {
        final BenchReport report = new BenchReport("quick");
        report.machine("cpu_model", "Test CPU \"x\"").machine("cores", 2).machine("jvm_bits", 64);
        report.add("seal_per_peer", sealNanos, "ns", false, "re-seal");
        report.add("cluster_bans_per_s", banRate, "bans/s", true, "rate");
        report.skip("kernel", "creating network namespaces needs root");
        return report.verdict(Verdict.of(20, 300, 2, 9.5)).elapsedSeconds(12.5);
    }

    @Test
    void jsonHasTheDocumentedStableKeys()
    {
        @SuppressWarnings("unchecked")
        final Map<String, Object> root = (Map<String, Object>)JsonText.parse(sample(1800, 2000).toJson());
        assertEquals(List.of("format", "mode", "elapsed_s", "machine", "figures", "skipped", "verdict"), List.copyOf(root.keySet()));
        assertEquals(BenchReport.FORMAT, root.get("format"));
        assertEquals("quick", root.get("mode"));
        assertEquals(12.5, root.get("elapsed_s"));
        @SuppressWarnings("unchecked")
        final Map<String, Object> machine = (Map<String, Object>)root.get("machine");
        assertEquals("Test CPU \"x\"", machine.get("cpu_model"));
        assertEquals(2.0, machine.get("cores"));
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> figures = (Map<String, Map<String, Object>>)root.get("figures");
        assertEquals(Map.of("value", 1800.0, "unit", "ns", "higher_better", false, "label", "re-seal"), figures.get("seal_per_peer"));
        assertEquals(Map.of("kernel", "creating network namespaces needs root"), root.get("skipped"));
        @SuppressWarnings("unchecked")
        final Map<String, Object> verdict = (Map<String, Object>)root.get("verdict");
        assertEquals(List.of("peers", "bans_per_s", "p99_ms", "text"), List.copyOf(verdict.keySet()));
        assertEquals("this box can serve 1000 peers at 22,000 bans/s with p99 9.5 ms", verdict.get("text"));
    }

    @Test
    void verdictArithmetic()
    {
        // B = 500,000 us/s. M = 500,000 / (20 + 2) = 22,727 -> 22,000. c_s = 300 - 4 * 2 = 292; N = (5,000 - 292) / 2 = 2,354 -> cap 1000.
        final Verdict fast = Verdict.of(20, 300, 2, 9.5);
        assertEquals(22_000, fast.bansPerSecond());
        assertEquals(1000, fast.peers());
        // A board 20 times slower: M = 500,000 / 440 = 1,136 -> 1,100; c_s = 6,000 - 160 = 5,840 > 5,000: N = 1 (the floor).
        final Verdict slow = Verdict.of(400, 6000, 40, 120);
        assertEquals(1_100, slow.bansPerSecond());
        assertEquals(1, slow.peers());
        // c_s = 1,000 - 4 * 50 = 800; N = (5,000 - 800) / 50 = 84.
        assertEquals(84, Verdict.of(100, 1000, 50, 1).peers());
        assertEquals(87, Verdict.roundDownTwoDigits(87.9));
        assertEquals(120_000, Verdict.roundDownTwoDigits(123_456));
        assertThrows(IllegalArgumentException.class, () -> Verdict.of(0, 1, 1, 1));
    }

    @Test
    void compareGivesRatiosWhereAboveOneMeansThisBoxIsBetter(@TempDir final Path dir) throws Exception
    {
        final Path other = dir.resolve("other.json");
        Files.writeString(other, sample(3600, 500).toJson());
        final Comparison comparison = Comparison.of(sample(1800, 2000), other);
        assertEquals(2.0, comparison.ratios().get("seal_per_peer"), 1e-9);
        assertEquals(4.0, comparison.ratios().get("cluster_bans_per_s"), 1e-9);
        assertTrue(comparison.other().startsWith("Test CPU"), comparison.other());
        final String json = sample(1800, 2000).comparison(comparison).toJson();
        @SuppressWarnings("unchecked")
        final Map<String, Object> compare = (Map<String, Object>)((Map<String, Object>)JsonText.parse(json)).get("compare");
        assertEquals(Map.of("seal_per_peer", 2.0, "cluster_bans_per_s", 4.0), compare.get("ratios"));
    }

    @Test
    void compareTextKeepsThreeSignificantDigitsAndSaysWhenNothingIsInCommon(@TempDir final Path dir) throws Exception
    {
        final Path other = dir.resolve("other.json");
        Files.writeString(other, sample(3600, 500).toJson());
        final String text = Comparison.of(sample(1_332_000, 2000), other).toText();
        assertTrue(text.contains("seal_per_peer") && text.contains(" 0.0027x"), text);
        assertEquals("1230", Comparison.threeDigits(1234.5));
        assertEquals("0.5", Comparison.threeDigits(0.5));

        final Path capped = dir.resolve("capped.json");
        Files.writeString(capped, new BenchReport("cpu-cap").toJson());
        final String none = Comparison.of(sample(1800, 2000), capped).toText();
        assertTrue(none.contains("no figure in common"), none);
    }

    @Test
    void aBadCompareFileIsOneLineAndExitTwoBeforeAnythingRuns(@TempDir final Path dir) throws Exception
    {
        final Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "{\"format\": \"blocksync-bench/1\", \"figures\": ");
        final Path otherJson = dir.resolve("other.json");
        Files.writeString(otherJson, "{\"figures\": {}}");
        for (final Path file : List.of(notJson, otherJson, dir.resolve("missing.json")))
        {
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final PrintStream saved = System.err;
            final long start = System.nanoTime();
            final int exit;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try
            {
                exit = BenchRunner.run("--quick", "--compare", file.toString());
            }
            finally
            {
                System.setErr(saved);
            }
            final String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, exit, message);
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("blocksync bench: --compare " + file), message);
            assertTrue(System.nanoTime() - start < 5e9, "the suite must not run first");
        }
    }

    @Test
    void aLauncherThatIsNotAnExecutableIsRefusedBeforeAnythingRuns(@TempDir final Path dir)
    {
        for (final String[] args : List.of(new String[] {"--quick", "--launcher", dir.resolve("nowhere").toString()},
            new String[] {"--cpu-cap", "4", "--launcher", dir.toString()}))
        {
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final PrintStream saved = System.err;
            final int exit;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try
            {
                exit = BenchRunner.run(args);
            }
            finally
            {
                System.setErr(saved);
            }
            final String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, exit, message);
            assertEquals("blocksync bench: --launcher " + args[args.length - 1] + ": not an executable file", message.strip());
        }
    }

    @Test
    void optionsAreParsedOrRefusedInOneLine()
    {
        final BenchOptions options = BenchOptions.parse("--quick", "--json", "--only", "micro,node", "--compare", "x.json");
        assertTrue(options.quick && options.json);
        assertEquals("quick", options.mode());
        assertTrue(options.runs("micro") && options.runs("node") && !options.runs("cluster"));
        assertEquals("cpu-cap", BenchOptions.parse("--cpu-cap", "5").mode());
        assertEquals("unknown option '--fast'; expected --quick, --json, --compare FILE, --only SECTIONS, --launcher PATH, " +
            "--cpu-cap PERCENT", assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--fast")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--only", "disk"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--cpu-cap", "0"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--cpu-cap", "0.05"));
        assertEquals(0.1, BenchOptions.parse("--cpu-cap", "0.1").cpuCapPercent);
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--compare"));
    }

    @Test
    void aCapBelowOnePercentLengthensThePeriodInsteadOfRaisingTheQuota() throws Exception
    {
        final CpuCap cap;
        try
        {
            cap = CpuCap.create(0.5);
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "skipped: " + ex.getMessage());
            return;
        }
        try (cap)
        {
            // 1 ms every 200 ms is 0.5 %; a 100 ms period could not go below the kernel's 1 ms quota (1 %).
            assertTrue(cap.kind().endsWith("1000 per cfs_period_us 200000") || cap.kind().endsWith("\"1000 200000\""), cap.kind());
        }
    }

    @Test
    void jsonTextRoundTrips()
    {
        assertEquals(Map.of("a", List.of(1.0, "x\ny", true), "b", Map.of()), JsonText.parse(" {\"a\": [1, \"x\\ny\", true], \"b\": {}} "));
        assertNull(JsonText.parse("null"));
        assertEquals("0.333333", JsonText.number(1.0 / 3));
        assertEquals("null", JsonText.number(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\"a\" 1}"));
    }

    @Test
    void aMicroBenchmarkRunsThroughJmhInProcess()
    {
        final BenchReport report = new BenchReport("quick");
        final MicroSection.Bench pflog = MicroSection.BENCHES.stream().filter((b) -> b.key().equals("pflog_decode")).findFirst().orElseThrow();
        assertNull(report.figure("pflog_decode"));
        try
        {
            new MicroSection(true).run(pflog, report);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
        final double nanos = report.figure("pflog_decode").value();
        assertTrue(nanos > 1 && nanos < 1_000_000, "ns per pflog event: " + nanos);
    }

    /**
     * Every benchmark of the micro section sets up and runs with the parameters the runner gives it (one 20 ms
     * iteration each). Protocol 3's 160-byte records made a 9-record datagram impossible and the three datagram
     * figures failed in every run while the suite still printed a verdict.
     */
    @Test
    void everyMicroBenchmarkSetsUpAndRunsWithItsParameters()
    {
        final BenchReport report = new BenchReport("quick");
        final MicroSection smoke = MicroSection.smoke();
        for (final MicroSection.Bench bench : MicroSection.BENCHES)
        {
            try
            {
                smoke.run(bench, report);
            }
            catch (final Exception ex)
            {
                throw new AssertionError(bench.key() + ": " + BenchRunner.reason(ex), ex);
            }
            assertTrue(report.figure(bench.key()).value() > 0, bench.key());
        }
    }

    @Test
    void aFailureNamesWhatJmhWrapped()
    {
        final IllegalStateException inner = new IllegalStateException("BATCH frame full: 7 records\nmore");
        final Exception wrapped = new Exception("Benchmark caught the exception", new Exception("errors"));
        wrapped.getCause().addSuppressed(inner);
        assertEquals("IllegalStateException: BATCH frame full: 7 records", BenchRunner.reason(wrapped));
    }
}
