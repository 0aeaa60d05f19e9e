package io.blocksync.bench.runner;

import io.blocksync.bench.ClusterFixture;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigException;
import io.blocksync.daemon.node.LocalRequest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An in-process cluster of {@value #NODES} nodes on 127.0.0.1 ({@link ClusterFixture}, as {@code blocksync demo} runs
 * them): first the latency of lone bans, one in flight at a time, from node 1's decision until all 4 peers have
 * applied it; then the sustained rate node 1 originates to its 4 peers (as {@code ClusterThroughputRun}, in batches of
 * {@value #BATCH} with a bound on bans not yet applied everywhere) and the CPU each ban costs each node's loop thread.
 * Completion is read from the peers' {@code bans_applied} counters in their status files.
 */
public final class ClusterSection
{
    static final int NODES = 5;
    private static final int BATCH = 500;
    private static final long OUTSTANDING = 20_000;
    private static final long LONE_BAN_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final String SETTINGS = "[bans]\norigin-rate = 1000000\ncapacity = 1000000\n";

    private final boolean quick;
    private final IpPrefix prefix = new IpPrefix();
    private final byte[] scratch = new byte[16];
    private final long reason = ReasonCode.of("bench").id();
    private final int[] appliedIds = new int[NODES + 1];
    private final long[] loopThreads = new long[NODES + 1];
    // The origin's signer threads (blocksync-signer-1, or blocksync-signer-1-k among several); none in builds that sign
    // on the loop.
    private final List<Long> originSigners = new ArrayList<>();
    private ClusterFixture cluster;
    private long submitted;

    ClusterSection(final boolean quick)
    {
        this.quick = quick;
    }

    /** Run in a {@link ChildJvm}: {@code quick} or {@code full}; prints the figures as a report in JSON. */
    public static void main(final String[] args) throws Exception
    {
        final ClusterSection section = new ClusterSection(args.length > 0 && args[0].equals("quick"));
        final BenchReport report = new BenchReport(args.length > 0 ? args[0] : "full");
        try
        {
            section.start();
            section.latency(report);
            section.throughput(report);
        }
        finally
        {
            section.close();
        }
        System.out.print(report.toJson());
        System.out.flush();
        System.exit(0);
    }

    int latencySamples()
    {
        return quick ? 200 : 1000;
    }

    int warmupSeconds()
    {
        return quick ? 3 : 10;
    }

    int measureSeconds()
    {
        return quick ? 5 : 20;
    }

    /** Start the nodes and wait until they all hear each other. */
    void start() throws IOException, ConfigException, InterruptedException
    {
        cluster = ClusterFixture.start(NODES, SETTINGS);
        for (int id = 2; id <= NODES; id++)
        {
            appliedIds[id] = cluster.counterId(id, "bans_applied");
        }
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            for (int id = 1; id <= NODES; id++)
            {
                if (thread.getName().equals("blocksync-node-" + id))
                {
                    loopThreads[id] = thread.getId();
                }
            }
            if (thread.getName().equals("blocksync-signer-1") || thread.getName().startsWith("blocksync-signer-1-"))
            {
                originSigners.add(thread.getId());
            }
        }
    }

    /** Lone bans: p50 and p99 from node 1's decision to all 4 peers' stores, in ms. */
    void latency(final BenchReport report)
    {
        final int samples = latencySamples();
        final long[] nanos = new long[samples];
        for (int i = -samples / 10; i < samples; i++)
        {
            final long target = submitted + 1;
            final LocalRequest request = new LocalRequest(1);
            request.add(BanAction.BAN, ClusterFixture.documentationPrefix(target, prefix, scratch), 3600, reason, 0, 0);
            final long start = System.nanoTime();
            while (!cluster.node(1).submit(request))
            {
                Thread.yield();
            }
            submitted = target;
            // Yield between reads: a busy spin would take a core from the five loops on a small machine.
            while (slowestPeerApplied() < target)
            {
                if (System.nanoTime() - start > LONE_BAN_DEADLINE_NANOS)
                {
                    throw new IllegalStateException("ban " + target + " not applied at every peer within 10 s; slowest peer applied " +
                        slowestPeerApplied());
                }
                Thread.yield();
            }
            if (i >= 0)
            {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        report.add("cluster_latency_p50", nanos[samples / 2] / 1e6, "ms", false,
            "lone ban, node 1's decision to all 4 peers' stores, median of " + samples);
        report.add("cluster_latency_p99", nanos[(int)Math.ceil(samples * 0.99) - 1] / 1e6, "ms", false,
            "the same, 99th percentile");
    }

    /** Sustained bans/s to 4 peers, and loop CPU per ban at the origin (per peer) and at a peer. */
    void throughput(final BenchReport report)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        feedUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds()));
        final long startNanos = System.nanoTime();
        final long startApplied = slowestPeerApplied();
        final long[] startCpu = new long[NODES + 1];
        for (int id = 1; id <= NODES; id++)
        {
            startCpu[id] = threads.getThreadCpuTime(loopThreads[id]);
        }
        final long startSignerCpu = signersCpu(threads);
        feedUntil(startNanos + TimeUnit.SECONDS.toNanos(measureSeconds()));
        final long done = slowestPeerApplied() - startApplied;
        final double elapsed = (System.nanoTime() - startNanos) / 1e9;
        long peersCpu = 0;
        for (int id = 2; id <= NODES; id++)
        {
            peersCpu += threads.getThreadCpuTime(loopThreads[id]) - startCpu[id];
        }
        final long originCpu = threads.getThreadCpuTime(loopThreads[1]) - startCpu[1];
        if (done <= 0)
        {
            throw new IllegalStateException("no ban reached every peer in " + elapsed + " s");
        }
        report.add("cluster_bans_per_s", done / elapsed, "bans/s", true,
            NODES + " nodes in one JVM: bans node 1 originated that all 4 peers applied, per second");
        report.add("cluster_peer_cpu_per_ban", peersCpu / 1e3 / (NODES - 1) / done, "us/ban", false,
            "a peer's loop thread per ban received, verified, stored and applied (c_r)");
        report.add("cluster_origin_cpu_per_ban", originCpu / 1e3 / done, "us/ban", false,
            "the origin's loop thread per ban decided and sent to 4 peers (c_o)");
        if (!originSigners.isEmpty())
        {
            report.add("cluster_origin_signer_cpu_per_ban", (signersCpu(threads) - startSignerCpu) / 1e3 / done,
                "us/ban", false, "the origin's signer threads per ban, added up: its Ed25519 signature, off the loop");
        }
    }

    private long signersCpu(final ThreadMXBean threads)
    {
        long nanos = 0;
        for (final long id : originSigners)
        {
            nanos += threads.getThreadCpuTime(id);
        }
        return nanos;
    }

    private void feedUntil(final long deadlineNanos)
    {
        while (System.nanoTime() < deadlineNanos)
        {
            if (submitted + BATCH - slowestPeerApplied() > OUTSTANDING)
            {
                Thread.yield();
                continue;
            }
            final LocalRequest request = new LocalRequest(BATCH);
            for (int i = 0; i < BATCH; i++)
            {
                request.add(BanAction.BAN, ClusterFixture.documentationPrefix(submitted + i + 1, prefix, scratch), 3600, reason, 0, 0);
            }
            while (!cluster.node(1).submit(request))
            {
                Thread.yield();
            }
            submitted += BATCH;
        }
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

    void close()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }
}
