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
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Multicast against unicast to the same members (issue 13): node 1 and {@code --members} real nodes ({@link Node}, log
 * firewall, 10,000-entry stores) in this process, all on 127.0.0.1, first with no {@code [multicast]} section (every
 * ban is one BATCH per member, each acknowledged), then all in one group on {@code lo} (239.255.42.9:7901, TTL 1). Node
 * 1 decides {@code --bans} lone bans, one at a time {@code --gap-ms} apart, each after the last is held by every
 * member; per ban: the datagrams node 1 sent and received (heartbeats included, at the 1 s default), and the latency
 * from the decision to the last member's table holding it (p50, p99). Multicast on {@code lo} needs a network namespace
 * of its own, so group traffic stays in it:
 * <pre>
 * unshare -n sh -c 'ip link set lo up && java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     $(cat daemon/src/main/resources/jvm-flags.txt) -Xmx1g -cp bench/target/benchmarks.jar \
 *     io.blocksync.bench.MulticastRun --members 20 --bans 200 --gap-ms 20'
 * </pre>
 */
public final class MulticastRun
{
    private static final int BASE_PORT = 17701;

    private MulticastRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int members = 20;
        int bans = 200;
        long gapMillis = 20;
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--members" -> members = Integer.parseInt(value);
                case "--bans" -> bans = Integer.parseInt(value);
                case "--gap-ms" -> gapMillis = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; expected --members N --bans N --gap-ms N");
            }
        }
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
        for (final boolean multicast : new boolean[]{ false, true })
        {
            run(members, bans, gapMillis, multicast);
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    }

    private static void run(final int members, final int bans, final long gapMillis, final boolean multicast) throws Exception
    {
        final Path dir = Files.createTempDirectory("blocksync-mcast-");
        final List<Node> nodes = new ArrayList<>();
        final List<StatusFile> statuses = new ArrayList<>();
        final OutputStream logOut = Files.newOutputStream(dir.resolve("nodes.log"));
        try
        {
            for (int id = 1; id <= members + 1; id++)
            {
                final Path file = dir.resolve("node" + id + ".conf");
                Files.writeString(file, config(id, members + 1, multicast), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                nodes.add(Node.start(ConfigReader.read(file), new EventLog(logOut)));
            }
            Poll.until("every member up at node 1", Duration.ofSeconds(120), nodes.get(0)::allPeersUp);
            for (int id = 1; id <= members + 1; id++)
            {
                statuses.add(StatusFile.openForReading(dir.resolve("node" + id)));
            }
            final long[] latencies = new long[bans];
            // Warm-up: the first bans take the JIT's and the stores' first-time costs.
            measure(nodes.get(0), statuses, 20, 0, new long[20], gapMillis);
            final long[] before = snapshot(statuses.get(0));
            measure(nodes.get(0), statuses, bans, 20, latencies, gapMillis);
            final long[] after = snapshot(statuses.get(0));
            final double[] perBan = new double[LABELS.length];
            for (int i = 0; i < LABELS.length; i++)
            {
                perBan[i] = (after[i] - before[i]) / (double)bans;
            }
            // heartbeats_sent counts intervals: one datagram per member each. What carries the bans is every other
            // datagram but ACKs and SYNC (unicast BATCH sends, or GROUP_BATCHes and their repairs).
            perBan[2] *= members;
            final double batchDatagrams = perBan[0] - perBan[2] - perBan[3] - perBan[4];
            // The group loops node 1's own GROUP_BATCHes back to its socket (members on one host): not a member's answer.
            perBan[1] -= perBan[6];
            Arrays.sort(latencies);
            System.out.printf(Locale.ROOT, "%-9s %d members, %d lone bans, per ban at node 1: %.2f batch datagrams sent " +
                "(%.2f all datagrams sent: heartbeats %.2f, SYNC %.2f), %.2f datagrams received from members (ACKs %.2f); decision to " +
                "every member's table p50 %.2f ms, p99 %.2f ms; group repairs %d, NAKs %d; load %s%n",
                multicast ? "multicast" : "unicast", members, bans, batchDatagrams, perBan[0], perBan[2], perBan[4],
                perBan[1], perBan[5], latencies[bans / 2] / 1e6,
                latencies[(int)Math.min(bans - 1, Math.ceil(bans * 0.99) - 1)] / 1e6,
                counter(statuses.get(0), "group_repairs_sent"), sum(statuses, "group_naks_sent"), loadAverage());
        }
        finally
        {
            for (final Node node : nodes)
            {
                node.close();
            }
            for (final StatusFile status : statuses)
            {
                status.close();
            }
            logOut.close();
            BenchFiles.deleteRecursively(dir);
        }
    }

    /** Decide {@code count} lone bans at node 1; each sample is the time until every member's table applied it. */
    private static void measure(
        final Node origin, final List<StatusFile> statuses, final int count, final long first, final long[] latencies, final long gapMillis)
        throws InterruptedException
    {
        final IpPrefix prefix = new IpPrefix();
        final byte[] scratch = new byte[16];
        final long reason = ReasonCode.of("bench").id();
        final int members = statuses.size() - 1;
        final CountersReader[] readers = new CountersReader[members];
        final int[] ids = new int[members];
        final long[] applied = new long[members];
        for (int m = 0; m < members; m++)
        {
            readers[m] = statuses.get(m + 1).countersReader();
            ids[m] = counterId(readers[m], "bans_applied");
            applied[m] = readers[m].getCounterValue(ids[m]);
        }
        for (int i = 0; i < count; i++)
        {
            final LocalRequest request = new LocalRequest(1);
            request.add(BanAction.BAN, ClusterFixture.documentationPrefix(first + i + 1, prefix, scratch), 3600, reason, 0, 0);
            final long start = System.nanoTime();
            while (!origin.submit(request))
            {
                Thread.onSpinWait();
            }
            for (int m = 0; m < members; m++)
            {
                final long deadline = start + 30_000_000_000L;
                while (readers[m].getCounterValue(ids[m]) <= applied[m])
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new IllegalStateException("member " + (m + 2) + " did not apply ban " + (first + i + 1) + " in 30 s");
                    }
                    Thread.onSpinWait();
                }
                applied[m] = readers[m].getCounterValue(ids[m]);
            }
            latencies[i] = System.nanoTime() - start;
            Thread.sleep(gapMillis);
        }
    }

    private static String config(final int id, final int nodes, final boolean multicast)
    {
        final StringBuilder text = new StringBuilder()
            .append("[node]\nid = ").append(id).append("\nlisten = 127.0.0.1:").append(BASE_PORT + id)
            .append("\nstate-dir = node").append(id).append("\nkey = ").append(KeyText.encode(SimulatedPeers.seed(id)))
            .append("\n\n[bans]\ncapacity = 10000\n\n");
        if (multicast)
        {
            text.append("[multicast]\ngroup = 239.255.42.9\nport = 7901\ninterface = lo\nmembers = ");
            for (int peer = 1; peer <= nodes; peer++)
            {
                text.append(peer).append(peer < nodes ? ", " : "\n\n");
            }
        }
        for (int peer = 1; peer <= nodes; peer++)
        {
            if (peer != id)
            {
                text.append("[peer ").append(peer).append("]\naddress = 127.0.0.1:").append(BASE_PORT + peer).append("\nkey = ")
                    .append(KeyText.encode(NodeKey.fromSeed(1, SimulatedPeers.seed(peer)).publicKey())).append("\n\n");
            }
        }
        return text.toString();
    }

    private static final String[] LABELS =
    {
        "datagrams_sent", "datagrams_received", "heartbeats_sent", "acks_sent", "sync_frames_sent", "acks_received",
        "group_batches_sent"
    };

    private static long[] snapshot(final StatusFile status)
    {
        final long[] values = new long[LABELS.length];
        for (int i = 0; i < LABELS.length; i++)
        {
            values[i] = counter(status, LABELS[i]);
        }
        return values;
    }

    private static long sum(final List<StatusFile> statuses, final String label)
    {
        long total = 0;
        for (final StatusFile status : statuses)
        {
            total += counter(status, label);
        }
        return total;
    }

    private static long counter(final StatusFile status, final String label)
    {
        final CountersReader reader = status.countersReader();
        return reader.getCounterValue(counterId(reader, label));
    }

    private static int counterId(final CountersReader reader, final String label)
    {
        final int[] id = { -1 };
        reader.forEach((counterId, typeId, key, counterLabel) ->
        {
            if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counterLabel.equals(label))
            {
                id[0] = counterId;
            }
        });
        if (id[0] < 0)
        {
            throw new IllegalStateException("no counter " + label);
        }
        return id[0];
    }

    private static String loadAverage() throws IOException
    {
        final String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
