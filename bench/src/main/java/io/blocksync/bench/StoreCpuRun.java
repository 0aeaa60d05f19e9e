package io.blocksync.bench;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.store.BanStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The ban store's put of a new prefix and get of a stored one as a receiving peer's loop makes them in bulk (one get
 * in the held check, one put with its write-ahead log entry), in this thread's CPU time per operation rather than wall
 * time, so other load on the machine inflates it little: {@code --bans N} puts into a fresh store sized for 2N, then N
 * gets, {@code --rounds R} times; prints the fastest and the median round. Run it under the launcher's JIT flags (C1
 * only) to see what a node pays:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED $(tr '\n' ' ' &lt; DIST/lib/jvm-flags.txt) \
 *     -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "bench/target/benchmarks.jar" \
 *     io.blocksync.bench.StoreCpuRun [--bans 20000] [--rounds 7]
 * </pre>
 */
public final class StoreCpuRun
{
    private StoreCpuRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int bans = 20_000;
        int rounds = 7;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--bans" -> bans = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[] put = new double[rounds];
        final double[] get = new double[rounds];
        final long now = System.currentTimeMillis();
        final Ban entry = new Ban().action(BanAction.BAN).protocol(6).port(22).originNodeId(7).originTimeMillis(now)
            .durationSeconds(3600).expiresAtMillis(now + 3_600_000L).reason(ReasonCode.of("ssh").id()).appliedAtMillis(now);
        final Ban read = new Ban();
        final IpPrefix[] keys = new IpPrefix[bans];
        final byte[] address = {0x20, 0x01, 0x0d, (byte)0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < bans; i++)
        {
            // 2001:db8:HH:LLLL::/64, documentation space.
            address[5] = (byte)(i >>> 16);
            address[6] = (byte)(i >>> 8);
            address[7] = (byte)i;
            keys[i] = new IpPrefix().set(AddressFamily.IPV6, address, 64);
        }
        for (int round = 0; round < rounds; round++)
        {
            final Path dir = Files.createTempDirectory("blocksync-storecpu-");
            try (BanStore store = BanStore.openForDaemon(dir.resolve("state"), 2L * bans, (line) -> { }))
            {
                final long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < bans; i++)
                {
                    store.put(entry.prefix(keys[i]).originSequence(i));
                }
                final long stored = threads.getCurrentThreadCpuTime();
                int hits = 0;
                for (int i = 0; i < bans; i++)
                {
                    hits += store.get(keys[i], read) ? 1 : 0;
                }
                final long got = threads.getCurrentThreadCpuTime();
                if (hits != bans)
                {
                    throw new IllegalStateException(hits + " of " + bans + " bans read back");
                }
                put[round] = (stored - start) / (double)bans;
                get[round] = (got - stored) / (double)bans;
            }
            finally
            {
                BenchFiles.deleteRecursively(dir);
            }
        }
        Arrays.sort(put);
        Arrays.sort(get);
        System.out.printf(Locale.ROOT, "put of a new prefix: fastest round %.0f ns, median %.0f ns; get: fastest %.0f ns, " +
            "median %.0f ns (thread CPU, %d bans, %d rounds); load average %s%n", put[0], put[rounds / 2], get[0],
            get[rounds / 2], bans, rounds, new String(Files.readAllBytes(Path.of("/proc/loadavg"))).strip());
    }
}
