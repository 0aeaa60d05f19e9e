package io.blocksync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The figures of one {@link EndToEndLatencyRun} pass: matches the samples to the wire capture, prints a Markdown
 * table of intervals (n, min, p50, p90, p99, max, mean) and optionally writes every sample to a CSV file.
 */
final class LatencyReport
{
    private final EndToEndOptions options;
    private final List<LatencySample> samples;
    private final String counters;
    private List<Long> batches = List.of();

    /**
     * @param options  the run's options (source, CSV directory).
     * @param samples  the measured samples, warm-up excluded.
     * @param counters the nodes' counters at the end, one line per node.
     */
    LatencyReport(final EndToEndOptions options, final List<LatencySample> samples, final String counters)
    {
        this.options = options;
        this.samples = samples;
        this.counters = counters;
    }

    /**
     * Give each sample its SYN's capture time, and the first BATCH datagram between its SYN and its ban landing.
     *
     * @param capture the wire capture, or null if the run had none.
     */
    void matchCapture(final WireCapture capture)
    {
        if (null == capture)
        {
            return;
        }
        batches = capture.batchesSent();
        for (final LatencySample sample : samples)
        {
            sample.synNanos = capture.synNanos(sample.address);
        }
        batches.sort(Comparator.naturalOrder());
        for (final LatencySample sample : samples)
        {
            if (null != sample.synNanos && null != sample.appliedNanos)
            {
                for (final long at : batches)
                {
                    if (at >= sample.synNanos && at <= sample.appliedNanos)
                    {
                        sample.batchNanos = at;
                        break;
                    }
                }
            }
        }
    }

    /**
     * Print the pass's table, then write its CSV if asked for.
     *
     * @param flushDelay B's flush delay in this pass.
     * @param loadBefore /proc/loadavg before the pass.
     * @param loadAfter  /proc/loadavg after it.
     * @throws IOException if the CSV cannot be written.
     */
    void print(final String flushDelay, final String loadBefore, final String loadAfter) throws IOException
    {
        final long timeouts = samples.stream().filter(s -> null == s.appliedNanos).count();
        final long v6 = samples.stream().filter(s -> s.v6).count();
        System.out.printf(Locale.ROOT, "### flush-delay %s, source %s: %d samples (%d IPv4, %d IPv6), %d never reached B%n" +
            "loadavg before: %s, after: %s; BATCH datagrams captured: %d; SYNs matched: %d%n%n",
            flushDelay, options.source, samples.size(), samples.size() - v6, v6, timeouts, loadBefore, loadAfter,
            batches.size(), samples.stream().filter(s -> null != s.synNanos).count());
        System.out.println("| interval | n | min | p50 | p90 | p99 | max | mean |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        row("SYN on A's eth0 → element in B's set", samples, s -> diff(s.synNanos, s.appliedNanos));
        row("attacker connect() → element in B's set", samples, s -> diff(s.sentNanos, s.appliedNanos));
        row("SYN on A's eth0 → A's BATCH on the wire", samples, s -> diff(s.synNanos, s.batchNanos));
        row("A's BATCH on the wire → element in B's set", samples, s -> diff(s.batchNanos, s.appliedNanos));
        row("IPv4 only: SYN → B's set", samples.stream().filter(s -> !s.v6).toList(), s -> diff(s.synNanos, s.appliedNanos));
        row("IPv6 only: SYN → B's set", samples.stream().filter(s -> s.v6).toList(), s -> diff(s.synNanos, s.appliedNanos));
        System.out.println();
        System.out.println("counters " + counters.replace("\n", "; "));
        System.out.println();

        if (null != options.csvDir)
        {
            writeCsv(flushDelay);
        }
    }

    private void writeCsv(final String flushDelay) throws IOException
    {
        Files.createDirectories(options.csvDir);
        final Path file = options.csvDir.resolve("e2e-flush-" + flushDelay + "-" + options.source + ".csv");
        final StringBuilder csv = new StringBuilder("address,family,sent_ns,syn_ns,batch_ns,applied_ns\n");
        for (final LatencySample s : samples)
        {
            csv.append(s.address).append(',').append(s.v6 ? 6 : 4).append(',').append(s.sentNanos).append(',')
                .append(s.synNanos).append(',').append(s.batchNanos).append(',').append(s.appliedNanos).append('\n');
        }
        Files.writeString(file, csv);
        System.out.println("samples written to " + file);
    }

    private static Long diff(final Long from, final Long to)
    {
        return null == from || null == to ? null : to - from;
    }

    private static void row(final String label, final List<LatencySample> samples, final Function<LatencySample, Long> interval)
    {
        final long[] nanos = samples.stream().map(interval).filter(Objects::nonNull).mapToLong(Long::longValue).sorted().toArray();
        if (nanos.length == 0)
        {
            System.out.printf(Locale.ROOT, "| %s | 0 | | | | | | |%n", label);
            return;
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", label, nanos.length, ms(nanos[0]),
            ms(percentile(nanos, 50)), ms(percentile(nanos, 90)), ms(percentile(nanos, 99)), ms(nanos[nanos.length - 1]),
            ms((long)Arrays.stream(nanos).average().orElse(0)));
    }

    /** Nearest rank: the smallest value with at least p % of the samples at or below it. */
    static long percentile(final long[] sorted, final double p)
    {
        final int rank = (int)Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static String ms(final long nanos)
    {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
