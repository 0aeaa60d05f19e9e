package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five daemons as separate OS processes on loopback, driven through their control sockets and checked through
 * their persisted stores, as an operator would.
 */
class ClusterProcessTest
{
    private static final String FAST_SETTINGS =
        "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\nretransmit-max = 1s\n" +
        "peer-suspect-after = 1s\npeer-down-after = 3s\n\n[bans]\norigin-rate = 100000\n";

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception
    {
        for (final NodeProcess node : nodes)
        {
            node.close();
        }
    }

    @Test
    void aBanAtOneNodeReachesEveryOtherStoreAndSoDoesTheUnban() throws Exception
    {
        final LoopbackCluster cluster = startCluster(5);

        assertEquals(List.of("ok ban 192.0.2.44"), nodes.get(0).control(List.of("ban 192.0.2.44 3600 ssh 6 22")));
        for (int id = 2; id <= 5; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            Poll.until("192.0.2.44 banned on node " + id, Duration.ofSeconds(5), () -> StoreView.isBanned(stateDir, "192.0.2.44"), this::logs);
        }

        assertEquals(List.of("ok unban 192.0.2.44"), nodes.get(0).control(List.of("unban 192.0.2.44")));
        for (int id = 2; id <= 5; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            Poll.until("192.0.2.44 unbanned on node " + id, Duration.ofSeconds(5), () -> !StoreView.isBanned(stateDir, "192.0.2.44"), this::logs);
        }
    }

    @Test
    void tenThousandBansFromTwoOriginsAtOnceConvergeOnAllFiveWithoutDuplicates() throws Exception
    {
        final LoopbackCluster cluster = startCluster(5);
        final Set<String> expected = new HashSet<>();
        final List<String> fromNode1 = new ArrayList<>();
        final List<String> fromNode2 = new ArrayList<>();
        for (int i = 0; i < 5_000; i++)
        {
            final String a = "2001:db8:1:" + Integer.toHexString(i) + "::/64";
            final String b = "2001:db8:2:" + Integer.toHexString(i) + "::/64";
            fromNode1.add("ban " + a + " 3600 scan 0 0");
            fromNode2.add("ban " + b + " 3600 scan 0 0");
            expected.add(canonical(a));
            expected.add(canonical(b));
        }

        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            // In requests of 1,000 lines: one of 5,000 came near the node's 20 s answer deadline on a loaded box.
            final Future<List<String>> one = pool.submit(() -> ClusterLossProcessTest.importAt(nodes.get(0), fromNode1));
            final Future<List<String>> two = pool.submit(() -> ClusterLossProcessTest.importAt(nodes.get(1), fromNode2));
            final List<String> refusedAtOne = one.get();
            final List<String> refusedAtTwo = two.get();
            assertTrue(refusedAtOne.isEmpty(), "node 1 refused some bans: " + refusedAtOne);
            assertTrue(refusedAtTwo.isEmpty(), "node 2 refused some bans: " + refusedAtTwo);
        }
        finally
        {
            pool.shutdownNow();
        }

        for (int id = 1; id <= 5; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            Poll.until("10,000 bans on node " + id, Duration.ofSeconds(60), () -> StoreView.activeBans(stateDir).size() == expected.size(), this::logs);
            assertEquals(expected, StoreView.activeBans(stateDir), "node " + id + " holds exactly the 10,000 bans");
            // Each ban was applied exactly once on every node, however often it was retransmitted.
            Poll.until("node " + id + " counters published", Duration.ofSeconds(5), () -> counter(stateDir, "bans_applied") == 10_000, this::logs);
        }
    }

    private LoopbackCluster startCluster(final int size) throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, size, FAST_SETTINGS);
        for (int id = 1; id <= size; id++)
        {
            nodes.add(new NodeProcess(cluster.configFile(id), cluster.stateDir(id)).start());
        }
        for (final NodeProcess node : nodes)
        {
            node.awaitReady();
        }
        return cluster;
    }

    static String canonical(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        assertEquals(null, AddressText.parse(text, prefix, 32, 64));
        return AddressText.format(prefix);
    }

    static long counter(final Path stateDir, final String label)
    {
        try (StatusFile status = StatusFile.openForReading(stateDir))
        {
            final CountersReader reader = status.countersReader();
            final long[] value = { -1 };
            reader.forEach((counterId, typeId, key, counterLabel) ->
            {
                if (counterLabel.equals(label))
                {
                    value[0] = reader.getCounterValue(counterId);
                }
            });
            return value[0];
        }
    }

    private String logs()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++)
        {
            final String log = nodes.get(i).log();
            out.append("--- node ").append(i + 1).append(" log (last 3000 chars) ---\n")
                .append(log, Math.max(0, log.length() - 3000), log.length()).append('\n');
        }
        return out.toString();
    }
}
