package io.blocksync.daemon;

import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.KeyText;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.blocksync.daemon.ClusterProcessTest.canonical;
import static io.blocksync.daemon.ClusterProcessTest.counter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live 3-node mesh rotates node 1's key from id 1 to id 2 by the procedure of docs/CONFIG.md ("Rotating a node's
 * key"), with rolling restarts: after every restart a ban on each node reaches the other two, and no node has
 * refused a datagram for an unknown key or a bad tag.
 */
class RotationProcessTest
{
    private static final String FAST_SETTINGS =
        "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\nretransmit-max = 1s\n" +
        "peer-suspect-after = 1s\npeer-down-after = 2s\n";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private LoopbackCluster cluster;
    private int bans;

    @AfterEach
    void stopAll()
    {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    void rotatingANodesKeyInFourStepsKeepsEveryLinkWorking() throws Exception
    {
        cluster = LoopbackCluster.write(dir, 3, FAST_SETTINGS);
        for (int id = 1; id <= 3; id++)
        {
            nodes.add(new NodeProcess(cluster.configFile(id), cluster.stateDir(id)).start());
        }
        for (final NodeProcess node : nodes)
        {
            node.awaitReady();
        }
        everyBanReachesEveryNode("before the rotation");

        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        new Random(20_261_130L).nextBytes(seed);
        final String nextPublic = KeyText.encode(NodeKey.fromSeed(2, seed).publicKey());
        final Path nextKeyFile = dir.resolve("node1-2.key");
        Files.writeString(nextKeyFile, KeyText.encode(seed) + "\n");
        Files.setPosixFilePermissions(nextKeyFile, PosixFilePermissions.fromString("rw-------"));
        final String currentPrivate = keyLine(1, "[node]");

        // 1) Node 1 gets its next key and accepts either; it still sends with key 1.
        edit(1, "[node]", currentPrivate, currentPrivate + "\nnext-key-id = 2\nnext-key-file = node1-2.key");
        restart(1);
        everyBanReachesEveryNode("step 1");

        // 2) The peers list node 1's next key and address it, one restart at a time.
        for (int id = 2; id <= 3; id++)
        {
            final String current = keyLine(id, "[peer 1]");
            edit(id, "[peer 1]", current, current + "\nnext-key-id = 2\nnext-key = " + nextPublic);
            restart(id);
            everyBanReachesEveryNode("step 2, node " + id);
        }

        // 3) Node 1 promotes its next key: it sends and signs with key 2 from now on.
        edit(1, "[node]", currentPrivate + "\nnext-key-id = 2\nnext-key-file = node1-2.key",
            "key-id = 2\nkey-file = node1-2.key");
        restart(1);
        everyBanReachesEveryNode("step 3");

        // 4) The peers retire node 1's old key, one restart at a time.
        for (int id = 2; id <= 3; id++)
        {
            final String current = keyLine(id, "[peer 1]");
            edit(id, "[peer 1]", current + "\nnext-key-id = 2\nnext-key = " + nextPublic,
                "key-id = 2\nkey = " + nextPublic);
            restart(id);
            everyBanReachesEveryNode("step 4, node " + id);
        }

        final NodeConfig node1 = ConfigReader.read(cluster.configFile(1));
        assertEquals(1, node1.keys().length);
        assertEquals(2, node1.keyId());
        for (int id = 2; id <= 3; id++)
        {
            final PeerConfig peer1 = ConfigReader.read(cluster.configFile(id)).peers().get(0);
            assertEquals(1, peer1.nodeId());
            assertEquals(1, peer1.keys().length, "node " + id + " holds only node 1's new key");
            assertEquals(2, peer1.keyId());
            assertArrayEquals(node1.keys()[0].publicKey(), peer1.keys()[0].publicKey());
        }
    }

    /** Each node bans an address of its own; all three must hold all three, and no link refused a datagram. */
    private void everyBanReachesEveryNode(final String step) throws Exception
    {
        final List<String> prefixes = new ArrayList<>();
        for (int id = 1; id <= 3; id++)
        {
            bans++;
            final String prefix = "198.51.100." + bans;
            final List<String> reply = nodes.get(id - 1).control(List.of("ban " + prefix + " 3600 ssh 0 0"));
            assertTrue(reply.get(0).startsWith("ok ban"), step + ": node " + id + " took its ban: " + reply);
            prefixes.add(canonical(prefix));
        }
        for (int id = 1; id <= 3; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            Poll.until(step + ": every node's ban on node " + id, DEADLINE,
                () -> StoreView.activeBans(stateDir).containsAll(prefixes), this::logs);
            assertEquals(0, counter(stateDir, "rejected_unknown_key"), step + ": node " + id + "\n" + logs());
            assertEquals(0, counter(stateDir, "rejected_bad_tag"), step + ": node " + id + "\n" + logs());
        }
    }

    private void restart(final int id) throws Exception
    {
        assertEquals(143, nodes.get(id - 1).stop(), "SIGTERM stops node " + id + " cleanly");
        nodes.set(id - 1, new NodeProcess(cluster.configFile(id), cluster.stateDir(id)).start().awaitReady());
    }

    /** The {@code key = ...} line of a section of a node's config. */
    private String keyLine(final int id, final String section) throws Exception
    {
        final String text = Files.readString(cluster.configFile(id));
        final int start = text.indexOf("\nkey = ", text.indexOf(section)) + 1;
        return text.substring(start, text.indexOf('\n', start));
    }

    /** Replace text within one section of a node's config (the section must hold it). */
    private void edit(final int id, final String section, final String from, final String to) throws Exception
    {
        final Path file = cluster.configFile(id);
        final String text = Files.readString(file);
        final int sectionStart = text.indexOf(section);
        final int at = text.indexOf(from, sectionStart);
        final int nextSection = text.indexOf("\n[", sectionStart + 1);
        assertTrue(sectionStart >= 0 && at >= 0 && (nextSection < 0 || at < nextSection), section + " of node " + id +
            " holds " + from + ":\n" + text);
        Files.writeString(file, text.substring(0, at) + to + text.substring(at + from.length()));
    }

    private String logs()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++)
        {
            final String log = nodes.get(i).log();
            out.append("--- node ").append(i + 1).append(" ---\n").append(log, Math.max(0, log.length() - 3000), log.length()).append('\n');
        }
        return out.toString();
    }
}
