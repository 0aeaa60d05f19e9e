package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReplayWindow;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.node.TestKeys;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Random;
import java.util.Set;

import static io.blocksync.daemon.ClusterProcessTest.canonical;
import static io.blocksync.daemon.ClusterProcessTest.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossAndBadInputTest
{
    private static final String FAST_SETTINGS =
        "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\nretransmit-max = 500ms\n" +
        "peer-suspect-after = 1s\npeer-down-after = 3s\n\n[bans]\norigin-rate = 100000\n";

    /** Loss pattern of the loss test; a failure names it so the run replays. */
    private static final long LOSS_SEED = 20_261_130L;

    @TempDir
    Path dir;

    @Test
    void anErrorOnTheLoopIsCountedOnceAndTheLoopGoesOn() throws Exception
    {
        try (InProcessCluster cluster = new InProcessCluster(dir, 2, FAST_SETTINGS, 2))
        {
            final AtomicBoolean thrown = new AtomicBoolean();
            cluster.node(2).receiveHook(() ->
            {
                if (thrown.compareAndSet(false, true))
                {
                    throw new IllegalStateException("injected");
                }
                return false;
            });
            final Path node2 = cluster.files.stateDir(2);
            Poll.until("node 2's loop to meet the injected error", Duration.ofSeconds(30), thrown::get, cluster::log);
            Poll.until("the error counted", Duration.ofSeconds(10), () -> counter(node2, "errors") == 1, cluster::log);

            assertTrue(ControlClient.exchange(cluster.files.stateDir(1), List.of("ban 198.51.100.44 3600 scan 0 0")).get(0)
                .startsWith("ok ban"));
            Poll.until("the ban at node 2, whose loop went on", Duration.ofSeconds(30),
                () -> StoreView.activeBans(node2).contains("198.51.100.44"), cluster::log);
            assertEquals(1, counter(node2, "errors"), "one error, counted once (AgentRunner counts it; nothing else may)");
        }
    }

    @Test
    void thirtyPercentDatagramLossStillConvergesCompletely() throws Exception
    {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, FAST_SETTINGS, 3))
        {
            final Random loss = new Random(LOSS_SEED);
            for (final Node node : cluster.nodes)
            {
                node.receiveHook(() -> loss.nextInt(100) < 30);
            }

            final List<String> bans = new ArrayList<>();
            final Set<String> expected = new HashSet<>();
            for (int i = 0; i < 2_000; i++)
            {
                final String prefix = "2001:db8:" + Integer.toHexString(0x100 + i / 256) + ":" + Integer.toHexString(i % 256) + "::/64";
                bans.add("ban " + prefix + " 3600 scan 0 0");
                expected.add(canonical(prefix));
            }
            final List<String> replies = ControlClient.exchange(cluster.files.stateDir(1), bans);
            assertTrue(replies.stream().allMatch(reply -> reply.startsWith("ok ban")), "all bans accepted at node 1");

            final List<String> unbans = new ArrayList<>();
            for (int i = 0; i < 500; i++)
            {
                final String prefix = "2001:db8:" + Integer.toHexString(0x100 + i / 256) + ":" + Integer.toHexString(i % 256) + "::/64";
                unbans.add("unban " + prefix);
                expected.remove(canonical(prefix));
            }
            assertTrue(ControlClient.exchange(cluster.files.stateDir(1), unbans).stream().allMatch(r -> r.startsWith("ok unban")));

            for (int id = 2; id <= 3; id++)
            {
                final Path stateDir = cluster.files.stateDir(id);
                Poll.until("1,500 bans on node " + id + " despite 30% loss (seed " + LOSS_SEED + ")", Duration.ofSeconds(60),
                    () -> StoreView.activeBans(stateDir).equals(expected), cluster::log);
            }
            assertTrue(counter(cluster.files.stateDir(1), "retransmits") > 0, "loss was really injected and repaired");
        }
    }

    @Test
    void aBurstOverThePeersRateBudgetIsSlowedDownNotLost() throws Exception
    {
        final String settings = "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\nretransmit-max = 500ms\n" +
            "peer-suspect-after = 1s\npeer-down-after = 3s\n\n[bans]\norigin-rate = 400\norigin-burst = 400\n";
        // One second of burst: the flood guard as it was before issue 13, so the 2,000 bans exceed it.
        try (InProcessCluster cluster = new InProcessCluster(dir, 2, settings, 2))
        {
            final List<String> bans = new ArrayList<>();
            final Set<String> expected = new HashSet<>();
            for (int i = 0; i < 2_000; i++)
            {
                final String prefix = "2001:db8:7:" + Integer.toHexString(i) + "::/64";
                bans.add("ban " + prefix + " 3600 scan 0 0");
                expected.add(canonical(prefix));
            }
            assertTrue(ControlClient.exchange(cluster.files.stateDir(1), bans).stream().allMatch(r -> r.startsWith("ok ban")));

            final Path node2 = cluster.files.stateDir(2);
            Poll.until("all 2,000 bans on node 2 at 400 a second", Duration.ofSeconds(30), () -> StoreView.activeBans(node2).equals(expected), cluster::log);
            assertTrue(counter(node2, "refused_rate_limited") > 0, "the budget really was exceeded");

            // The stream then flows normally again: a lone ban arrives without waiting for any timeout.
            assertEquals(List.of("ok ban 198.51.100.99"), ControlClient.exchange(cluster.files.stateDir(1), List.of("ban 198.51.100.99 600 ssh 0 0")));
            Poll.until("the next lone ban on node 2", Duration.ofSeconds(2), () -> StoreView.isBanned(node2, "198.51.100.99"), cluster::log);
        }
    }

    @Test
    void garbageTruncatedForgedReplayedAndUnknownDatagramsChangeNothingAndAreCounted() throws Exception
    {
        try (InProcessCluster cluster = new InProcessCluster(dir, 2, FAST_SETTINGS, 1);
            DatagramSocket socket = new DatagramSocket())
        {
            final NodeConfig node1 = ConfigReader.read(cluster.files.configFile(1));
            diagnostics = cluster.files.baseDir().resolve("nodes.log").toString();
            final PeerConfig peer2 = node1.peers().get(0);
            final Random random = new Random(42);
            final byte[] garbage = new byte[1500];
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[1200]);

            // 100 random datagrams of random length.
            for (int i = 0; i < 100; i++)
            {
                random.nextBytes(garbage);
                send(socket, garbage, 1 + random.nextInt(garbage.length), node1);
            }

            // 100 truncated copies of a genuine datagram: every length from 0 to its full length minus one.
            // Peer 2's own config holds its private key, which its link to node 1 is made from.
            final NodeConfig node2 = ConfigReader.read(cluster.files.configFile(2));
            final PeerLink genuineLink = TestKeys.link(node2, node1.nodeId());
            final FrameSigner genuine = new FrameSigner(peer2.nodeId(), peer2.keyId(), System.currentTimeMillis() << 20);
            final int length = encodeBan(frame, genuine, genuineLink, 1, "192.0.2.77");
            final byte[] valid = new byte[length];
            frame.getBytes(0, valid);
            for (int cut = 0; cut < length && cut < 100; cut++)
            {
                send(socket, valid, cut, node1);
            }

            // 100 forged: right sender id and key id, wrong private key.
            final byte[] wrongSeed = new byte[NodeKey.SEED_LENGTH];
            random.nextBytes(wrongSeed);
            final NodeKey[] wrongKey = { NodeKey.fromSeed(peer2.keyId(), wrongSeed) };
            final PeerKey[] nodeOneKeys = node2.peers().get(0).keys();
            final PeerLink forgedLink = new PeerLink(peer2.nodeId(), wrongKey, node1.nodeId(), nodeOneKeys, new ReplayWindow());
            final FrameSigner forger = new FrameSigner(peer2.nodeId(), peer2.keyId(), System.currentTimeMillis() << 20);
            for (int i = 0; i < 100; i++)
            {
                final byte[] forged = new byte[encodeBan(frame, forger, forgedLink, 2 + i, "192.0.2." + (100 + i))];
                frame.getBytes(0, forged);
                send(socket, forged, forged.length, node1);
            }

            // 100 from a sender id nobody configured.
            final FrameSigner stranger = new FrameSigner(99, 1, 1);
            final PeerLink strangerLink = new PeerLink(99, wrongKey, node1.nodeId(), nodeOneKeys, new ReplayWindow());
            for (int i = 0; i < 100; i++)
            {
                final byte[] strange = new byte[encodeBan(frame, stranger, strangerLink, 1 + i, "203.0.113." + i)];
                frame.getBytes(0, strange);
                send(socket, strange, strange.length, node1);
            }

            // The genuine one once, then 50 replays of it.
            for (int i = 0; i <= 50; i++)
            {
                send(socket, valid, valid.length, node1);
            }

            final Path stateDir = cluster.files.stateDir(1);
            assertEquals(451, sent);
            Poll.until("counters settled", Duration.ofSeconds(10), () -> counter(stateDir, "rejected_replay") == 50, cluster::log);

            assertEquals(Set.of("192.0.2.77"), StoreView.activeBans(stateDir), "only the genuine ban was applied");
            assertEquals(100, counter(stateDir, "rejected_bad_tag"));
            assertEquals(100, counter(stateDir, "rejected_unknown_sender"));
            assertEquals(1, counter(stateDir, "bans_applied"));
            final long malformedOrShort = counter(stateDir, "rejected_bad_length") + counter(stateDir, "rejected_bad_version") +
                counter(stateDir, "rejected_unknown_key") + counter(stateDir, "rejected_unknown_sender") - 100 +
                counter(stateDir, "rejected_bad_tag") - 100 + counter(stateDir, "rejected_malformed") + counter(stateDir, "rejected_bad_type");
            assertEquals(200, malformedOrShort, "every garbage and truncated datagram was rejected and counted");
        }
    }

    private static int encodeBan(
        final UnsafeBuffer frame, final FrameSigner signer, final PeerLink link, final long streamSequence, final String address)
    {
        final IpPrefix prefix = new IpPrefix();
        AddressText.parse(address, prefix, 32, 64);
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(frame, 0, streamSequence);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix)
            .originNodeId(signer.senderId())
            .durationSeconds(3600)
            .originSequence(streamSequence)
            .originTimeMillis(System.currentTimeMillis())
            .reason(ReasonCode.of("ssh"));
        final int length = signer.stamp(frame, 0, batch.unsealedLength());
        link.seal(frame, 0, length);
        return length;
    }

    private int sent;
    private String diagnostics = "";

    /** One at a time, each waited for, so the kernel's socket buffer never overflows and every one is counted. */
    private void send(final DatagramSocket socket, final byte[] bytes, final int length, final NodeConfig to) throws Exception
    {
        socket.send(new DatagramPacket(bytes, length, to.listen()));
        sent++;
        final Path stateDir = to.stateDir();
        Poll.until("datagram " + sent + " received", Duration.ofSeconds(5), () -> counter(stateDir, "datagrams_received") >= sent,
            () -> "datagrams_received=" + counter(stateDir, "datagrams_received") + " errors=" + counter(stateDir, "errors") +
                "\n" + diagnostics);
    }
}
