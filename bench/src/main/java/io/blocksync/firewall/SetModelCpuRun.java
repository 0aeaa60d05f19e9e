package io.blocksync.firewall;

import io.blocksync.bench.ClusterFixture;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.NftElementWriter;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The set model's upkeep alone, as a receiving peer's firewall worker pays it per ban: {@code --elements N} new
 * IPv6 /64s (2001:db8:1000::/36, as {@code KernelConvergenceRun}'s bans) into a fresh plain set {@code ban6_64}, in
 * batches of {@code --batch B} (a peer's commits carry ~30), each batch written into a raw nf_tables batch
 * ({@link NftNetlinkSink}, never sent: the socket only provides the batch) and committed in the model. Prints this
 * thread's CPU and allocation per element for each of {@code --rounds} rounds, then the fastest and median round.
 * Needs CAP_NET_ADMIN (opens a netlink socket); sends nothing. In this package because the model is package-private;
 * the same source compiles against builds before session 14. Run with the node's JIT:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:TieredStopAtLevel=1 -Xmx256m -XX:+UseSerialGC \
 *     -cp bench/target/benchmarks.jar io.blocksync.firewall.SetModelCpuRun [--elements 13000] [--batch 30] [--rounds 9]
 * </pre>
 */
public final class SetModelCpuRun
{
    private SetModelCpuRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int elements = 13_000;
        int batch = 30;
        int rounds = 9;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--elements" -> elements = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final IpPrefix[] prefixes = new IpPrefix[elements];
        final byte[] address = new byte[16];
        for (int i = 0; i < elements; i++)
        {
            prefixes[i] = ClusterFixture.documentationPrefix(0x1000_0000L + i, new IpPrefix(), address);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final double[] cpu = new double[rounds];
        final double[] allocated = new double[rounds];
        try (NftElementWriter writer = NftElementWriter.open(null))
        {
            final NftNetlinkSink sink = new NftNetlinkSink();
            for (int round = 0; round < rounds; round++)
            {
                final NftSetModel set = new NftSetModel("inet blocksync ban6_64", false, true);
                final long nowMs = 1_000_000;
                final long cpuStart = threads.getCurrentThreadCpuTime();
                final long allocatedStart = threads.getThreadAllocatedBytes(thread);
                for (int from = 0; from < elements; from += batch)
                {
                    for (int i = from, to = Math.min(elements, from + batch); i < to; i++)
                    {
                        set.add(prefixes[i], 3_600, nowMs);
                    }
                    sink.begin(writer.batch());
                    set.emit(sink, nowMs);
                    sink.finish();
                    set.commit();
                }
                cpu[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / (double)elements;
                allocated[round] = (threads.getThreadAllocatedBytes(thread) - allocatedStart) / (double)elements;
                System.out.printf(Locale.ROOT, "round %d: %.0f ns, %.0f bytes allocated an element (%d in the set)%n",
                    round, cpu[round], allocated[round], set.size());
            }
        }
        final double[] sorted = cpu.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%d elements in batches of %d: fastest %.0f ns, median %.0f ns an element; " +
            "last round %.0f bytes allocated an element%n", elements, batch, sorted[0], sorted[rounds / 2],
            allocated[rounds - 1]);
    }
}
