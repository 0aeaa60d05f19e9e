package io.blocksync.daemon.node;

import io.blocksync.codec.FrameType;
import io.blocksync.codec.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.blocksync.daemon.node.EngineCluster.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole nodes of the protocol engine on a manual clock and a seeded in-memory network: liveness, SYNC catch-up of
 * a gap, re-acknowledgement of a replayed batch, and convergence under seeded loss, duplication and reordering.
 * A failure names its seed; the same seed replays the same run.
 */
class ProtocolEngineTest
{
    private static final long SEED = 20_261_130L;

    @TempDir
    Path dir;

    @Test
    void aSilentPeerGoesSuspectThenDownAndIsUpAgainOnceHeard() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final Peer two = cluster.node(1).peer(2);
            cluster.runUntil(() -> two.state() == Peer.STATE_UP && cluster.node(2).peer(1).state() == Peer.STATE_UP,
                1_000, "both peers up");
            cluster.runForMillis(500);

            final var address2 = cluster.node(2).address;
            cluster.network().filter((from, to, type, frame) -> from.equals(address2) || to.equals(address2));
            final long lastHeard = two.liveness().lastHeardNanos();
            final List<Integer> states = new ArrayList<>();
            final List<Long> silentFor = new ArrayList<>();
            while (two.state() != Peer.STATE_DOWN)
            {
                final int before = two.state();
                cluster.step();
                if (two.state() != before)
                {
                    states.add(two.state());
                    silentFor.add(cluster.nowNanos() - lastHeard);
                }
                assertTrue(cluster.nowNanos() - lastHeard < 2_000 * MS, "still " + Peer.stateName(two.state()) + " after 2 s");
            }
            assertEquals(List.of(Peer.STATE_SUSPECT, Peer.STATE_DOWN), states);
            assertTrue(silentFor.get(0) >= 300 * MS && silentFor.get(0) <= 400 * MS,
                "suspect after 300 ms of silence, at the next check: " + silentFor.get(0) / MS + " ms");
            assertTrue(silentFor.get(1) >= 1_000 * MS && silentFor.get(1) <= 1_100 * MS,
                "down after 1000 ms of silence, at the next check: " + silentFor.get(1) / MS + " ms");

            cluster.network().filter((from, to, type, frame) -> false);
            final long tookMillis = cluster.runUntil(() -> two.state() == Peer.STATE_UP, 1_000, "up again");
            assertTrue(tookMillis <= 102, "up with the next heartbeat heard, took " + tookMillis + " ms");
            assertEquals(Peer.STATE_UP, two.publishedState(), "published to the status counters");
        }
    }

    @Test
    void aPeerThatMissedBatchesNoLongerRetainedCatchesUpBySync() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings().sendWindow(4)))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP, 1_000, "node 2 up");

            cluster.network().filter((from, to, type, frame) -> from.equals(two.address) || to.equals(two.address));
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_DOWN, 2_000, "node 2 down");
            // A fresh node's stream and decisions start in an epoch from its clock, not at 1.
            final long first = one.context.retained().next();
            final long lastBefore = one.progress().lastOriginSequence();
            for (int i = 1; i <= 40; i++)
            {
                assertTrue(one.ban("198.51.100." + i));
                cluster.step();
            }
            assertEquals(first + 40, one.context.retained().next(), "40 batches sealed");
            assertEquals(first + 36, one.context.retained().oldest(), "the ring of 4 holds only the last ones");

            cluster.network().filter((from, to, type, frame) -> false);
            cluster.runUntil(() -> two.storeSize() == 40, 5_000, "node 2 holds all 40 bans");
            for (int i = 1; i <= 40; i++)
            {
                assertTrue(two.isBanned("198.51.100." + i), "198.51.100." + i);
            }
            assertTrue(two.counters.streamGapsSkipped.get() >= 1, "node 2 skipped the batches node 1 no longer held");
            assertTrue(one.counters.syncFramesSent.get() >= 1, "node 1 sent SYNC");
            assertTrue(two.counters.syncFramesReceived.get() >= 1, "node 2 took SYNC");
            assertEquals(lastBefore + 40, two.highWater(1), "node 2 holds every decision of node 1, without a gap");
            cluster.runUntil(() -> one.peer(2).window().ackedCumulative() == first + 39, 2_000, "node 1's stream acked");
        }
    }

    @Test
    void aRetransmissionOfATakenBatchHasAFreshPacketSequenceAndIsAcknowledgedAgain() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "up");

            // Every ACK is lost until node 1 resends (node 2 repeats its ACK at node 1's heartbeats, so losing one is
            // not enough to make node 1 resend).
            final int[] acksLost = { 0 };
            cluster.network().filter((from, to, type, frame) ->
                type == FrameType.ACK && from.equals(two.address) && one.counters.retransmits.get() == 0 && ++acksLost[0] > 0);
            final long acksBefore = two.counters.acksSent.get();
            final long batch = one.context.retained().next();
            assertTrue(one.ban("198.51.100.7"));
            cluster.runUntil(() -> two.isBanned("198.51.100.7"), 100, "node 2 took the ban");
            cluster.runUntil(() -> one.peer(2).window().ackedCumulative() == batch, 1_000, "node 1's batch acknowledged");

            assertTrue(acksLost[0] >= 1, "node 2's acks were lost until the retransmission");
            assertEquals(1, one.counters.retransmits.get(), "node 1 retransmitted once, after its timeout");
            assertEquals(0, two.counters.rejected[RejectReason.REPLAY].get() + two.counters.rejected[RejectReason.TOO_OLD].get(),
                "the retransmission is a new datagram, not a replay");
            assertTrue(two.counters.recordsDuplicate.get() >= 1, "node 2 knew its stream sequence: a duplicate");
            assertTrue(two.counters.acksSent.get() > acksBefore + acksLost[0], "and acknowledged it again");
            assertEquals(1, two.counters.bansApplied.get(), "applied once");

            cluster.runForMillis(3_000);
            assertEquals(1, one.counters.retransmits.get(), "nothing more to resend");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 7, 42, 1_000_003, SEED })
    void threeNodesConvergeUnderSeededLossDuplicationAndReordering(final long seed) throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, seed, new EngineCluster.Settings()))
        {
            cluster.network().loss(0.2, 0.05).latency(2 * MS, 8 * MS);
            for (int k = 0; k < 150; k++)
            {
                final int nodeId = k % 3 + 1;
                assertTrue(cluster.node(nodeId).ban(address(nodeId, k / 3 + 1)), "seed " + seed);
                cluster.step();
            }
            cluster.runUntil(() -> cluster.node(1).storeSize() == 150 && cluster.node(2).storeSize() == 150 &&
                cluster.node(3).storeSize() == 150, 60_000, "every node holds every ban");

            long retransmits = 0;
            for (int nodeId = 1; nodeId <= 3; nodeId++)
            {
                for (int origin = 1; origin <= 3; origin++)
                {
                    for (int i = 1; i <= 50; i++)
                    {
                        assertTrue(cluster.node(nodeId).isBanned(address(origin, i)),
                            "seed " + seed + ": node " + nodeId + " lacks " + address(origin, i));
                    }
                }
                retransmits += cluster.node(nodeId).counters.retransmits.get();
            }
            assertTrue(retransmits > 0, "seed " + seed + ": the loss was made good by retransmission");
        }
    }

    @Test
    void theSameSeedReplaysTheSameRun() throws Exception
    {
        assertEquals(lossyRun(dir.resolve("a")), lossyRun(dir.resolve("b")), "seed " + SEED);
    }

    private static List<InMemoryNetwork.Sent> lossyRun(final Path runDir) throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(runDir, 3, SEED, new EngineCluster.Settings()))
        {
            cluster.network().loss(0.3, 0.1).latency(2 * MS, 8 * MS);
            for (int k = 0; k < 30; k++)
            {
                cluster.node(k % 3 + 1).ban(address(k % 3 + 1, k / 3 + 1));
                cluster.step();
            }
            cluster.runForMillis(2_000);
            return new ArrayList<>(cluster.network().sent());
        }
    }

    private static String address(final int origin, final int index)
    {
        return "198.18." + origin + "." + index;
    }
}
