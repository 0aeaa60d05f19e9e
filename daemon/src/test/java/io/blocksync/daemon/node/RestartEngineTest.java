package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameType;
import io.blocksync.codec.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restarts keep their promises (issue 9, case 7), on the engine's manual clock and its real state files: a node that
 * restarts still refuses what it took before and still takes what it never got; a node that lost its state dir
 * starts a new epoch that its peers recognise, and is heard and caught up instead of muted.
 */
class RestartEngineTest
{
    private static final long SEED = 20_261_130L;

    @TempDir
    Path dir;

    @Test
    void aCapturedDatagramIsRefusedAfterTheReceiverRestartsAndOneLostBeforeItIsTaken() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && cluster.node(2).peer(1).state() == Peer.STATE_UP, 1_000, "up");

            // The attacker on the path copies node 1's BATCH datagrams to node 2; the one with stream sequence `lost`
            // never arrives (nor does any retransmission of it) before node 2 restarts.
            final long lost = one.context.retained().next() + 1;
            final byte[][] captured = new byte[3][];
            final BatchFrameFlyweight batch = new BatchFrameFlyweight();
            cluster.network().filter((from, to, type, frame) ->
            {
                if (type != FrameType.BATCH || !from.equals(one.address))
                {
                    return false;
                }
                final long sequence = batch.wrap(new UnsafeBuffer(frame, 0, frame.capacity()), 0).streamSequence();
                final int index = (int)(sequence - lost + 1);
                if (index >= 0 && index < captured.length && null == captured[index])
                {
                    captured[index] = new byte[frame.capacity()];
                    frame.getBytes(0, captured[index]);
                }
                return sequence == lost;
            });
            final EngineNode before = cluster.node(2);
            assertTrue(one.ban("198.51.100.1"));
            cluster.runUntil(() -> before.isBanned("198.51.100.1"), 50, "the first arrived");
            assertTrue(one.ban("198.51.100.2"));
            cluster.step();
            assertTrue(one.ban("198.51.100.3"));
            cluster.runUntil(() -> before.isBanned("198.51.100.3"), 50, "the third arrived");
            assertFalse(before.isBanned("198.51.100.2"), "the second was lost on the way");
            final long highestBefore = before.context.verifier().link(1).replayWindow().highest();

            final EngineNode two = cluster.restart(2, false);
            assertEquals(highestBefore, two.context.verifier().link(1).replayWindow().highest(), "the window came back");
            inject(two, captured[0], cluster);
            inject(two, captured[2], cluster);
            assertEquals(2, two.counters.rejected[RejectReason.REPLAY].get(), "both captures taken before the restart refused");
            assertEquals(0, two.counters.bansApplied.get() + two.counters.recordsDuplicate.get(), "and not even read");

            inject(two, captured[1], cluster);
            assertTrue(two.isBanned("198.51.100.2"), "the datagram lost before the restart is taken after it");
            assertEquals(1, two.counters.bansApplied.get());
            assertEquals(2, two.counters.rejected[RejectReason.REPLAY].get() + two.counters.rejected[RejectReason.TOO_OLD].get());

            cluster.network().filter((from, to, type, frame) -> false);
            final long last = one.context.retained().next() - 1;
            cluster.runUntil(() -> one.peer(2).window().ackedCumulative() == last, 2_000, "node 1's stream acknowledged by node 2");
            assertTrue(Files.exists(two.stateDir.resolve(ReplayWindows.FILE_NAME)));
        }
    }

    @Test
    void aNodeThatLostItsStateIsHeardAtOnceAndCaughtUp() throws Exception
    {
        final EngineCluster.Settings settings = new EngineCluster.Settings();
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, settings))
        {
            cluster.runUntil(() -> cluster.node(1).peer(3).state() == Peer.STATE_UP && cluster.node(3).peer(2).state() == Peer.STATE_UP,
                1_000, "all up");
            for (int id = 1; id <= 3; id++)
            {
                for (int i = 1; i <= 5; i++)
                {
                    assertTrue(cluster.node(id).ban("198.51.10" + id + "." + i));
                }
            }
            cluster.runUntil(() -> cluster.node(1).storeSize() == 15 && cluster.node(2).storeSize() == 15 &&
                cluster.node(3).storeSize() == 15, 1_000, "every ban on every node");
            cluster.runForMillis(500);
            final long oldMark = cluster.node(2).highWater(1);
            final long oldStream = cluster.node(2).peer(1).stream().cumulative();

            // Node 1's disk dies: it comes back with an empty state directory.
            final EngineNode one = cluster.restart(1, true);
            assertTrue(one.progress().newEpoch(), "node 1 starts a new epoch");
            assertEquals(0, one.storeSize());
            assertTrue(one.context.retained().next() > oldStream + StreamReceiveState.EPOCH_JUMP, "its stream jumps ahead");
            assertTrue(one.progress().lastOriginSequence() > oldMark, "and so do its decisions");

            // Its next ban reaches every peer by its stream at once, not as a "duplicate".
            cluster.step();
            assertTrue(one.ban("203.0.113.9"));
            final long took = cluster.runUntil(() -> cluster.node(2).isBanned("203.0.113.9") && cluster.node(3).isBanned("203.0.113.9"),
                1_000, "node 1's new ban on nodes 2 and 3");
            assertTrue(took < settings.heartbeatIntervalNanos / EngineCluster.MS, "by the stream, before any catch-up: " + took + " ms");
            for (int id = 2; id <= 3; id++)
            {
                final EngineNode peer = cluster.node(id);
                final Ban held = peer.stored("203.0.113.9");
                assertNotNull(held);
                assertEquals(1, held.originNodeId());
                assertEquals(one.progress().lastOriginSequence(), held.originSequence());
                assertEquals(1, peer.counters.peerStreamEpochs.get(), "node " + id + " saw node 1's new epoch");
                assertEquals(one.context.retained().next() - 1, peer.peer(1).stream().cumulative(), "node " + id + " holds node 1's stream");
                assertTrue(peer.isBanned("198.51.101.1"), "node " + id + " keeps node 1's bans from before");
            }

            // Node 1 gets everyone else's bans back, and the peers' marks for node 1 close over the jump by its SYNC.
            cluster.runUntil(() ->
            {
                for (int i = 1; i <= 5; i++)
                {
                    if (!one.isBanned("198.51.102." + i) || !one.isBanned("198.51.103." + i))
                    {
                        return false;
                    }
                }
                return cluster.node(2).highWater(1) == one.highWater(1) && cluster.node(3).highWater(1) == one.highWater(1);
            }, 2_000, "node 1 caught up, and its peers hold its decisions without a gap");
            assertEquals(cluster.node(2).highWater(2), one.highWater(2));
            assertEquals(cluster.node(3).highWater(3), one.highWater(3));
            assertEquals(0, one.counters.peerStreamEpochs.get(), "node 1 hears its peers for the first time: no epoch of theirs");
            final long lastOfOne = one.context.retained().next() - 1;
            cluster.runUntil(() -> one.peer(2).window().ackedCumulative() == lastOfOne && one.peer(3).window().ackedCumulative() == lastOfOne,
                1_000, "node 1's stream acknowledged");
        }
    }

    private static void inject(final EngineNode node, final byte[] datagram, final EngineCluster cluster)
    {
        node.receiver().onDatagram(new UnsafeBuffer(datagram), datagram.length, cluster.nowNanos(), cluster.epochClock().time());
    }
}
