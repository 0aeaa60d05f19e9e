package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static io.blocksync.daemon.node.HostilePeer.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An authenticated peer that turned hostile, on the protocol engine's manual clock: node 3 of the cluster seals
 * frames by hand with its own key. Each test asserts what the honest nodes still do: only configured origins exist,
 * nobody speaks for the receiving node, time is bounded, and records are charged to the peer that sent them.
 */
class HostilePeerTest
{
    private static final long SEED = 20_261_130L;
    private static final long TEN_YEARS_MILLIS = 10L * 365 * 86_400_000;
    private static final Ban[] NO_RECORDS = new Ban[0];

    @TempDir
    Path dir;

    /** Issue 9, case 2: ~1.1 M empty SYNC frames, each with a fresh made-up origin, once grew a map until the heap was gone. */
    @Test
    void emptySyncFramesForMadeUpOriginsAreDroppedAndCountedAndAllocateNothing() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "all up");

            final int frames = 1_100_000;
            final long nowNanos = cluster.nowNanos();
            final long nowMillis = cluster.epochClock().time();
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 10_000; i++)
            {
                three.sync(1_000_000 + i, 0, 1, NO_RECORDS).inject(one, nowNanos, nowMillis); // warm up the code paths
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 10_000; i < frames; i++)
            {
                three.sync(1_000_000 + i, 0, 1, NO_RECORDS).inject(one, nowNanos, nowMillis);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(frames, one.counters.syncFramesUnknownOrigin.get(), "every frame dropped and counted");
            assertEquals(frames, one.counters.syncFramesReceived.get());
            assertTrue(allocated < 64 * 1024, "sealing and receiving 1.09 M frames (the test's loop too) allocated " + allocated + " bytes");
            final HighWaterMarks marks = one.context.highWater();
            assertEquals(3, marks.count(), "only the configured origins are tracked");
            assertEquals(-1, marks.indexOf(1_000_000));
            assertEquals(0, one.progress().slotNodeId(3), "no made-up origin took a slot in progress.dat");

            // Nothing of them is advertised or relayed, and honest bans still flow at once.
            cluster.runForMillis(500);
            assertEquals(0, two.counters.heartbeatEntriesUnknownOrigin.get(), "node 1's heartbeats name only real origins");
            assertEquals(0, one.counters.syncFramesSent.get(), "no catch-up scan for a made-up origin");
            assertTrue(two.ban("198.51.100.2"));
            final long took = cluster.runUntil(() -> one.isBanned("198.51.100.2"), 1_000, "node 2's ban at node 1");
            assertTrue(took <= 2, "an honest ban arrives with the next datagram: " + took + " ms");
        }
    }

    /** Issue 9, case 1: made-up origins in heartbeats and SYNC ranges are never tracked, persisted or relayed. */
    @Test
    void heartbeatEntriesAndSyncRangesForMadeUpOriginsChangeNoStateAndAreNotRelayed() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP, 1_000, "node 3 up");
            assertTrue(one.ban("198.51.100.1"));
            cluster.runUntil(() -> two.isBanned("198.51.100.1"), 100, "node 1's ban at node 2");

            final long now = cluster.epochClock().time();
            final int[] fakes = new int[BatchFrameFlyweight.MAX_RECORDS];
            for (int round = 0; round < 100; round++)
            {
                for (int i = 0; i < fakes.length; i++)
                {
                    fakes[i] = 500 + round * fakes.length + i;
                }
                three.heartbeat(fakes, 0, now).sendTo(one);
                three.sync(fakes[0], 0, 20, record(BanAction.BAN, "203.0.113." + round, fakes[0], 1, now)).sendTo(one);
                cluster.step();
            }
            assertEquals(100L * fakes.length, one.counters.heartbeatEntriesUnknownOrigin.get());
            assertEquals(100, one.counters.syncFramesUnknownOrigin.get());
            assertEquals(0, one.counters.bansApplied.get() - 1, "only node 1's own ban is held");
            assertFalse(one.isBanned("203.0.113.0"));
            assertEquals(3, one.context.highWater().count());
            assertEquals(0, one.peer(3).catchUp().behindStreak(fakes[0]), "catch-up keeps no state for a made-up origin");

            cluster.runForMillis(500);
            assertEquals(0, two.counters.heartbeatEntriesUnknownOrigin.get() + two.counters.syncFramesUnknownOrigin.get(),
                "node 1 relayed none of them to node 2");
            assertEquals(1, two.storeSize());
        }
    }

    /** Issue 9, case 4 (the receiving node's own id): a peer cannot unban or ban in this node's name. */
    @Test
    void noNodeTakesItsOwnDecisionsFromAPeer() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP, 1_000, "node 3 up");
            assertTrue(one.ban("198.51.100.1"));
            cluster.runUntil(() -> cluster.node(3).isBanned("198.51.100.1"), 100, "node 1's ban at node 3");
            final long now = cluster.epochClock().time();

            // SYNC in node 1's name: lift its operator's ban, add one it never made.
            three.sync(1, 1, 2, record(BanAction.UNBAN, "198.51.100.1", 1, 2, now + 1)).sendTo(one);
            three.sync(1, 2, 3, record(BanAction.BAN, "198.51.100.99", 1, 3, now + 1)).sendTo(one);
            // BATCH as node 1 itself, sealed with the only key node 3 has for node 1's link: its own.
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1200));
            final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(frame, 0, 2);
            batch.appendRecord(BanRecordFlyweight.ACTION_BAN).set(record(BanAction.UNBAN, "198.51.100.1", 1, 2, now + 1));
            final int length = new FrameSigner(1, TestKeys.KEY_ID, Long.MAX_VALUE / 2).stamp(frame, 0, batch.unsealedLength());
            TestKeys.link(3, 1).seal(frame, 0, length);
            cluster.node(3).context.transport().send(frame.byteBuffer().duplicate(), 0, length, one.address);
            cluster.runForMillis(300);

            assertTrue(one.isBanned("198.51.100.1"), "the operator's ban stands");
            assertFalse(one.isBanned("198.51.100.99"), "no ban in node 1's name that node 1 never made");
            assertEquals(2, one.counters.framesOwnOrigin.get(), "both SYNC frames dropped and counted");
            assertEquals(1, one.counters.rejected[RejectReason.UNKNOWN_SENDER].get(), "the BATCH as node 1 never got past the gate");
            assertEquals(1, one.highWater(1), "node 1's own mark is its own");
        }
    }

    /** Issue 9, case 5: far-future times are refused; no expiry reaches beyond now + max-duration. */
    @Test
    void farFutureTimesAreRefusedAndALaterOperatorBanLastsItsHour() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "all up");
            final long now = cluster.epochClock().time();

            final Ban tenYearBan = record(BanAction.BAN, "198.51.100.7", 3, 1, now + TEN_YEARS_MILLIS).durationSeconds(30L * 86_400);
            final Ban tenYearUnban = record(BanAction.UNBAN, "198.51.100.8", 3, 2, now + TEN_YEARS_MILLIS);
            final Ban justWithinSkew = record(BanAction.BAN, "198.51.100.9", 3, 3, now + 240_000).durationSeconds(30L * 86_400);
            for (final EngineNode target : new EngineNode[] { one, two })
            {
                three.sync(3, 0, 3, tenYearBan, tenYearUnban, justWithinSkew).sendTo(target);
            }
            cluster.step();

            assertEquals(2, one.counters.refusedFutureTime.get(), "the ten-year ban and unban refused and counted");
            assertNull(one.stored("198.51.100.7"));
            assertNull(one.stored("198.51.100.8"));
            final Ban withinSkew = one.stored("198.51.100.9");
            assertNotNull(withinSkew, "four minutes ahead is within the five-minute skew");
            assertEquals(cluster.epochClock().time() + EngineNode.MAX_DURATION_SECONDS * 1000, withinSkew.expiresAtMillis(),
                "30 days from node 1's now, not from the stamp four minutes ahead");

            assertTrue(one.ban("198.51.100.8"));
            final long bannedAt = cluster.epochClock().time();
            cluster.runUntil(() -> two.isBanned("198.51.100.8"), 100, "the operator's ban at node 2");
            assertEquals(bannedAt + 3_600_000, one.stored("198.51.100.8").expiresAtMillis(), "an hour, not ten years");
            assertTrue(two.stored("198.51.100.8").expiresAtMillis() <= bannedAt + 3_600_000,
                "node 2 holds it an hour too: " + (two.stored("198.51.100.8").expiresAtMillis() - bannedAt) + " ms");
        }
    }

    /** Issue 9, case 6: claiming many origins in SYNC no longer multiplies a peer's budget. */
    @Test
    void aPeerSpeakingForManyOriginsIsChargedItsOwnBudgetToo() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 5, SEED, new EngineCluster.Settings().originRate(100)))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && one.peer(2).state() == Peer.STATE_UP, 1_000, "up");
            final long now = cluster.epochClock().time();

            // 200 records in origin 4's and origin 5's names in the same instant: twice the one-second budget.
            int address = 0;
            for (final int origin : new int[] { 4, 5 })
            {
                // Signed by their origins (protocol 2): authentic records, relayed by node 3, 5 to a frame.
                final io.blocksync.daemon.table.DecisionSigner signer =
                    new io.blocksync.daemon.table.DecisionSigner(TestKeys.nodeKey(origin));
                for (int frame = 0; frame < 20; frame++)
                {
                    final Ban[] records = new Ban[5];
                    for (int i = 0; i < records.length; i++)
                    {
                        final long sequence = frame * 5L + i + 1;
                        records[i] = record(BanAction.BAN, "2001:db8:" + Integer.toHexString(address++) + "::/64", origin, sequence, now);
                        signer.sign(records[i]);
                    }
                    three.sync(origin, frame * 5L, frame * 5L + 5, records).sendTo(one);
                }
            }
            cluster.step();

            assertEquals(100, one.counters.bansApplied.get(), "one second of node 3's budget, whatever origins it claims");
            assertEquals(100, one.counters.refusedRateLimited.get());

            // An honest peer's budget is its own: its ban arrives at once.
            assertTrue(two.ban("198.51.100.22"));
            final long took = cluster.runUntil(() -> one.isBanned("198.51.100.22"), 1_000, "node 2's ban at node 1");
            assertTrue(took <= 2, "node 2 is not slowed by node 3: " + took + " ms");
        }
    }

    /**
     * Issue 9, case 6: once the store was full, honest bans were acknowledged and dropped. Node 3 fills node 1's room
     * for peers with short bans; node 2's next BATCH finds no room, is not acknowledged, and is taken once expiry has
     * freed room: nothing is lost.
     */
    @Test
    void aBatchThatFindsNoRoomIsNotAcknowledgedAndIsTakenOnceExpiryFreesRoom() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings().store(10, 100)))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && one.peer(2).state() == Peer.STATE_UP, 1_000, "up");
            final long now = cluster.epochClock().time();

            final Ban[] shortBans = new Ban[8];
            for (int i = 0; i < shortBans.length; i++)
            {
                shortBans[i] = record(BanAction.BAN, "203.0.113." + (i + 1), 3, i + 1, now).durationSeconds(3);
            }
            three.sync(3, 0, shortBans.length, shortBans).sendTo(one);
            cluster.step();
            assertEquals(8, one.storeSize());

            assertTrue(two.ban("198.51.100.1"));
            cluster.runUntil(() -> one.isBanned("198.51.100.1"), 100, "node 2's first ban at node 1");
            assertEquals(9, one.storeSize(), "all the room peers may fill");

            assertTrue(two.ban("198.51.100.2"));
            cluster.runForMillis(1_000);
            assertFalse(one.isBanned("198.51.100.2"), "no room: not taken");
            assertTrue(one.counters.framesDeferredNoRoom.get() > 0, "counted");
            assertEquals(0, one.counters.refusedStoreFull.get(), "nothing was half applied or dropped");

            cluster.runUntil(() -> one.isBanned("198.51.100.2"), 10_000, "node 2's second ban, once node 3's expired");
            assertTrue(cluster.epochClock().time() >= now + 3_000, "taken only after expiry freed room");
            assertTrue(one.isBanned("198.51.100.1"));
        }
    }
}
