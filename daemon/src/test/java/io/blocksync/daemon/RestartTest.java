package io.blocksync.daemon;

import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.blocksync.daemon.ClusterProcessTest.canonical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a burst: nothing a node acknowledged is lost, and the restarted node catches up with
 * what it missed while it was dead.
 */
class RestartTest
{
    private static final String FAST_SETTINGS =
        "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\nretransmit-max = 1s\n" +
        "peer-suspect-after = 1s\npeer-down-after = 2s\n\n[bans]\norigin-rate = 100000\n";

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll()
    {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    void killNineMidStreamLosesNoAcknowledgedBanAndTheNodeCatchesUp() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 3, FAST_SETTINGS);
        for (int id = 1; id <= 3; id++)
        {
            nodes.add(new NodeProcess(cluster.configFile(id), cluster.stateDir(id)).start());
        }
        for (final NodeProcess node : nodes)
        {
            node.awaitReady();
        }

        // Node 3 decides 300 bans; each "ok" is an acknowledgement to the operator. Then it dies at once.
        final Set<String> fromNode3 = new HashSet<>();
        final List<String> node3Bans = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            final String prefix = "2001:db8:3:" + Integer.toHexString(i) + "::/64";
            node3Bans.add("ban " + prefix + " 3600 ssh 0 0");
            fromNode3.add(canonical(prefix));
        }
        final List<String> replies = nodes.get(2).control(node3Bans);
        assertTrue(replies.stream().allMatch(reply -> reply.startsWith("ok ban")), "node 3 acknowledged all 300");

        // Node 1 starts a burst of 3,000; node 3 is killed while it is arriving.
        final Set<String> fromNode1 = new HashSet<>();
        final List<String> node1Bans = new ArrayList<>();
        for (int i = 0; i < 3_000; i++)
        {
            final String prefix = "2001:db8:1:" + Integer.toHexString(i) + "::/64";
            node1Bans.add("ban " + prefix + " 3600 scan 0 0");
            fromNode1.add(canonical(prefix));
        }
        final CompletableFuture<List<String>> burst = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return nodes.get(0).control(node1Bans);
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        final Path node3State = cluster.stateDir(3);
        Poll.until("node 3 has some of node 1's burst", Duration.ofSeconds(20),
            () -> StoreView.activeBans(node3State).stream().anyMatch(fromNode1::contains), this::logs);
        nodes.get(2).kill9();
        assertTrue(burst.get().stream().allMatch(reply -> reply.startsWith("ok ban")), "node 1 acknowledged all 3,000");

        // The killed store may still hold a segment lock of the dead process: only the restarting daemon, which
        // recovers the map, reads it. Everything node 3 acknowledged must be there the moment it is back.
        nodes.set(2, new NodeProcess(cluster.configFile(3), node3State).start().awaitReady());
        assertTrue(StoreView.activeBans(node3State).containsAll(fromNode3), "node 3 kept every ban it acknowledged");

        final Set<String> all = new HashSet<>(fromNode1);
        all.addAll(fromNode3);
        for (int id = 1; id <= 3; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            Poll.until("all 3,300 bans on node " + id, Duration.ofSeconds(60), () -> StoreView.activeBans(stateDir).equals(all), this::logs);
        }
        assertEquals(all, StoreView.activeBans(node3State));
        assertTrue(nodes.get(2).log().contains("recover") || nodes.get(2).log().contains("unclean"),
            "the restarted node noticed the unclean stop:\n" + nodes.get(2).log());
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
