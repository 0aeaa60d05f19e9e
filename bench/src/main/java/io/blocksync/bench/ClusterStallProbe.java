package io.blocksync.bench;

import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.node.LocalRequest;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shows what one burst does to an origin's BATCH stream to a peer, and so to the propagation time of every later
 * lone ban. Two nodes in this JVM; node 1 bans a burst of {@code BURST} /64s in one request, then 300 single bans
 * one after another, each timed until node 2 has applied it. Printed: node 1's view of peer 2 (batches acknowledged
 * / sent), node 2's replay rejections, and the lone bans' latency by groups of 50.
 * <ul>
 *   <li>{@code rate}: default settings, so the burst exceeds node 2's per-origin budget (origin-rate 1000, one
 *   second of burst) and node 2 refuses some batches unacknowledged, expecting them to be resent;</li>
 *   <li>{@code loss}: origin-rate at its maximum, and node 2 drops the 3rd datagram it receives during the burst
 *   (one lost packet, as on any real path).</li>
 * </ul>
 * A healthy stream ends with acknowledged = sent and every lone ban arriving in well under a millisecond here.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED $(cat daemon/src/main/resources/jvm-flags.txt) \
 *     -cp bench/target/benchmarks.jar io.blocksync.bench.ClusterStallProbe rate|loss
 * </pre>
 */
public final class ClusterStallProbe
{
    private static final int BURST = 2000;
    private static final int LONE_BANS = 300;
    private static final int GROUP = 50;

    private final ClusterFixture cluster;
    private final IpPrefix prefix = new IpPrefix();
    private final byte[] scratch = new byte[16];
    private final long reason = ReasonCode.of("probe").id();
    private final int appliedId;
    private long next;

    private ClusterStallProbe(final ClusterFixture cluster)
    {
        this.cluster = cluster;
        this.appliedId = cluster.counterId(2, "bans_applied");
    }

    public static void main(final String[] args) throws Exception
    {
        final String scenario = args.length == 1 ? args[0] : "";
        if (!scenario.equals("rate") && !scenario.equals("loss"))
        {
            throw new IllegalArgumentException("usage: ClusterStallProbe rate|loss");
        }
        final String settings = scenario.equals("rate") ? "" : "[bans]\norigin-rate = 1000000\n";
        try (ClusterFixture cluster = ClusterFixture.start(2, settings))
        {
            final ClusterStallProbe probe = new ClusterStallProbe(cluster);
            if (scenario.equals("loss"))
            {
                final AtomicInteger received = new AtomicInteger();
                cluster.node(2).receiveHook(() -> received.incrementAndGet() == 3);
            }
            probe.run(scenario);
        }
    }

    private void run(final String scenario) throws InterruptedException
    {
        System.out.printf(Locale.ROOT, "scenario %s: burst of %d bans at node 1%n", scenario, BURST);
        final LocalRequest burst = new LocalRequest(BURST);
        for (int i = 0; i < BURST; i++)
        {
            burst.add(BanAction.BAN, ClusterFixture.documentationPrefix(++next, prefix, scratch), 3600, reason, 0, 0);
        }
        final long start = System.nanoTime();
        submit(burst);
        final long reached = awaitApplied(next, TimeUnit.SECONDS.toNanos(60));
        System.out.printf(Locale.ROOT, "node 2 applied the burst after %.1f ms%n", (reached - start) / 1e6);
        cluster.node(2).receiveHook(null);
        printStream("after the burst");
        Thread.sleep(3000);
        printStream("3 s later");

        final long[] latencies = new long[LONE_BANS];
        for (int i = 0; i < LONE_BANS; i++)
        {
            final LocalRequest lone = new LocalRequest(1)
                .add(BanAction.BAN, ClusterFixture.documentationPrefix(++next, prefix, scratch), 3600, reason, 0, 0);
            final long sent = System.nanoTime();
            submit(lone);
            latencies[i] = awaitApplied(next, TimeUnit.SECONDS.toNanos(10)) - sent;
            if ((i + 1) % GROUP == 0)
            {
                final long[] group = Arrays.copyOfRange(latencies, i + 1 - GROUP, i + 1);
                Arrays.sort(group);
                System.out.printf(Locale.ROOT, "lone bans %3d-%3d after the burst: median %9.3f ms, max %9.3f ms%n",
                    i + 2 - GROUP, i + 1, group[GROUP / 2] / 1e6, group[GROUP - 1] / 1e6);
            }
        }
        printStream("at the end");
    }

    private void submit(final LocalRequest request) throws InterruptedException
    {
        while (!cluster.node(1).submit(request))
        {
            Thread.yield();
        }
        if (!request.await(60_000))
        {
            throw new IllegalStateException("node 1 did not decide the request within 60 s");
        }
    }

    private long awaitApplied(final long count, final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (cluster.counter(2, appliedId) < count)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("node 2 applied " + cluster.counter(2, appliedId) + " of " + count + " in time");
            }
            Thread.yield();
        }
        return System.nanoTime();
    }

    private void printStream(final String when)
    {
        System.out.printf(Locale.ROOT, "%s: node 1 -> peer 2 batches acknowledged %d / sent %d (sealed %d), retransmits %d, " +
            "sync frames %d; node 2 rejected_replay %d, rejected_too_old %d, refused_rate_limited %d%n",
            when, cluster.peerCounter(1, 2, "acked_batches"), cluster.peerCounter(1, 2, "sent_batches"),
            cluster.counter(1, "batches_sealed"), cluster.counter(1, "retransmits"), cluster.counter(1, "sync_frames_sent"),
            cluster.counter(2, "rejected_replay"), cluster.counter(2, "rejected_too_old"), cluster.counter(2, "refused_rate_limited"));
    }
}
