package io.blocksync.bench;

import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Sustained bans per second that one node originates to 4 peers, and the CPU each ban costs. Five nodes run in
 * this JVM on 127.0.0.1 (default protocol settings, origin-rate raised to its maximum so the peers' rate limit is
 * not what is measured). The main thread keeps node 1 fed with requests of {@code --batch} new /64 bans through
 * {@code Node.submit}, never letting more than {@code --outstanding} bans be submitted but not yet applied at the
 * slowest peer; a ban counts as done when all 4 peers' {@code bans_applied} counters include it.
 * <p>
 * After {@code --warmup} seconds it measures for {@code --seconds}: bans done per second, process CPU time per
 * ban (all five nodes, the feeder and the log writer share the process), and the CPU time of each node's loop
 * thread per ban, so the origin's and a peer's share can be read separately. A plain main rather than JMH: the
 * figure is a rate over a pipeline kept full, which a per-invocation harness would drain at every call.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED $(cat daemon/src/main/resources/jvm-flags.txt) \
 *     -Xmx256m -cp bench/target/benchmarks.jar io.blocksync.bench.ClusterThroughputRun [--seconds 20] [--warmup 10] \
 *     [--batch 1000] [--outstanding 50000] [--state-sync always|never]
 * </pre>
 */
public final class ClusterThroughputRun
{
    private static final int NODES = 5;
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(60);

    private final ClusterFixture cluster;
    private final int batch;
    private final long outstanding;
    private final int[] appliedIds = new int[NODES + 1];
    private final long[] loopThreadIds = new long[NODES + 1];
    private final long logThreadId;
    private final IpPrefix prefix = new IpPrefix();
    private final byte[] scratch = new byte[16];
    private final long reason = ReasonCode.of("bench").id();
    private long submitted;

    private ClusterThroughputRun(final ClusterFixture cluster, final int batch, final long outstanding)
    {
        this.cluster = cluster;
        this.batch = batch;
        this.outstanding = outstanding;
        for (int id = 2; id <= NODES; id++)
        {
            appliedIds[id] = cluster.counterId(id, "bans_applied");
        }
        long log = -1;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            for (int id = 1; id <= NODES; id++)
            {
                if (thread.getName().equals("blocksync-node-" + id))
                {
                    loopThreadIds[id] = thread.getId();
                }
            }
            if (thread.getName().equals("blocksync-log"))
            {
                log = thread.getId();
            }
        }
        logThreadId = log;
    }

    public static void main(final String[] args) throws Exception
    {
        int seconds = 20;
        int warmup = 10;
        int batch = 1000;
        long outstanding = 50_000;
        String stateSync = "always";
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--outstanding" -> outstanding = Long.parseLong(value);
                case "--state-sync" -> stateSync = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i] +
                    "; expected --seconds N --warmup N --batch N --outstanding N --state-sync always|never");
            }
        }

        // Room for every ban of the run in each store (a store holds about twice its capacity).
        // The first line still belongs to [node].
        final String settings = "state-sync = " + stateSync + "\n[bans]\norigin-rate = 1000000\ncapacity = 2000000\n";
        System.out.println("state-sync = " + stateSync);
        try (ClusterFixture cluster = ClusterFixture.start(NODES, settings))
        {
            new ClusterThroughputRun(cluster, batch, outstanding).run(warmup, seconds);
        }
    }

    private void run(final int warmupSeconds, final int seconds) throws InterruptedException
    {
        System.out.printf(Locale.ROOT, "%d nodes, batch %d, at most %d outstanding, warm-up %d s, measure %d s, %s%n",
            NODES, batch, outstanding, warmupSeconds, seconds, ManagementFactory.getRuntimeMXBean().getInputArguments());
        feedUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds));
        final Snapshot start = snapshot();
        final String loadBefore = loadAverage();
        feedUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
        final Snapshot end = snapshot();
        System.out.printf(Locale.ROOT, "load average before/after the measurement: %s / %s; kernel UDP receive-buffer drops: %d%n",
            loadBefore, loadAverage(), end.udpRcvbufErrors - start.udpRcvbufErrors);

        final double elapsed = (end.nanos - start.nanos) / 1e9;
        final long done = end.applied - start.applied;
        final double perBan = 1.0 / done;
        long peersCpu = 0;
        for (int id = 2; id <= NODES; id++)
        {
            peersCpu += end.loopCpu[id] - start.loopCpu[id];
        }
        System.out.printf(Locale.ROOT, "bans done at all 4 peers: %d in %.2f s = %.0f bans/s%n", done, elapsed, done / elapsed);
        System.out.printf(Locale.ROOT, "process CPU: %.2f cores; %.2f us/ban (all 5 nodes + feeder + log), %.2f us/ban per node%n",
            (end.processCpu - start.processCpu) / 1e9 / elapsed, (end.processCpu - start.processCpu) / 1e3 * perBan,
            (end.processCpu - start.processCpu) / 1e3 * perBan / NODES);
        System.out.printf(Locale.ROOT, "loop threads: origin %.2f us/ban, each peer %.2f us/ban (mean of 4); log writer %.2f us/ban; " +
            "feeder %.2f us/ban; GC %d ms%n",
            (end.loopCpu[1] - start.loopCpu[1]) / 1e3 * perBan, peersCpu / 4.0 / 1e3 * perBan,
            (end.logCpu - start.logCpu) / 1e3 * perBan, (end.feederCpu - start.feederCpu) / 1e3 * perBan, end.gcMillis - start.gcMillis);

        awaitDrain();
        final StringBuilder applied = new StringBuilder();
        for (int id = 2; id <= NODES; id++)
        {
            applied.append(' ').append(cluster.counter(id, appliedIds[id]));
        }
        System.out.printf(Locale.ROOT, "submitted %d; bans_applied at peers:%s; node 1 batches sealed %d, retransmits %d, " +
            "send failures %d; refused_rate_limited at peers %d; log lines dropped %d%n",
            submitted, applied, cluster.counter(1, "batches_sealed"), cluster.counter(1, "retransmits"),
            cluster.counter(1, "send_failures"), sumOverPeers("refused_rate_limited"), cluster.logDropped());
    }

    /** Keep node 1's queue fed until the deadline, within the outstanding bound. */
    private void feedUntil(final long deadlineNanos)
    {
        while (System.nanoTime() < deadlineNanos)
        {
            if (submitted + batch - slowestPeerApplied() > outstanding)
            {
                Thread.yield();
                continue;
            }
            final LocalRequest request = new LocalRequest(batch);
            for (int i = 0; i < batch; i++)
            {
                request.add(BanAction.BAN, ClusterFixture.documentationPrefix(submitted + i + 1, prefix, scratch),
                    3600, reason, 0, 0);
            }
            while (!cluster.node(1).submit(request))
            {
                Thread.yield();
            }
            submitted += batch;
        }
    }

    private void awaitDrain()
    {
        Poll.until("peers to apply all " + submitted + " bans within 60 s of the end", DRAIN_DEADLINE,
            () -> slowestPeerApplied() >= submitted, () -> "slowest peer applied " + slowestPeerApplied());
    }

    private long slowestPeerApplied()
    {
        long slowest = Long.MAX_VALUE;
        for (int id = 2; id <= NODES; id++)
        {
            slowest = Math.min(slowest, cluster.counter(id, appliedIds[id]));
        }
        return slowest;
    }

    private long sumOverPeers(final String label)
    {
        long sum = 0;
        for (int id = 2; id <= NODES; id++)
        {
            sum += cluster.counter(id, label);
        }
        return sum;
    }

    private Snapshot snapshot()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Snapshot snapshot = new Snapshot();
        snapshot.nanos = System.nanoTime();
        snapshot.applied = slowestPeerApplied();
        snapshot.processCpu = ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        for (int id = 1; id <= NODES; id++)
        {
            snapshot.loopCpu[id] = threads.getThreadCpuTime(loopThreadIds[id]);
        }
        snapshot.logCpu = threads.getThreadCpuTime(logThreadId);
        snapshot.feederCpu = threads.getCurrentThreadCpuTime();
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            snapshot.gcMillis += gc.getCollectionTime();
        }
        snapshot.udpRcvbufErrors = udpRcvbufErrors();
        return snapshot;
    }

    /** Other work on the machine shares the cores; the load average shows how much. */
    private static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    /** Datagrams the kernel dropped, host-wide, because a UDP socket's receive buffer was full (Linux). */
    private static long udpRcvbufErrors()
    {
        try
        {
            final List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++)
            {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:"))
                {
                    final List<String> names = List.of(lines.get(i).split(" "));
                    return Long.parseLong(lines.get(i + 1).split(" ")[names.indexOf("RcvbufErrors")]);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Not Linux, or a format we do not know: report -1.
        }
        return -1;
    }

    private static final class Snapshot
    {
        final long[] loopCpu = new long[NODES + 1];
        long nanos;
        long applied;
        long processCpu;
        long logCpu;
        long feederCpu;
        long gcMillis;
        long udpRcvbufErrors;
    }
}
