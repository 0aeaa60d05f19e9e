package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.ReplayWindow;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.table.DecisionSigner;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static io.blocksync.daemon.node.HostilePeer.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, cases 3 and 4, under protocol 2: node 3 of a 4-node cluster turned hostile. It holds its own private key
 * and everyone's public keys, as its config does, and nothing else. It can speak only for itself: datagrams it
 * makes in node 4's name fail node 1's link check, and records it relays in another origin's name are taken only
 * when they carry that origin's own signature, unchanged.
 */
class ImpersonationTest
{
    private static final long SEED = 20_261_131L;

    @TempDir
    Path dir;

    /** Case 3: BATCHes claiming sender 4 are refused at the gate; node 4's real bans then flow and are acknowledged. */
    @Test
    void batchesInAnotherNodesNameAreRefusedAndItsRealBansStillFlow() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 4, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode three = cluster.node(3);
            final EngineNode four = cluster.node(4);
            cluster.runUntil(() -> one.peer(4).state() == Peer.STATE_UP && four.peer(1).state() == Peer.STATE_UP,
                1_000, "nodes 1 and 4 up");

            // Every key node 3 can make for "node 4 -> node 1": its own link to node 1, and a link as node 4 made
            // from its own private key. Stream sequences are the very ones node 4 is about to use.
            final PeerLink ownLink = three.peer(1).link();
            final PeerLink posing = new PeerLink(4, new NodeKey[] { TestKeys.nodeKey(3) }, 1,
                new PeerKey[] { TestKeys.peerKey(1) }, new ReplayWindow());
            final long firstStream = four.context.retained().next();
            final long now = cluster.epochClock().time();
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            final FrameSigner asFour = new FrameSigner(4, TestKeys.KEY_ID, Long.MAX_VALUE / 4);
            int forged = 0;
            for (final PeerLink link : new PeerLink[] { ownLink, posing })
            {
                for (int i = 0; i < 5; i++)
                {
                    final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(frame, 0, firstStream + i);
                    batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
                        .set(record(BanAction.BAN, "203.0.113." + (10 + i), 4, 1 + i, now));
                    final int length = asFour.stamp(frame, 0, batch.unsealedLength());
                    link.seal(frame, 0, length);
                    three.context.transport().send(frame.byteBuffer().duplicate(), 0, length, one.address);
                    forged++;
                }
            }
            cluster.runForMillis(50);

            assertEquals(forged, one.counters.rejected[RejectReason.BAD_TAG].get(), "every forged BATCH failed the tag");
            for (int i = 0; i < 5; i++)
            {
                assertFalse(one.isBanned("203.0.113." + (10 + i)), "no forged ban in node 4's name");
            }
            assertEquals(0, one.highWater(4), "nothing of node 4 was taken");

            // Node 4's own bans, on those same stream sequences, are applied and acknowledged.
            for (int i = 0; i < 5; i++)
            {
                assertTrue(four.ban("198.51.100." + (40 + i)));
                cluster.step();
            }
            cluster.runUntil(() -> four.peer(1).window().ackedCumulative() == four.context.retained().next() - 1,
                2_000, "node 1 acknowledged all of node 4's batches");
            for (int i = 0; i < 5; i++)
            {
                assertTrue(one.isBanned("198.51.100." + (40 + i)), "node 4's real ban " + i + " at node 1");
                assertEquals(4, one.stored("198.51.100." + (40 + i)).originNodeId());
            }
            cluster.runUntil(() -> one.highWater(4) == four.highWater(4), 2_000, "node 1 holds all of node 4's decisions");
            assertEquals(forged, one.counters.rejected[RejectReason.BAD_TAG].get(), "no honest datagram failed");
        }
    }

    /**
     * Case 4: SYNC frames relayed by node 3 with records forged in node 4's name or the receiver's, or with an
     * authentic record of node 4 altered, are refused and counted, and the operator's ban stands; node 4's authentic
     * record relayed unchanged while node 4 cannot reach node 1 is taken.
     */
    @Test
    void relayedRecordsAreTakenOnlyWithTheirOriginsSignatureUnchanged() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 4, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode four = cluster.node(4);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            // Node 4 cannot reach node 1 (down, as node 1 sees it): what node 1 learns of node 4 comes through node 3.
            cluster.network().cut(four.address, one.address);
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && cluster.node(3).peer(4).state() == Peer.STATE_UP,
                1_000, "node 3 up at node 1, node 4 up at node 3");

            assertTrue(one.ban("198.51.100.1"), "the operator's local ban on node 1");
            assertTrue(four.ban("198.51.100.4"));
            assertTrue(four.ban("198.51.100.5"));
            cluster.runUntil(() -> cluster.node(3).isBanned("198.51.100.5"), 100, "node 4's bans at node 3");
            final Ban authentic4 = cluster.node(3).stored("198.51.100.4");
            final Ban authentic5 = cluster.node(3).stored("198.51.100.5");
            assertFalse(one.isBanned("198.51.100.4"), "not yet at node 1: catch-up waits a heartbeat interval");
            final long nowNanos = cluster.nowNanos();
            final long now = cluster.epochClock().time();
            // Node 4's decisions are numbered from its epoch; forged ones take the next number it has not used.
            final long s4 = authentic4.originSequence();
            final long s5 = authentic5.originSequence();
            final long unused = s5 + 1;

            // Forged in node 4's name: unsigned, and signed with node 3's own key under node 4's key id.
            final Ban unsigned = record(BanAction.UNBAN, "198.51.100.1", 4, unused, now);
            final Ban signedByThree = record(BanAction.BAN, "198.51.100.99", 4, unused, now);
            new DecisionSigner(TestKeys.nodeKey(3)).sign(signedByThree);
            // Node 4's authentic ban turned into an unban, everything else as node 4 signed it.
            final Ban altered = new Ban().set(authentic4).action(BanAction.UNBAN).durationSeconds(0);
            three.sync(4, 0, unused, unsigned).inject(one, nowNanos, now);
            three.sync(4, 0, unused, signedByThree).inject(one, nowNanos, now);
            three.sync(4, 0, s4, altered).inject(one, nowNanos, now);
            // One forged record spoils a frame: its authentic neighbour is not taken from it either.
            three.sync(4, 0, unused, authentic4, signedByThree).inject(one, nowNanos, now);
            // In node 1's own name: dropped before any signature is looked at.
            three.sync(1, 1, 2, record(BanAction.UNBAN, "198.51.100.1", 1, 2, now + 1)).inject(one, nowNanos, now);

            assertEquals(4, one.counters.syncFramesBadSignature.get(), "every frame with a bad signature counted");
            assertEquals(1, one.counters.framesOwnOrigin.get(), "the frame in node 1's name counted");
            assertTrue(one.isBanned("198.51.100.1"), "the operator's ban stands");
            assertFalse(one.isBanned("198.51.100.99"), "no ban node 4 never made");
            assertFalse(one.isBanned("198.51.100.4"), "nothing taken from a frame with a forged record");
            assertEquals(0, one.highWater(4), "no range of node 4 marked from a refused frame");

            // Node 4's authentic record relayed unchanged by node 3 is taken, with node 4's signature kept.
            three.sync(4, 0, s5, authentic4, authentic5).inject(one, nowNanos, now);
            assertTrue(one.isBanned("198.51.100.4"));
            assertTrue(one.isBanned("198.51.100.5"));
            final Ban taken = one.stored("198.51.100.4");
            assertNotNull(taken);
            assertEquals(4, taken.originNodeId());
            assertEquals(authentic4.originKeyId(), taken.originKeyId());
            assertTrue(java.util.Arrays.equals(authentic4.signature(), taken.signature()), "the origin's signature kept");
            assertEquals(s5, one.highWater(4));
            assertEquals(4, one.counters.syncFramesBadSignature.get(), "the authentic frame passed");
        }
    }

    /**
     * A relayer cannot speak for another origin's range either: an empty SYNC "for node 4" claiming that nothing more
     * exists up to a huge sequence moves no high water, so node 4's later ban still reaches node 1 through node 2.
     */
    @Test
    void aRelayedEmptyRangeClaimsNothingForItsOrigin() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 4, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode four = cluster.node(4);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.network().cut(four.address, one.address);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && cluster.node(2).peer(4).state() == Peer.STATE_UP,
                1_000, "node 2 up at node 1, node 4 up at node 2");
            final long before = one.highWater(4);

            three.sync(4, before, Long.MAX_VALUE / 2).inject(one, cluster.nowNanos(), cluster.epochClock().time());
            assertEquals(before, one.highWater(4), "an unsigned claim of an empty range moved nothing");

            assertTrue(four.ban("198.51.100.44"));
            cluster.runUntil(() -> one.isBanned("198.51.100.44"), 10_000, "node 4's ban at node 1, relayed by node 2");
            assertEquals(4, one.stored("198.51.100.44").originNodeId());
        }
    }

    /**
     * Forgeries in another origin's name are paid by the peer that sends them, not by the origin: after node 3 relays
     * a full budget of forged records "of node 4", node 4's own next ban is still taken at once.
     */
    @Test
    void forgedRelayedRecordsDoNotSpendTheOriginsBudget() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 4, SEED, new EngineCluster.Settings().originRate(8)))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode four = cluster.node(4);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && one.peer(4).state() == Peer.STATE_UP, 1_000, "up");
            cluster.runForMillis(2_000);
            final long now = cluster.epochClock().time();
            final long next = four.highWater(4) + 1;
            final Ban[] forged = new Ban[SyncFrameFlyweight.MAX_RECORDS];
            for (int i = 0; i < forged.length; i++)
            {
                forged[i] = record(BanAction.BAN, "203.0.113." + (60 + i), 4, next + i, now);
            }
            three.sync(4, next - 1, next + forged.length - 1, forged).inject(one, cluster.nowNanos(), now);
            assertEquals(1, one.counters.syncFramesBadSignature.get(), "the forged frame refused");
            final long refusedBefore = one.counters.refusedRateLimited.get();

            assertTrue(four.ban("198.51.100.46"));
            cluster.runUntil(() -> one.isBanned("198.51.100.46"), 50, "node 4's own ban taken at once");
            assertEquals(refusedBefore, one.counters.refusedRateLimited.get(), "node 4's budget was untouched");
        }
    }

    /** Honest catch-up through a third node: node 4's bans reach node 1, which node 4 cannot reach, via node 3. */
    @Test
    void honestCatchUpRelaysAnOriginsSignedDecisionsThroughAThirdNode() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode three = cluster.node(3);
            cluster.network().cut(three.address, one.address);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && three.peer(2).state() == Peer.STATE_UP, 1_000, "up");

            assertTrue(three.ban("198.51.100.33"));
            cluster.runUntil(() -> one.isBanned("198.51.100.33"), 5_000, "node 3's ban at node 1 through node 2");

            assertEquals(3, one.stored("198.51.100.33").originNodeId());
            assertTrue(one.counters.syncFramesReceived.get() > 0, "it came by catch-up");
            assertEquals(0, one.counters.syncFramesBadSignature.get(), "node 3's signature verified at node 1");
        }
    }
}
