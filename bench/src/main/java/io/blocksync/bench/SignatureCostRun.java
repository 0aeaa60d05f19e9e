package io.blocksync.bench;

import io.blocksync.codec.BatchFrameFlyweight;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The operations of {@link RecordSignatureBenchmark} and {@link CodecBenchmark} timed by the measuring thread's own CPU
 * time instead of the wall clock, for a machine shared with other work, where JMH's wall-clock averages swing with
 * the load. Each operation is warmed up (5 rounds), then timed in 7 rounds of about 200 ms of CPU; it prints the
 * median and the lowest round per operation, the median per ban, and the most bytes the thread allocated per
 * operation in a round. Codec only, so it also runs from the codec classpath while the daemon module does not build.
 */
public final class SignatureCostRun
{
    private static final long ROUND_NANOS = 200_000_000L;
    private static final int WARMUP_ROUNDS = 5;
    private static final int ROUNDS = 7;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private long sink;

    private SignatureCostRun()
    {
    }

    public static void main(final String[] args)
    {
        new SignatureCostRun().run();
    }

    private void run()
    {
        System.out.println("operation                          bans  gran.     median µs/op  min µs/op  median µs/ban  B/op");
        final RecordSignatureBenchmark signatures = new RecordSignatureBenchmark();
        for (final String granularity : new String[]{ "record", "datagram" })
        {
            for (final int bans : new int[]{ 1, 20, 10_000 })
            {
                final RecordSignatureBenchmark.Decisions decisions = new RecordSignatureBenchmark.Decisions();
                decisions.bans = bans;
                decisions.granularity = granularity;
                decisions.setUp();
                time("signBans", bans, granularity, () -> signatures.signBans(decisions)[0]);
                time("verifyBans", bans, granularity, () -> signatures.verifyBans(decisions));
            }
        }

        final RecordSignatureBenchmark.OneRecord one = new RecordSignatureBenchmark.OneRecord();
        one.setUp();
        time("signRecord", 1, "-", () -> signatures.signRecord(one).originKeyId());
        time("verifyRecord", 1, "-", () -> signatures.verifyRecord(one) ? 1 : 0);

        for (final int records : new int[]{ 1, BatchFrameFlyweight.MAX_RECORDS })
        {
            final CodecBenchmark codec = new CodecBenchmark();
            codec.records = records;
            codec.setUp();
            time("stampAndSeal", records, "datagram", codec::stampAndSeal);
            time("sealForOnePeer", records, "datagram", codec::sealForOnePeer);
            time("verifyAndDecode", records, "datagram", codec::verifyAndDecode);
        }
        System.out.println("(sink " + (sink & 1) + ")");
    }

    private void time(final String name, final int bans, final String granularity, final LongSupplier operation)
    {
        final long threadId = Thread.currentThread().getId();
        long perRound = 1;
        final double[] nanosPerOp = new double[ROUNDS];
        double bytesPerOp = 0;
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++)
        {
            final long bytesBefore = threads.getThreadAllocatedBytes(threadId);
            final long start = threads.getCurrentThreadCpuTime();
            for (long i = 0; i < perRound; i++)
            {
                sink += operation.getAsLong();
            }
            final long cpu = threads.getCurrentThreadCpuTime() - start;
            final long bytes = threads.getThreadAllocatedBytes(threadId) - bytesBefore;
            if (round >= WARMUP_ROUNDS)
            {
                nanosPerOp[round - WARMUP_ROUNDS] = (double)cpu / perRound;
                bytesPerOp = Math.max(bytesPerOp, (double)bytes / perRound);
            }
            perRound = Math.max(1, (long)(perRound * (double)ROUND_NANOS / Math.max(cpu, 1)));
        }
        Arrays.sort(nanosPerOp);
        final double median = nanosPerOp[ROUNDS / 2] / 1000.0;
        System.out.println(String.format(Locale.ROOT, "%-32s %6d  %-8s %12.2f %10.2f %14.3f %9.1f",
            name, bans, granularity, median, nanosPerOp[0] / 1000.0, median / bans, bytesPerOp));
    }
}
