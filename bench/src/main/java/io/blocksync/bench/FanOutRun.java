package io.blocksync.bench;

import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.KeyText;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.nativeio.NativeHmacSha256;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.status.CountersReader;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One real node (node 1, the daemon's {@link Node} with its loop, store, log firewall; default settings but a store of
 * 4,000,000 entries) against hundreds to thousands
 * of peers played by {@link SimulatedPeers} in this process over loopback (real sockets, every datagram verified,
 * every batch acknowledged): the node's fan-out and its heartbeat traffic by fleet size (issue 13).
 * <ul>
 *   <li>Heartbeat bytes per interval node 1 sends, for fleets of {@code --heartbeat-sizes} nodes, first while the peers
 *       are not in step (their digest differs: node 1 pages through its list, up to 69 origins a page), then in step
 *       (they state node 1's digest back: empty pages).</li>
 *   <li>Fan-out to {@code --peers} peers: node 1 is fed {@code --batch} bans at a time through {@code Node.submit},
 *       never more than {@code --outstanding} ahead of the slowest peer; over {@code --seconds} after
 *       {@code --warmup}, bans/s received by every peer, datagrams/s node 1 sent and their mean size, and that as a
 *       fraction of what a 100 Mbit/s Ethernet link carries for datagrams of that size (UDP/IPv4/Ethernet framing:
 *       66 bytes each on the wire besides the payload).</li>
 * </ul>
 * The simulated peers share the machine (and its 2 cores) with the node: each datagram costs them a verification and
 * their ACKs a seal, about what it costs node 1, so the figures are a lower bound on the node alone.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED $(cat daemon/src/main/resources/jvm-flags.txt) \
 *     -Xmx512m -cp bench/target/benchmarks.jar io.blocksync.bench.FanOutRun [--peers 1000] [--seconds 10] \
 *     [--warmup 5] [--batch 900] [--outstanding 9000] [--heartbeat-sizes 10,100,1000] [--intervals 5]
 * </pre>
 */
public final class FanOutRun
{
    /** The daemon's default heartbeat interval: a node with a thousand peers seals a thousand heartbeats per interval. */
    private static final long HEARTBEAT_MILLIS = 1000;
    /** Bytes an Ethernet link carries besides a UDP payload: UDP 8, IPv4 20, Ethernet header + FCS + preamble + gap 38. */
    private static final int WIRE_OVERHEAD = 8 + 20 + 38;
    private static final double LINK_BYTES_PER_SECOND = 100e6 / 8;
    private static final byte[] NODE_SEED = SimulatedPeers.seed(1);

    private FanOutRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int peers = 1000;
        int seconds = 10;
        int warmup = 5;
        int batch = 900;
        long outstanding = 9_000;
        int intervals = 5;
        String sizes = "10,100,1000";
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--peers" -> peers = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--outstanding" -> outstanding = Long.parseLong(value);
                case "--intervals" -> intervals = Integer.parseInt(value);
                case "--heartbeat-sizes" -> sizes = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; expected --peers N --seconds N " +
                    "--warmup N --batch N --outstanding N --intervals N --heartbeat-sizes a,b,c");
            }
        }
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
        if (!sizes.isEmpty())
        {
            for (final String size : sizes.split(","))
            {
                heartbeats(Integer.parseInt(size.trim()), intervals);
            }
        }
        if (peers > 0)
        {
            fanOut(peers, seconds, warmup, batch, outstanding);
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    }

    private static void heartbeats(final int nodes, final int intervals) throws Exception
    {
        try (SimulatedPeers sims = new SimulatedPeers(nodes - 1, NODE_SEED, HEARTBEAT_MILLIS, NativeHmacSha256.engine());
            Harness node = Harness.start(sims))
        {
            final long[] paging = measureHeartbeats(node, sims, intervals);
            sims.inStep(true);
            Thread.sleep(3 * HEARTBEAT_MILLIS);
            final long[] inStep = measureHeartbeats(node, sims, intervals);
            System.out.printf(Locale.ROOT, "heartbeats, %d nodes: per interval node 1 sends %d heartbeats, %d bytes while paging " +
                "(%.0f B each); %d bytes in step (%.0f B each)%n", nodes, paging[0], paging[1], (double)paging[1] / Math.max(1, paging[0]),
                inStep[1], (double)inStep[1] / Math.max(1, inStep[0]));
        }
    }

    /** @return heartbeats and heartbeat bytes the peers received per interval, over {@code intervals} intervals. */
    private static long[] measureHeartbeats(final Harness node, final SimulatedPeers sims, final int intervals) throws InterruptedException
    {
        final long count = sims.heartbeatsReceived.get();
        final long bytes = sims.heartbeatBytesReceived.get();
        Thread.sleep(intervals * HEARTBEAT_MILLIS);
        return new long[]{ (sims.heartbeatsReceived.get() - count) / intervals, (sims.heartbeatBytesReceived.get() - bytes) / intervals };
    }

    private static void fanOut(final int peers, final int seconds, final int warmup, final int batch, final long outstanding)
        throws Exception
    {
        try (SimulatedPeers sims = new SimulatedPeers(peers, NODE_SEED, HEARTBEAT_MILLIS, NativeHmacSha256.engine());
            Harness node = Harness.start(sims))
        {
            final Feeder feeder = new Feeder(node.node, sims, batch, outstanding);
            feeder.feedFor(warmup);
            final long t0 = System.nanoTime();
            final long done0 = sims.slowestRecords();
            final long datagrams0 = node.counter("datagrams_sent");
            final long bytes0 = node.counter("bytes_sent");
            final String load = loadAverage();
            feeder.feedFor(seconds);
            final double elapsed = (System.nanoTime() - t0) / 1e9;
            final double bans = (sims.slowestRecords() - done0) / elapsed;
            final double datagrams = (node.counter("datagrams_sent") - datagrams0) / elapsed;
            final double size = (node.counter("bytes_sent") - bytes0) / Math.max(1.0, node.counter("datagrams_sent") - datagrams0);
            final double link = LINK_BYTES_PER_SECOND / (size + WIRE_OVERHEAD);
            System.out.printf(Locale.ROOT, "fan-out to %d peers (load before/after %s / %s): %.0f bans/s at every peer, node 1 sent " +
                "%.0f datagrams/s of %.0f B mean = %.1f Mbit/s of payload; a 100 Mbit/s link carries %.0f such datagrams/s " +
                "(%.0f bans/s to %d peers at 9 a datagram): %.0f %% of it; retransmits %d, batches dropped unacked %d, " +
                "peers' rejects %d%n", peers, load, loadAverage(), bans, datagrams, size, datagrams * size * 8 / 1e6, link,
                link * 9 / peers, peers, 100 * datagrams / link, node.counter("retransmits"),
                node.counter("batches_dropped_unacked"), sims.rejected.get());
            System.out.printf(Locale.ROOT, "node 1: local decisions %d, batches sealed %d, send failures %d, acks received %d; " +
                "submitted %d, slowest peer %d records, fastest %d%n", node.counter("local_decisions"), node.counter("batches_sealed"),
                node.counter("send_failures"), node.counter("acks_received"), feeder.submitted, sims.slowestRecords(),
                sims.fastestRecords());
            if (sims.slowestRecords() == 0)
            {
                System.out.println("node 1's counters: " + node.nonZero());
            }
        }
    }

    static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final java.io.IOException ex)
        {
            return "n/a";
        }
    }

    /** Node 1, configured for the simulated peers, and its counters read through its status file. */
    private static final class Harness implements AutoCloseable
    {
        private final Path dir;
        private final OutputStream logOut;
        private final Node node;
        private final StatusFile status;
        private final CountersReader counters;

        private Harness(final Path dir, final OutputStream logOut, final Node node, final StatusFile status)
        {
            this.dir = dir;
            this.logOut = logOut;
            this.node = node;
            this.status = status;
            this.counters = status.countersReader();
        }

        static Harness start(final SimulatedPeers sims) throws Exception
        {
            final Path dir = Files.createTempDirectory("blocksync-fanout-");
            final int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
            {
                port = probe.getLocalPort();
            }
            final String config = "[node]\nid = 1\nlisten = 127.0.0.1:" + port + "\nstate-dir = node1\nkey = " +
                KeyText.encode(NODE_SEED) + "\n\n[protocol]\nheartbeat-interval = " + HEARTBEAT_MILLIS + "ms\n\n" +
                "[bans]\ncapacity = 4000000\n\n" + sims.peerSections();
            final Path file = dir.resolve("node1.conf");
            Files.writeString(file, config, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            final OutputStream logOut = new BufferedOutputStream(Files.newOutputStream(dir.resolve("node1.log")), 1 << 16);
            sims.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            final Node node = Node.start(ConfigReader.read(file), new EventLog(logOut));
            Poll.until("every simulated peer up at node 1 within 60 s", Duration.ofSeconds(60), node::allPeersUp);
            return new Harness(dir, logOut, node, StatusFile.openForReading(dir.resolve("node1")));
        }

        String nonZero()
        {
            final StringBuilder text = new StringBuilder();
            counters.forEach((counterId, typeId, key, counterLabel) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counters.getCounterValue(counterId) != 0)
                {
                    text.append(counterLabel).append('=').append(counters.getCounterValue(counterId)).append(' ');
                }
            });
            return text.toString();
        }

        long counter(final String label)
        {
            final long[] value = { -1 };
            counters.forEach((counterId, typeId, key, counterLabel) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counterLabel.equals(label))
                {
                    value[0] = counters.getCounterValue(counterId);
                }
            });
            return value[0];
        }

        public void close() throws java.io.IOException
        {
            node.close();
            status.close();
            logOut.close();
            BenchFiles.deleteRecursively(dir);
        }
    }

    /** Keeps node 1's queue fed with new /64 bans, within the outstanding bound of the slowest peer. */
    private static final class Feeder
    {
        private final Node node;
        private final SimulatedPeers sims;
        private final int batch;
        private final long outstanding;
        private final IpPrefix prefix = new IpPrefix();
        private final byte[] scratch = new byte[16];
        private final long reason = ReasonCode.of("bench").id();
        private long submitted;

        Feeder(final Node node, final SimulatedPeers sims, final int batch, final long outstanding)
        {
            this.node = node;
            this.sims = sims;
            this.batch = batch;
            this.outstanding = outstanding;
        }

        void feedFor(final int seconds)
        {
            final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline)
            {
                if (submitted + batch - sims.slowestRecords() > outstanding)
                {
                    Thread.yield();
                    continue;
                }
                final LocalRequest request = new LocalRequest(batch);
                for (int i = 0; i < batch; i++)
                {
                    request.add(BanAction.BAN, ClusterFixture.documentationPrefix(submitted + i + 1, prefix, scratch), 3600, reason, 0, 0);
                }
                while (!node.submit(request))
                {
                    Thread.yield();
                }
                submitted += batch;
            }
        }
    }
}
