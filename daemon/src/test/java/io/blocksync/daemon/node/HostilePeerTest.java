package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.FrameType;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.SyncFrameFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

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
            // Each fresh node tells its peers by an empty SYNC that its new epoch has nothing below it; let that pass.
            cluster.runUntil(() -> two.highWater(1) == one.highWater(1), 1_000, "node 1's epoch known at node 2");
            cluster.runForMillis(300);
            final long syncSentBefore = one.counters.syncFramesSent.get();
            final long syncReceivedBefore = one.counters.syncFramesReceived.get();

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
            assertEquals(frames, one.counters.syncFramesReceived.get() - syncReceivedBefore);
            assertTrue(allocated < 64 * 1024, "sealing and receiving 1.09 M frames (the test's loop too) allocated " + allocated + " bytes");
            final HighWaterMarks marks = one.context.highWater();
            assertEquals(3, marks.count(), "only the configured origins are tracked");
            assertEquals(-1, marks.indexOf(1_000_000));
            assertEquals(0, one.progress().slotNodeId(3), "no made-up origin took a slot in progress.dat");

            // Nothing of them is advertised or relayed, and honest bans still flow at once.
            cluster.runForMillis(500);
            assertEquals(0, two.counters.heartbeatEntriesUnknownOrigin.get(), "node 1's heartbeats name only real origins");
            assertEquals(syncSentBefore, one.counters.syncFramesSent.get(), "no catch-up scan for a made-up origin");
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

    /**
     * Issue 9, case 1: 250 SYNC frames (~300 KB), each for a new made-up origin, then heartbeats naming those origins
     * made every heartbeat scan the store once per fake origin, stalled the node and were relayed. Now they are
     * dropped, catch-up reads nothing for them, and honest bans flow as fast as before.
     */
    @Test
    void syncFramesForTwoHundredFiftyMadeUpOriginsThenHeartbeatsCostNoCatchUpWork() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final EngineNode nodeThree = cluster.node(3);
            final HostilePeer three = new HostilePeer(nodeThree);
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "all up");
            banMany(one, "100.64", 500);
            banMany(two, "100.65", 500);
            cluster.runUntil(() -> allHold(cluster, 1, 500) && allHold(cluster, 2, 500), 10_000, "every ban everywhere");
            final long quiet = Math.max(latency(cluster, two, one, "198.51.100.1"), latency(cluster, one, two, "198.51.100.2"));

            final long now = cluster.epochClock().time();
            final int fakeOrigins = 250;
            int bytes = 0;
            for (int fake = 0; fake < fakeOrigins; fake++)
            {
                final Ban[] records = new Ban[SyncFrameFlyweight.MAX_RECORDS];
                for (int i = 0; i < records.length; i++)
                {
                    final String prefix = "2001:db8:" + Integer.toHexString(fake) + ":" + Integer.toHexString(i) + "::/64";
                    records[i] = record(BanAction.BAN, prefix, 1_000 + fake, i + 1, now);
                }
                three.sync(1_000 + fake, 0, records.length, records).sendTo(one);
                bytes += three.length();
            }
            assertTrue(bytes > 250_000, "about 300 KB of SYNC: " + bytes);
            cluster.step();
            assertEquals(fakeOrigins, one.counters.syncFramesUnknownOrigin.get(), "every frame dropped whole");

            // Ten seconds of heartbeats at 100/s, each naming 60 of the made-up origins, half claiming to hold nothing
            // of them, half claiming to be far ahead; the real origins at node 3's true marks.
            final Snapshot before = new Snapshot(one);
            final int fakesPerHeartbeat = 60;
            final int[] origins = new int[3 + fakesPerHeartbeat];
            final long[] marks = new long[origins.length];
            final List<Timed> timed = new ArrayList<>();
            int hostile = 0;
            for (int ms = 0; ms < 10_000; ms++)
            {
                if (ms % 10 == 0)
                {
                    for (int origin = 1; origin <= 3; origin++)
                    {
                        origins[origin - 1] = origin;
                        marks[origin - 1] = nodeThree.highWater(origin);
                    }
                    for (int i = 0; i < fakesPerHeartbeat; i++)
                    {
                        origins[3 + i] = 1_000 + (hostile * fakesPerHeartbeat + i) % fakeOrigins;
                        marks[3 + i] = hostile % 2 == 0 ? 0 : 1_000_000;
                    }
                    three.heartbeat(origins, marks, cluster.epochClock().time()).sendTo(one);
                    hostile++;
                }
                if (ms % 5_000 == 2_500)
                {
                    timed.add(Timed.start(cluster, two, one, "198.51.100." + (10 + ms / 5_000)));
                    timed.add(Timed.start(cluster, one, two, "198.51.100." + (20 + ms / 5_000)));
                }
                cluster.step();
                timed.forEach(ban -> ban.check(cluster));
            }

            assertEquals((long)hostile * fakesPerHeartbeat, one.counters.heartbeatEntriesUnknownOrigin.get(),
                "every made-up entry counted and ignored");
            assertEquals(0, one.counters.catchUpRecordsRead.get() - before.recordsRead, "catch-up read nothing for them");
            assertEquals(0, one.counters.syncFramesSent.get() - before.syncFramesSent, "and sent nothing");
            assertEquals(100, one.counters.heartbeatsSent.get() - before.heartbeatsSent, "node 1 kept its heartbeat schedule");
            assertEquals(3, one.context.highWater().count());
            assertEquals(0, one.progress().slotNodeId(3), "no made-up origin took a slot in progress.dat");
            assertEquals(1_006, one.storeSize(), "the 1,000 real bans and the six timed ones; none of the 5,000 fake records");
            assertEquals(0, two.counters.heartbeatEntriesUnknownOrigin.get() + two.counters.syncFramesUnknownOrigin.get(),
                "node 1 relayed none of them to node 2");
            assertEquals(1_006, two.storeSize());
            for (final Timed ban : timed)
            {
                assertTrue(ban.took >= 0 && ban.took <= 2 * quiet, ban + " within twice the quiet " + quiet + " ms");
            }
        }
    }

    /**
     * Issue 9, case 1: 100 HEARTBEATs a second that claim to hold nothing made each one a full catch-up of the store.
     * Now node 1 evaluates one heartbeat of node 3's per interval, sends it at most {@link CatchUp#FRAMES_PER_INTERVAL}
     * SYNC frames per interval, and offers the same range again only after it had time to arrive, waiting longer each
     * time node 3 took none of it; of node 1's own origin it offers nothing node 3 acknowledged (issue 13,
     * OwnCatchUpLimit). Honest bans take no longer than in the quiet.
     */
    @Test
    void aPeerFloodingHeartbeatsThatClaimToHoldNothingGetsBoundedCatchUp() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final EngineNode nodeThree = cluster.node(3);
            final HostilePeer three = new HostilePeer(nodeThree);
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "all up");
            // 150 frames of origin 1: more than one interval's budget.
            banMany(one, "100.64", 3_000);
            banMany(two, "100.65", 1_000);
            cluster.runUntil(() -> allHold(cluster, 1, 3_000) && allHold(cluster, 2, 1_000), 10_000, "every ban everywhere");
            cluster.runForMillis(1_000);
            final long quiet = Math.max(latency(cluster, two, one, "198.51.100.1"), latency(cluster, one, two, "198.51.100.2"));

            // From now on node 3 only lies: its own loop's true heartbeats to node 1 are lost on the way.
            final HeartbeatFrameFlyweight seen = new HeartbeatFrameFlyweight();
            cluster.network().filter((from, to, type, frame) -> type == FrameType.HEARTBEAT && from.equals(nodeThree.address) &&
                to.equals(one.address) && claimsAnything(seen.wrap(frame, 0)));
            final Snapshot before = new Snapshot(one);
            final long floodStartNanos = cluster.nowNanos();
            final int[] origins = { 1, 2, 3 };
            final long[] nothing = { 0, 0, 0 };
            final List<Timed> timed = new ArrayList<>();
            int hostile = 0;
            for (int ms = 0; ms < 60_000; ms++)
            {
                if (ms % 10 == 0)
                {
                    three.heartbeat(origins, nothing, cluster.epochClock().time()).sendTo(one);
                    hostile++;
                }
                if (ms % 5_000 == 2_500)
                {
                    timed.add(Timed.start(cluster, two, one, "198.51.100." + (10 + ms / 5_000)));
                    timed.add(Timed.start(cluster, one, two, "198.51.100." + (30 + ms / 5_000)));
                }
                cluster.step();
                timed.forEach(ban -> ban.check(cluster));
            }

            // One evaluation per interval: of node 3's 6,000 heartbeats, one per 100 ms.
            final long intervalNanos = cluster.settings().heartbeatIntervalNanos;
            final long evaluated = hostile - (one.counters.catchUpHeartbeatsSkipped.get() - before.heartbeatsSkipped);
            assertEquals(6_000, hostile);
            // The first hostile heartbeat may fall inside the interval of the last true one evaluated.
            assertTrue(evaluated == 599 || evaluated == 600, "heartbeats evaluated in 600 intervals: " + evaluated);

            // The frame budget per interval, and the frames sent only at evaluations at least an interval apart.
            final TreeMap<Long, Integer> framesAt = new TreeMap<>();
            for (final InMemoryNetwork.Sent sent : cluster.network().sent())
            {
                if (sent.type() == FrameType.SYNC && sent.from().equals(one.address) && sent.to().equals(nodeThree.address) &&
                    sent.atNanos() >= floodStartNanos)
                {
                    framesAt.merge(sent.atNanos(), 1, Integer::sum);
                }
            }
            final long frames = framesAt.values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(frames, one.counters.syncFramesSent.get() - before.syncFramesSent, "all of node 1's SYNC went to node 3");
            // Node 1's own 3,000 records are not offered again: node 3 acknowledged the batches that carried them, so its
            // claim to hold nothing of origin 1 gets the empty range below them alone (OwnCatchUpLimit). Origin 2's
            // 1,000 (143 frames) are relayed once node 3 looks stalled on them, and fill one interval's budget.
            assertTrue(one.counters.catchUpRangesInStream.get() > 0, "node 1's own acknowledged records were not offered again");
            final long fullBurst = framesAt.entrySet().stream().filter(e -> e.getValue() == CatchUp.FRAMES_PER_INTERVAL)
                .map(java.util.Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no offer filled one interval's budget: " + framesAt));
            assertTrue(framesAt.values().stream().allMatch(count -> count <= CatchUp.FRAMES_PER_INTERVAL), "budget per interval: " + framesAt);
            Long previous = null;
            for (final long at : framesAt.keySet())
            {
                assertTrue(null == previous || at - previous >= intervalNanos, "SYNC bursts an interval apart at least: " + framesAt.keySet());
                previous = at;
            }
            assertTrue(one.counters.syncFrameBudgetExhausted.get() - before.budgetExhausted >= 1, "the budget ran out and the rest followed");
            assertEquals(fullBurst + intervalNanos, framesAt.higherKey(fullBurst), "the rest of that offer at the next evaluation");

            // A full offer is 3,000 records of origin 1 and 1,000 of origin 2 in frames of MAX_RECORDS, offered again only
            // after 3, 6, 12 and then every 24 intervals: under 30 offers in 600 intervals, where each of the 6,000
            // heartbeats used to send up to 128 frames per origin after a scan of the whole store.
            final long fullOffer = 3_000 / SyncFrameFlyweight.MAX_RECORDS + 1_000 / SyncFrameFlyweight.MAX_RECORDS + 10;
            System.out.println("heartbeat flood: " + frames + " SYNC frames in " + framesAt.size() + " bursts, " +
                (one.counters.catchUpRecordsRead.get() - before.recordsRead) + " records read, " +
                (one.counters.catchUpRangesWithheld.get() - before.rangesWithheld) + " ranges withheld, quiet latency " + quiet + " ms");
            assertTrue(frames <= 30 * fullOffer, frames + " SYNC frames to node 3 in a minute");
            final long recordsRead = one.counters.catchUpRecordsRead.get() - before.recordsRead;
            assertTrue(recordsRead >= 1_000 && recordsRead <= (long)SyncFrameFlyweight.MAX_RECORDS * frames,
                recordsRead + " records read for " + frames + " frames");
            assertTrue(one.counters.catchUpRangesWithheld.get() - before.rangesWithheld > 100, "offers held back while on their way");

            for (final Timed ban : timed)
            {
                assertTrue(ban.took >= 0 && ban.took <= 2 * quiet, ban + " within twice the quiet " + quiet + " ms");
            }
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
            assertEquals(one.progress().lastOriginSequence(), one.highWater(1), "node 1's own mark is its own");
            assertTrue(one.highWater(1) > 3, "and above the forged sequences");
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
            final Ban atTwo = two.stored("198.51.100.8");
            assertEquals(atTwo.appliedAtMillis() + 3_600_000, atTwo.expiresAtMillis(), "node 2 holds it an hour from when it took it");
            assertTrue(atTwo.appliedAtMillis() - bannedAt < 100, "which was within the 100 ms it took to arrive");
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
            // Two frames: a SYNC holds at most 7 records (SyncFrameFlyweight.MAX_RECORDS).
            three.sync(3, 0, 7, java.util.Arrays.copyOfRange(shortBans, 0, 7)).sendTo(one);
            three.sync(3, 7, shortBans.length, java.util.Arrays.copyOfRange(shortBans, 7, shortBans.length)).sendTo(one);
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

    /** {@code count} operator bans on one node, {@code prefix}.x.y addresses. */
    private static void banMany(final EngineNode node, final String prefix, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            assertTrue(node.ban(prefix + "." + (i / 256) + "." + (i % 256)));
        }
    }

    /** Whether every node holds {@code origin}'s decisions through {@code sequence}. */
    private static boolean allHold(final EngineCluster cluster, final int origin, final long sequence)
    {
        return cluster.nodeIds().stream().allMatch(id -> cluster.node(id).highWater(origin) >= sequence);
    }

    private static boolean claimsAnything(final HeartbeatFrameFlyweight heartbeat)
    {
        if (heartbeat.digest() != 0)
        {
            // Node 3's loop states its list's digest (in step, with an empty page); the hostile heartbeats state 0.
            return true;
        }
        for (int i = 0; i < heartbeat.entryCount(); i++)
        {
            if (heartbeat.entryHighWater(i) != 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Simulated milliseconds from a ban on one node to its presence on another. */
    private static long latency(final EngineCluster cluster, final EngineNode from, final EngineNode to, final String address)
        throws Exception
    {
        final Timed ban = Timed.start(cluster, from, to, address);
        while (ban.took < 0)
        {
            assertTrue(cluster.nowNanos() - ban.startedNanos < 10_000 * EngineCluster.MS, ban + " within 10 s");
            cluster.step();
            ban.check(cluster);
        }
        return ban.took;
    }

    /** One honest ban on its way from one node to another, timed in simulated milliseconds. */
    private static final class Timed
    {
        private final EngineNode to;
        private final String address;
        private final long startedNanos;
        private long took = -1;

        private Timed(final EngineNode to, final String address, final long startedNanos)
        {
            this.to = to;
            this.address = address;
            this.startedNanos = startedNanos;
        }

        static Timed start(final EngineCluster cluster, final EngineNode from, final EngineNode to, final String address)
        {
            assertTrue(from.ban(address));
            return new Timed(to, address, cluster.nowNanos());
        }

        void check(final EngineCluster cluster)
        {
            if (took < 0 && to.isBanned(address))
            {
                took = (cluster.nowNanos() - startedNanos) / EngineCluster.MS;
            }
        }

        public String toString()
        {
            return address + " at node " + to.nodeId + " took " + took + " ms";
        }
    }

    /** Node counters before a flood, to assert what it changed. */
    private static final class Snapshot
    {
        final long recordsRead;
        final long syncFramesSent;
        final long heartbeatsSent;
        final long heartbeatsSkipped;
        final long budgetExhausted;
        final long rangesWithheld;

        Snapshot(final EngineNode node)
        {
            recordsRead = node.counters.catchUpRecordsRead.get();
            syncFramesSent = node.counters.syncFramesSent.get();
            heartbeatsSent = node.counters.heartbeatsSent.get();
            heartbeatsSkipped = node.counters.catchUpHeartbeatsSkipped.get();
            budgetExhausted = node.counters.syncFrameBudgetExhausted.get();
            rangesWithheld = node.counters.catchUpRangesWithheld.get();
        }
    }
}
