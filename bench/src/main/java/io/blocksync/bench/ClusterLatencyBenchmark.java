package io.blocksync.bench;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.node.LocalRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Propagation latency from an origin to its 4 peers: five nodes in this JVM on 127.0.0.1 with the default
 * protocol settings, each invocation bans one new /64 at node 1 and returns when all four peers have applied it
 * (stored it and handed it to the firewall port). One ban is in flight at a time, so each goes out as a lone
 * datagram, as a real detection does.
 * <p>
 * Completion is observed through each peer's {@code bans_applied} counter in its status file: a volatile load
 * from a mapped page, where reading the peers' stores would take Chronicle segment locks the peers' loops need.
 * The observer yields between polls: on a 2-core machine a busy spin would take a core from the five loops.
 * <ul>
 *   <li>{@link #submitToNode} hands the ban to node 1's loop with {@code Node.submit}, as the control socket thread
 *   does: origin decision, store, seal, 4 sends, 4 verifies and applies.</li>
 *   <li>{@link #viaControlSocket} is the operator's path: connect to node 1's UNIX control socket, send the
 *   {@code ban} line, wait for node 1's reply, then for the 4 peers.</li>
 * </ul>
 * SampleTime mode times every invocation while fewer than JMH's sample buffer fit in an iteration, which holds
 * here; JMH prints N, the number of bans measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 6)
// Agrona's flag, then the list in daemon/src/main/resources/jvm-flags.txt (JMH needs them as constants here).
@Fork(value = 1, jvmArgsAppend = {
    "-Xmx256m",
    "-Dchronicle.analytics.disable=true",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED" })
public class ClusterLatencyBenchmark
{
    private static final int NODES = 5;
    private static final long BAN_SECONDS = 3600;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Protocol defaults; the per-origin rate limit is raised because back-to-back invocations ban several thousand
     * prefixes a second, above the default 1000, and the store must hold every ban of a trial.
     */
    private static final String SETTINGS = "[bans]\norigin-rate = 1000000\ncapacity = 1000000\n";

    /** {@code [node] state-sync}: whether the {@code ok} and the peers' ACKs wait for a sync of the state files. */
    @Param({ "always", "never" })
    public String stateSync;

    private final IpPrefix prefix = new IpPrefix();
    private final byte[] scratch = new byte[16];
    private final long reason = ReasonCode.of("bench").id();
    private final int[] appliedIds = new int[NODES + 1];
    private ClusterFixture cluster;
    private long bans;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        // The first line still belongs to [node].
        cluster = ClusterFixture.start(NODES, "state-sync = " + stateSync + "\n" + SETTINGS);
        for (int id = 2; id <= NODES; id++)
        {
            appliedIds[id] = cluster.counterId(id, "bans_applied");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        // Each ban must have been applied exactly once on every peer, and no datagram should have needed resending.
        final StringBuilder summary = new StringBuilder("\n").append(bans).append(" bans; bans_applied at peers:");
        for (int id = 2; id <= NODES; id++)
        {
            summary.append(' ').append(cluster.counter(id, appliedIds[id]));
        }
        summary.append("; node 1 retransmits: ").append(cluster.counter(1, "retransmits"))
            .append(", batches sealed: ").append(cluster.counter(1, "batches_sealed"));
        System.out.println(summary);
        cluster.close();
    }

    @Benchmark
    public long submitToNode() throws InterruptedException
    {
        final long n = ++bans;
        final LocalRequest request = new LocalRequest(1)
            .add(BanAction.BAN, ClusterFixture.documentationPrefix(n, prefix, scratch), BAN_SECONDS, reason, 0, 0);
        while (!cluster.node(1).submit(request))
        {
            Thread.yield();
        }
        return awaitPeers(n);
    }

    @Benchmark
    public long viaControlSocket() throws IOException, InterruptedException
    {
        final long n = ++bans;
        final String line = "ban " + AddressText.format(ClusterFixture.documentationPrefix(n, prefix, scratch)) + " 3600 bench 0 0";
        final List<String> reply = ControlClient.exchange(cluster.stateDir(1), List.of(line));
        if (reply.size() != 1 || !reply.get(0).startsWith("ok ban"))
        {
            throw new IllegalStateException("node 1 answered " + reply + " to " + line);
        }
        return awaitPeers(n);
    }

    private long awaitPeers(final long n)
    {
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        for (int id = 2; id <= NODES; id++)
        {
            while (cluster.counter(id, appliedIds[id]) < n)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("ban " + n + " not applied at node " + id + " within 10 s");
                }
                Thread.yield();
            }
        }
        return n;
    }
}
