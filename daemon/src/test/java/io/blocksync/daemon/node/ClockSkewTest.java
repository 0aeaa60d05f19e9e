package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.HybridLogicalClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, failure 3: clocks no longer decide. Node 1's clock is right, node 2's runs 10 minutes slow, node 3's 10
 * minutes fast (each node's clock injected, on the manual-clock engine). {@code max-clock-skew} is raised to 21
 * minutes in this test: node 3 stamps its decisions 20 minutes ahead of node 2's clock, and with the default 5 minutes
 * node 2 would refuse them (issue 9's rule, kept), so the cases below, which need every node to hold every decision,
 * could not arise. What wins, and how long a ban lasts, no longer depends on those clocks.
 */
class ClockSkewTest
{
    private static final long SEED = 20_261_201L;
    private static final long MINUTE = 60_000;
    private static final long SLOW = -10 * MINUTE;
    private static final long FAST = 10 * MINUTE;

    @TempDir
    Path dir;

    private static EngineCluster.Settings skewed()
    {
        return new EngineCluster.Settings().clockOffset(2, SLOW).clockOffset(3, FAST).maxClockSkew(21 * MINUTE);
    }

    private static void allUp(final EngineCluster cluster) throws Exception
    {
        cluster.runUntil(() -> cluster.nodeIds().stream().allMatch(id ->
            cluster.nodeIds().stream().filter(other -> !other.equals(id))
                .allMatch(other -> cluster.node(id).peer(other).state() == Peer.STATE_UP)), 2_000, "all peers up");
    }

    private static boolean everyNode(final EngineCluster cluster, final java.util.function.Predicate<EngineNode> test)
    {
        return cluster.nodeIds().stream().map(cluster::node).allMatch(test);
    }

    @Test
    void aFiveMinuteBanFromTheSlowNodeLastsFiveMinutesAtEveryPeer() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, skewed()))
        {
            allUp(cluster);
            final String address = "198.51.100.1";
            assertTrue(cluster.node(2).ban(address, 300));
            final long bannedAt = cluster.epochClock().time();
            cluster.runUntil(() -> everyNode(cluster, node -> node.isBanned(address)), 1_000, "the ban at every node");

            for (final EngineNode node : List.of(cluster.node(1), cluster.node(3)))
            {
                final Ban held = node.stored(address);
                assertEquals(300_000, held.expiresAtMillis() - held.appliedAtMillis(),
                    "node " + node.nodeId + " holds it five minutes from when it took it, by its own clock");
                assertEquals(bannedAt + SLOW, held.originTimeMillis(), "the origin's time, kept for display");
            }

            cluster.runForMillis(300_000 - 100 - (cluster.epochClock().time() - bannedAt), 10);
            assertTrue(everyNode(cluster, node -> node.isBanned(address)), "still banned everywhere 4:59.9 after the ban");
            cluster.runUntil(() -> everyNode(cluster, node -> !node.isBanned(address)), 1_200, "expired everywhere");
            assertTrue(cluster.epochClock().time() - bannedAt >= 300_000);
            // The store lets an ended entry go within the second after its end (the expiry index's slots are seconds).
            cluster.runUntil(() -> everyNode(cluster, node -> node.counters.bansExpired.get() == 1), 2_000,
                "expired, not dropped on arrival, at every node");
            assertTrue(everyNode(cluster, node -> node.counters.recordsStale.get() == 0));
        }
    }

    @Test
    void anUnbanAtTheFastNodeLosesToAReBanTwentySecondsLaterAtTheSlowNode() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, skewed()))
        {
            allUp(cluster);
            final String address = "198.51.100.2";
            assertTrue(cluster.node(1).ban(address));
            cluster.runUntil(() -> everyNode(cluster, node -> node.isBanned(address)), 1_000, "the first ban everywhere");

            assertTrue(cluster.node(3).unban(address), "unban at the fast node");
            cluster.runUntil(() -> everyNode(cluster, node -> !node.isBanned(address)), 1_000, "the unban everywhere");
            cluster.runForMillis(20_000, 10);
            assertTrue(cluster.node(2).ban(address), "re-ban at the slow node, 20 s later but 20 min earlier by the clocks");
            cluster.runForMillis(2_000, 1);

            assertTrue(everyNode(cluster, node -> node.isBanned(address)), "the re-ban wins everywhere");
            assertEverySameDecision(cluster, address, 2);
            final Ban reBan = cluster.node(1).stored(address);
            assertTrue(reBan.originTimeMillis() < cluster.node(1).timeMillis() - 9 * MINUTE,
                "stamped by the slow clock, which no longer matters: " + reBan);
        }
    }

    @Test
    void anUnbanAtTheSlowNodeWinsOverAReBanTwentySecondsEarlierAtTheFastNode() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, skewed()))
        {
            allUp(cluster);
            final String address = "198.51.100.3";
            assertTrue(cluster.node(1).ban(address));
            cluster.runUntil(() -> everyNode(cluster, node -> node.isBanned(address)), 1_000, "the first ban everywhere");
            assertTrue(cluster.node(1).unban(address));
            cluster.runUntil(() -> everyNode(cluster, node -> !node.isBanned(address)), 1_000, "its unban everywhere");

            assertTrue(cluster.node(3).ban(address), "re-ban at the fast node");
            cluster.runUntil(() -> everyNode(cluster, node -> node.isBanned(address)), 1_000, "the re-ban everywhere");
            cluster.runForMillis(20_000, 10);
            assertTrue(cluster.node(2).unban(address), "unban at the slow node 20 s later, 20 min earlier by the clocks");
            cluster.runForMillis(2_000, 1);

            assertTrue(everyNode(cluster, node -> !node.isBanned(address)), "the unban wins everywhere");
            assertEverySameDecision(cluster, address, 2);
        }
    }

    @Test
    void heartbeatsShowEachSkewedPeersOffsetAndWarnOncePerCrossing() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, skewed()))
        {
            allUp(cluster);
            cluster.runForMillis(1_000);

            final Map<Integer, Map<Integer, Long>> expected = Map.of(
                1, Map.of(2, SLOW, 3, FAST),
                2, Map.of(1, -SLOW, 3, FAST - SLOW),
                3, Map.of(1, -FAST, 2, SLOW - FAST));
            for (final int id : cluster.nodeIds())
            {
                final EngineNode node = cluster.node(id);
                final Map<Integer, Long> gauges = offsetGauges(node);
                for (final Map.Entry<Integer, Long> peer : expected.get(id).entrySet())
                {
                    final long offset = node.peer(peer.getKey()).clock().offsetMillis();
                    // Heartbeats take about 1 ms on the in-memory network, half the round trip is added back.
                    assertTrue(Math.abs(offset - peer.getValue()) <= 2, "node " + id + " sees node " + peer.getKey() + " off by " + offset);
                    assertEquals(offset, gauges.get(peer.getKey()), "published as peer " + peer.getKey() + "'s clock_offset_ms");
                    assertTrue(node.peer(peer.getKey()).clock().isWarned());
                }
                assertEquals(2, node.counters.clockWarnings.get(), "node " + id + ": one warning per skewed peer, not per heartbeat");
            }
            assertTrue(cluster.node(1).counters.heartbeatsReceived.get() > 10);
        }
    }

    @Test
    void aPeersClockWithinTheBoundRaisesNoWarning() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED,
            new EngineCluster.Settings().clockOffset(2, 20_000).clockWarning(30_000)))
        {
            allUp(cluster);
            cluster.runForMillis(1_000);
            assertTrue(Math.abs(cluster.node(1).peer(2).clock().offsetMillis() - 20_000) <= 2);
            assertTrue(everyNode(cluster, node -> node.counters.clockWarnings.get() == 0), "20 s is within 30 s");
        }
    }

    @Test
    void aHeartbeatClockBeyondTheSkewIsNotTakenWhileOneWithinItIs() throws Exception
    {
        final EngineCluster.Settings settings = new EngineCluster.Settings();
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            allUp(cluster);
            final long now = one.timeMillis();

            three.heartbeatAt(new int[0], 0, now, HybridLogicalClock.of(now + 10L * 365 * 86_400_000L)).sendTo(one);
            three.heartbeatAt(new int[0], 0, now, Long.MAX_VALUE).sendTo(one);
            three.heartbeatAt(new int[0], 0, now, HybridLogicalClock.of(now + 3_600_000L)).sendTo(one);
            cluster.step();
            assertEquals(3, one.counters.clockRefusedFutureHlc.get(), "all refused and counted, an hour ahead too");
            assertTrue(one.ban("198.51.100.4"));
            final long version = one.stored("198.51.100.4").version();
            assertTrue(version < HybridLogicalClock.of(one.timeMillis() + 1), "the node's clock stayed near its own: " + version);

            final long withinTheSkew = HybridLogicalClock.of(now + settings.maxClockSkewMillis - 1_000);
            three.heartbeatAt(new int[0], 0, now, withinTheSkew).sendTo(one);
            cluster.step();
            assertEquals(3, one.counters.clockRefusedFutureHlc.get());
            assertTrue(one.ban("198.51.100.5"));
            assertTrue(one.stored("198.51.100.5").version() > withinTheSkew, "within the skew is taken, so later decisions order after it");
        }
    }

    /** Every node holds the same decision for the address, from {@code origin}, with one version. */
    private static void assertEverySameDecision(final EngineCluster cluster, final String address, final int origin)
    {
        final Ban first = cluster.node(1).stored(address);
        assertNotNull(first);
        for (final int id : cluster.nodeIds())
        {
            final Ban held = cluster.node(id).stored(address);
            assertEquals(List.of(first.action(), origin, first.version()), List.of(held.action(), held.originNodeId(), held.version()),
                "node " + id + " holds " + held);
        }
        assertFalse(first.version() == 0);
    }

    /** The per-peer {@code clock_offset_ms} gauges in the node's status counters, by peer id. */
    private static Map<Integer, Long> offsetGauges(final EngineNode node)
    {
        final Map<Integer, Long> gauges = new HashMap<>();
        node.counters.manager().forEach((counterId, typeId, key, label) ->
        {
            if (typeId == NodeCounters.PEER_COUNTER_TYPE_ID && key.getInt(4) == Peer.CLOCK_OFFSET_MS_ID)
            {
                gauges.put(key.getInt(0), node.counters.manager().getCounterValue(counterId));
            }
        });
        return gauges;
    }
}
