package io.blocksync.daemon;

import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.GroupBatchFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.node.TestKeys;
import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Four nodes on one bridge, each in its own network namespace, sharing the administratively scoped group
 * 239.255.42.1:7901 on their {@code eth0} (docs/PROTOCOL.md, "Multicast"; TTL 1, the bridge's namespaces only). Node 1's
 * bans reach every member by multicast (node 2's nftables set included); node 4 joins late and catches up on what it
 * missed; node 3 loses every third group datagram (a deterministic nft {@code numgen} drop on its input) and is
 * repaired by NAK; a group datagram signed with the wrong key, from a host on the segment, is refused and counted
 * everywhere and bans nothing.
 */
class MulticastNamespaceTest
{
    private static final int NODES = 4;
    private static final String GROUP = "239.255.42.1";
    private static final String GROUP6 = "ff15::42";
    private static final String SETTINGS = "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\n" +
        "peer-suspect-after = 1s\npeer-down-after = 3s\n";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private final String[] hosts = new String[NODES + 1];
    private final NodeProcess[] nodes = new NodeProcess[NODES + 1];
    private String group = GROUP;
    private int size = NODES;

    @BeforeEach
    void requireRoot()
    {
        final String reason = NetworkNamespaces.unavailableReason("nft", "socat");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft, socat on PATH; CI installs them)");
    }

    @AfterEach
    void tearDown()
    {
        for (final NodeProcess node : nodes)
        {
            if (null != node)
            {
                node.close();
            }
        }
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void bansReachEveryMemberByMulticastALateJoinerCatchesUpLossIsRepairedAndForgeriesAreCounted() throws Exception
    {
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bsm");
        // Flood group traffic to every port: no IGMP querier runs on this segment.
        namespaces.must(lan.namespace(), "ip", "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
        for (int id = 1; id <= NODES; id++)
        {
            hosts[id] = lan.host(id);
        }
        final String outsider = lan.host(9);
        // Node 3 loses every third group datagram, deterministically.
        namespaces.must(hosts[3], "nft", "add", "table", "inet", "lossy");
        namespaces.must(hosts[3], "nft", "add", "chain", "inet", "lossy", "in", "{ type filter hook input priority -300; }");
        namespaces.must(hosts[3], "nft", "add", "rule", "inet", "lossy", "in", "udp", "dport", "7901", "numgen", "inc", "mod", "3",
            "==", "0", "counter", "drop");

        for (int id = 1; id <= 3; id++)
        {
            start(id);
        }
        for (int id = 1; id <= 3; id++)
        {
            nodes[id].awaitReady();
        }

        // Before node 4 runs: these it gets by SYNC once it joins.
        final List<String> early = new ArrayList<>();
        for (int i = 1; i <= 6; i++)
        {
            early.add(ban(1, "198.51.100." + i));
        }
        for (int id = 2; id <= 3; id++)
        {
            final int member = id;
            Poll.until("node " + id + " holds the early bans", WAIT, () -> holdsAll(member, early), this::diagnostics);
        }

        start(4);
        nodes[4].awaitReady();
        final List<String> late = new ArrayList<>();
        for (int i = 1; i <= 12; i++)
        {
            late.add(ban(1, "203.0.113." + i));
        }
        final List<String> all = new ArrayList<>(early);
        all.addAll(late);
        for (int id = 2; id <= NODES; id++)
        {
            final int member = id;
            Poll.until("node " + id + " holds all 18 bans", WAIT, () -> holdsAll(member, all), this::diagnostics);
        }
        Poll.until("node 2's kernel set holds the bans", WAIT, () ->
            namespaces.exec(hosts[2], "nft", "list", "set", "inet", "blocksync", "ban4_host").output().contains("203.0.113.12"),
            this::diagnostics);

        final Path stateOne = nodes[1].stateDir();
        Poll.until("node 1's counters published", Duration.ofSeconds(10), () -> counter(stateOne, "group_batches_sent") >= 13, this::diagnostics);
        for (int id = 2; id <= NODES; id++)
        {
            final long received = counter(nodes[id].stateDir(), "group_batches_received");
            assertTrue(received >= 1, "node " + id + " took group batches: " + received + "\n" + diagnostics());
        }
        assertEquals(0, counter(stateOne, "retransmits"), "members get no unicast BATCH, so nothing is retransmitted\n" + diagnostics());
        assertTrue(counter(nodes[3].stateDir(), "group_naks_sent") >= 1, "lossy node 3 NAKed\n" + diagnostics());
        assertTrue(counter(stateOne, "group_repairs_sent") >= 1, "node 1 repaired by multicast\n" + diagnostics());

        // A group datagram in node 1's name signed with another key, sent from a host on the segment.
        final Path forged = dir.resolve("forged.bin");
        Files.write(forged, forgedGroupBatch());
        final long[] before = new long[NODES + 1];
        for (int id = 2; id <= NODES; id++)
        {
            before[id] = counter(nodes[id].stateDir(), "group_rejected_unauthentic");
        }
        namespaces.must(outsider, "socat", "-u", "OPEN:" + forged,
            "UDP4-DATAGRAM:" + GROUP + ":7901,ip-multicast-if=192.0.2.9,ip-multicast-ttl=1");
        for (int id = 2; id <= NODES; id++)
        {
            final Path state = nodes[id].stateDir();
            final long was = before[id];
            Poll.until("node " + id + " counts the forgery", WAIT, () -> counter(state, "group_rejected_unauthentic") > was, this::diagnostics);
            assertTrue(!holdsAll(id, List.of("192.0.2.99")), "the forged ban was not taken by node " + id);
        }
    }

    @Test
    void anIpv6GroupCarriesBansToEveryMember() throws Exception
    {
        group = GROUP6;
        size = 3;
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bsm");
        namespaces.must(lan.namespace(), "ip", "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
        for (int id = 1; id <= size; id++)
        {
            hosts[id] = lan.host(id);
            start(id);
        }
        for (int id = 1; id <= size; id++)
        {
            nodes[id].awaitReady();
        }
        final List<String> bans = List.of(ban(1, "198.51.100.7"), ban(1, "203.0.113.77"));
        for (int id = 2; id <= size; id++)
        {
            final int member = id;
            Poll.until("node " + id + " holds both bans", WAIT, () -> holdsAll(member, bans), this::diagnostics);
            Poll.until("node " + id + " took them from the IPv6 group", WAIT,
                () -> counter(nodes[member].stateDir(), "group_batches_received") >= 1, this::diagnostics);
        }
    }

    private void start(final int id) throws Exception
    {
        nodes[id] = new NodeProcess(writeConfig(id), dir.resolve("n" + id), NetworkNamespaces.inNamespace(hosts[id])).start();
    }

    private String ban(final int node, final String address) throws Exception
    {
        assertEquals(List.of("ok ban " + address), nodes[node].control(List.of("ban " + address + " 3600 ssh 0 0")));
        return address;
    }

    private boolean holdsAll(final int node, final List<String> addresses) throws Exception
    {
        final List<String> rows = nodes[node].control(List.of("bans"));
        for (final String address : addresses)
        {
            if (rows.stream().noneMatch(row -> row.startsWith("ban " + address + " ")))
            {
                return false;
            }
        }
        return true;
    }

    private static long counter(final Path stateDir, final String label)
    {
        return ClusterProcessTest.counter(stateDir, label);
    }

    private static String key(final int id)
    {
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        Arrays.fill(seed, (byte)(0x40 + id));
        return "base64:" + Base64.getEncoder().encodeToString(seed);
    }

    private Path writeConfig(final int id) throws Exception
    {
        final StringBuilder text = new StringBuilder()
            .append("[node]\nid = ").append(id).append("\nlisten = 192.0.2.").append(id).append(":7701\nstate-dir = n")
            .append(id).append("\nkey = ").append(key(id)).append("\n\n[firewall]\nbackend = ")
            .append(id == 2 ? "nftables" : "log").append("\n\n").append(SETTINGS)
            .append("\n[multicast]\ngroup = ").append(group).append("\nport = 7901\ninterface = eth0\nmembers = 1, 2, 3")
            .append(size == 4 ? ", 4\n" : "\n");
        for (int peer = 1; peer <= size; peer++)
        {
            if (peer != id)
            {
                text.append("\n[peer ").append(peer).append("]\naddress = 192.0.2.").append(peer).append(":7701\nkey = ")
                    .append(TestKeys.publicText(key(peer))).append('\n');
            }
        }
        final Path file = dir.resolve("n" + id + ".conf");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Node 1's name and key id, a ban of 192.0.2.99, signed by a key that is not node 1's. */
    private static byte[] forgedGroupBatch()
    {
        final NodeKey wrong = NodeKey.fromSeed(1, Base64.getDecoder().decode(key(7).substring("base64:".length())));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1200]);
        final GroupBatchFrameFlyweight frame = new GroupBatchFrameFlyweight().begin(buffer, 0, (System.currentTimeMillis() << 20) + 99);
        final IpPrefix prefix = new IpPrefix();
        io.blocksync.codec.AddressText.parse("192.0.2.99", prefix, 32, 128);
        frame.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(prefix).originNodeId(1).durationSeconds(3600)
            .originSequence(Long.MAX_VALUE / 2).originTimeMillis(System.currentTimeMillis())
            .version(System.currentTimeMillis() << 16).reason(ReasonCode.of("ssh")).sign(wrong);
        final int length = new FrameSigner(1, 1, Long.MAX_VALUE / 4).stampGroup(buffer, 0, frame.unsignedLength());
        frame.sign(wrong);
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    private String diagnostics()
    {
        final StringBuilder out = new StringBuilder();
        for (final NodeProcess node : nodes)
        {
            if (null != node)
            {
                out.append("--- ").append(node.stateDir()).append(" ---\n").append(node.log()).append('\n');
                for (final String label : List.of("group_batches_sent", "group_batches_received", "group_rejected_unauthentic",
                    "group_rejected_invalid", "group_rejected_replay", "group_naks_sent", "group_repairs_sent",
                    "group_gaps_skipped", "group_naks_refused", "group_datagrams_own", "sync_frames_received", "retransmits"))
                {
                    out.append(label).append(' ').append(counter(node.stateDir(), label)).append('\n');
                }
            }
        }
        return out.toString();
    }
}
