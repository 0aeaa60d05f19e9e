package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.FrameType;
import io.blocksync.codec.SnapshotRequestFlyweight;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static io.blocksync.daemon.node.EngineCluster.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LZ4 snapshots for joining nodes (issue 13; docs/PROTOCOL.md, "Snapshots"), on the engine's manual clock and seeded
 * network: a node restored from an empty state directory next to a node holding many bans catches up completely by
 * snapshot rather than record by record, also through chunk loss and a restart of its own mid-snapshot; a relayed
 * chunk with a record its origin did not sign is dropped and counted.
 */
class SnapshotEngineTest
{
    private static final long SEED = 20_261_130L;

    @TempDir
    Path dir;

    @Test
    void aNodeRestoredEmptyCatchesUpOnOneHundredThousandBansBySnapshot() throws Exception
    {
        final int bans = 100_000;
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings(bans)))
        {
            final EngineNode one = cluster.node(1);
            load(cluster, one, bans);
            final EngineNode two = cluster.restart(2, true);
            final long took = cluster.runUntil(() -> caughtUp(cluster, 2, bans), 120_000, "node 2 caught up by snapshot");
            final EngineNode joined = cluster.node(2);
            System.out.println("snapshot join, " + bans + " bans: " + took + " ms simulated, chunks " +
                one.counters.snapshotChunksSent.get() + ", SYNC frames " + one.counters.syncFramesSent.get() +
                ", records per chunk " + bans / Math.max(1, one.counters.snapshotChunksSent.get()));
            assertTrue(joined.counters.snapshotsCompleted.get() >= 1, "a snapshot completed: " + snapshotCounters(joined));
            assertTrue(one.counters.syncFramesSent.get() < bans / 100,
                "records came by snapshot, not SYNC: " + one.counters.syncFramesSent.get() + " SYNC frames");
            // Chunks still on their way when the session ended (the stream's retained batches brought the last ranges).
            assertTrue(joined.counters.snapshotChunksUnsolicited.get() <= 2 * SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW,
                snapshotCounters(joined));
            assertEquals(bans, two.storeSize());
        }
    }

    @Test
    void theJoinerAcknowledgesWithinADutyCycleSoTheSourceRefillsItsWindowMeanwhile() throws Exception
    {
        // The source sends a whole window at once, so it arrives in one poll; acknowledged only at the end of the duty
        // cycle that took it, each request acknowledged 64 chunks and the source stood idle while the joiner decoded and
        // stored all of them, and the joiner while the source encoded the next 64 (JoinRun, 1,000,000 bans: both loops
        // under half busy). Past the first window a request goes out every 16 chunks taken.
        final int bans = 20_000;
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings(bans)))
        {
            final EngineNode one = cluster.node(1);
            load(cluster, one, bans);
            final int[] acknowledged = { 0, -1, 0 }; // session, its last next_chunk, the widest step between requests
            cluster.network().filter((from, to, type, frame) ->
            {
                if (type == FrameType.SNAPSHOT_REQUEST && to.equals(one.address))
                {
                    final SnapshotRequestFlyweight request = new SnapshotRequestFlyweight().wrap(frame, 0);
                    if (request.sessionId() != acknowledged[0])
                    {
                        acknowledged[0] = request.sessionId();
                        acknowledged[1] = request.nextChunk();
                    }
                    if (acknowledged[1] >= SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW)
                    {
                        // Past the first window, which the first request invited whole.
                        acknowledged[2] = Math.max(acknowledged[2], request.nextChunk() - acknowledged[1]);
                    }
                    acknowledged[1] = request.nextChunk();
                }
                return false;
            });
            final EngineNode two = cluster.restart(2, true);
            cluster.runUntil(() -> caughtUp(cluster, 2, bans), 60_000, "node 2 caught up by snapshot");
            assertTrue(two.counters.snapshotsCompleted.get() >= 1, snapshotCounters(two));
            assertTrue(acknowledged[2] > 0 && acknowledged[2] <= SnapshotClient.ACK_EVERY,
                "chunks acknowledged by one request: at most " + acknowledged[2] + "; " + snapshotCounters(two));
        }
    }

    @Test
    void chunkLossAndARestartOfTheJoinerMidSnapshotStillCatchUpCompletely() throws Exception
    {
        final int bans = 30_000;
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings(bans)))
        {
            final EngineNode one = cluster.node(1);
            load(cluster, one, bans);
            cluster.restart(2, true);
            cluster.network().loss(0.2, 0.02).latency(MS, MS).reorder(0.1, 5 * MS);
            cluster.runUntil(() -> cluster.node(2).counters.snapshotChunksReceived.get() > 500, 60_000, "half way");
            final long before = cluster.node(2).storeSize();
            final EngineNode restarted = cluster.restart(2, false);
            final long kept = restarted.highWater(1);
            assertTrue(restarted.storeSize() >= before - 64 * 32 && kept > 0, "the restart kept what the snapshot brought: " +
                restarted.storeSize() + " of " + before + ", mark " + kept);
            final long took = cluster.runUntil(() -> caughtUp(cluster, 2, bans), 120_000, "node 2 caught up after its restart");
            System.out.println("snapshot under 20 % loss with a restart: " + took + " ms simulated after the restart, resent " +
                one.counters.snapshotChunksResent.get() + ", sent " + one.counters.snapshotChunksSent.get());
            assertTrue(one.counters.snapshotChunksResent.get() > 0, "lost chunks were sent again");
            assertTrue(restarted.counters.snapshotsCompleted.get() >= 1, "the resumed snapshot completed: " + snapshotCounters(restarted));
            // Resumed after the mark it kept, not from the start: fewer chunks than the whole snapshot took.
            final long whole = bans / 12;
            assertTrue(restarted.counters.snapshotChunksReceived.get() < whole - 400,
                "resumed: " + snapshotCounters(restarted) + " (whole snapshot about " + whole + " chunks)");
        }
    }

    @Test
    void aPeerFloodingSnapshotRequestsGetsAtMostTheChunkBudgetPerInterval() throws Exception
    {
        // More chunks than one interval's budget (about 12 records each, so 15 per chunk of budget is ~1.25 budgets),
        // so acknowledgements alone could exhaust it; 1,000 requests acknowledging 64 more each ask for far more.
        final int budget = 4_096;
        final int bans = 15 * budget;
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, settings(bans).snapshotChunkBudget(budget)))
        {
            // Node 3 serves origin 1 (the origin itself serves its own decisions only where its stream does not).
            final EngineNode relay = cluster.node(3);
            load(cluster, cluster.node(1), bans);
            cluster.runUntil(() -> caughtUp(cluster, 3, bans), 120_000, "node 3 took node 1's stream");
            final HostilePeer hostile = new HostilePeer(cluster.node(2));
            final long sentBefore = relay.counters.snapshotChunksSent.get();
            final long start = cluster.nowNanos();
            final long startMillis = relay.steadyMillis();
            // 1,000 requests within 90 ms of one 100 ms heartbeat interval: every other one a fresh session from 0, the
            // others the first session acknowledging 64 more chunks each time (ignored once beyond what was sent: a repeat).
            final int first = 7_919;
            long now = start;
            for (int i = 0; i < 1_000; i++)
            {
                now = start + i * 90_000L;
                if (i % 2 == 0)
                {
                    hostile.snapshotRequest(1, first + i, 0, 0, SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW, 0);
                }
                else
                {
                    hostile.snapshotRequest(1, first, 0, 64 * (i / 2 + 1), SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW, 0);
                }
                hostile.inject(relay, now, startMillis + (now - start) / MS);
            }
            final long sent = relay.counters.snapshotChunksSent.get() - sentBefore;
            final String seen = "sent " + sent + ", resent " + relay.counters.snapshotChunksResent.get() + ", budget exhausted " +
                relay.counters.snapshotChunkBudgetExhausted.get() + ", sessions refused " + relay.counters.snapshotSessionsRefused.get();
            System.out.println("snapshot request flood, 1,000 requests in one interval: " + seen);
            assertTrue(sent <= budget && sent > budget / 2, seen);
            assertEquals(499, relay.counters.snapshotSessionsRefused.get(), seen);
            assertTrue(relay.counters.snapshotChunkBudgetExhausted.get() > 0, seen);
            // The chunks due were not lost: the next interval's request has them sent, again within the budget.
            now = start + 100 * MS;
            hostile.snapshotRequest(1, first, 0, 0, SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW, 0)
                .inject(relay, now, startMillis + 100);
            final long later = relay.counters.snapshotChunksSent.get() - sentBefore - sent;
            assertTrue(later > 0 && later <= budget, "next interval sent " + later + "; " + seen);
        }
    }

    @Test
    void aRelayedChunkWithARecordItsOriginDidNotSignIsDroppedAndCounted() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            cluster.runForMillis(1_000);
            for (int i = 0; i < 20; i++)
            {
                assertTrue(one.ban(address(i)));
            }
            cluster.runUntil(() -> cluster.node(3).storeSize() == 20 && cluster.node(3).highWater(1) == one.highWater(1),
                10_000, "node 3 holds origin 1");
            // Node 2 loses its state and cannot reach origin 1: it asks node 3, which turned hostile.
            final AtomicInteger session = new AtomicInteger();
            final EngineNode three = cluster.node(3);
            cluster.network().filter((from, to, type, frame) -> sessionOf(from, to, type, frame, one, three, session));
            final EngineNode two = cluster.restart(2, true);
            cluster.runUntil(() -> session.get() != 0, 10_000, "node 2 asks node 3 for origin 1");
            final Ban forged = HostilePeer.record(BanAction.BAN, "203.0.113.7/32", 1, 1, one.timeMillis());
            new HostilePeer(three).snapshotChunk(1, session.get(), 0, 0, one.highWater(1), forged)
                .inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(1, two.counters.snapshotChunksBadSignature.get(), "the forged record was caught");
            assertNull(two.stored("203.0.113.7/32"), "and not applied");
            assertEquals(0, two.highWater(1), "nothing of origin 1 marked held");
            new HostilePeer(three).snapshotChunk(1, session.get() + 1, 0, 0, one.highWater(1), forged)
                .inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(1, two.counters.snapshotChunksUnsolicited.get(), "a chunk of no session is dropped and counted");
        }
    }

    @Test
    void aRelayedChunkIsBoundToItsSessionAndCannotMarkAGapHeld() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final AtomicInteger session = new AtomicInteger();
            final EngineNode two = hostileRelayerSession(cluster, session);
            final EngineNode three = cluster.node(3);
            final long covers = cluster.node(1).highWater(1);
            final Ban first = three.stored(address(0));
            final Ban last = three.stored(address(19));
            final HostilePeer relayer = new HostilePeer(three);
            // Chunk 3 before 0-2, reaching back to the session's start with the origin's newest record: it would mark
            // every sequence up to that record held, though the 19 records before it were never shown.
            relayer.snapshotChunk(1, session.get(), 3, covers, 0, last.originSequence(), last).inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(0, two.highWater(1), "no gap marked held: " + snapshotCounters(two));
            assertNull(two.stored(address(19)));
            assertEquals(1, two.counters.snapshotChunksRefused.get());
            // Beyond the 64 chunks the window reaches: dropped, counted.
            relayer.snapshotChunk(1, session.get(), 200, covers, covers - 1, covers).inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(2, two.counters.snapshotChunksRefused.get());
            // Chunk 0 from the session's start, with the first record: taken, marked up to that record.
            relayer.snapshotChunk(1, session.get(), 0, covers, 0, first.originSequence(), first).inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(first.originSequence(), two.highWater(1), snapshotCounters(two));
            assertEquals(1, two.counters.snapshotChunksReceived.get());
            // Chunk 1 starting before chunk 0 ended: refused; so is one stating another covers_through.
            relayer.snapshotChunk(1, session.get(), 1, covers, first.originSequence() - 1, last.originSequence(), last)
                .inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(3, two.counters.snapshotChunksRefused.get());
            relayer.snapshotChunk(1, session.get(), 1, covers + 1, first.originSequence(), last.originSequence(), last)
                .inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(4, two.counters.snapshotChunksRefused.get(), snapshotCounters(two));
            assertEquals(0, two.counters.snapshotChunksUnsolicited.get(), "all within the session: " + snapshotCounters(two));
            assertEquals(first.originSequence(), two.highWater(1));
            assertEquals(1, two.storeSize(), "only the first record taken");
        }
    }

    @Test
    void aRelayerStallingASessionIsTimedOutAndCatchUpGoesOn() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final AtomicInteger session = new AtomicInteger();
            final EngineNode two = hostileRelayerSession(cluster, session);
            final HostilePeer relayer = new HostilePeer(cluster.node(3));
            // One empty chunk a second, each a little progress, each well within the silence the session allows
            // (10 x retransmit-max = 20 s): before sessions had a minimum pace this pinned the session for ever.
            final long covers = cluster.node(1).highWater(1);
            int chunks = 0;
            while (two.counters.snapshotSessionsTimedOut.get() == 0 && chunks < 40)
            {
                relayer.snapshotChunk(1, session.get(), chunks, covers, chunks, chunks + 1).inject(two, cluster.nowNanos(), two.steadyMillis());
                chunks++;
                cluster.runForMillis(1_000);
            }
            final String seen = chunks + " chunks a second apart; " + snapshotCounters(two) + ", timed out " +
                two.counters.snapshotSessionsTimedOut.get();
            System.out.println("stalling relayer: " + seen);
            assertEquals(1, two.counters.snapshotSessionsTimedOut.get(), seen);
            assertTrue(chunks <= 22, "timed out at the session's deadline (20 s and a little credit per chunk): " + seen);
            assertTrue(two.counters.snapshotChunksReceived.get() >= chunks - 1, "the chunks were taken as progress: " + seen);
            // The fall-back: with the network healed, catch-up (SYNC or a snapshot from another source) completes.
            cluster.network().filter((from, to, type, frame) -> false);
            cluster.runUntil(() -> two.storeSize() == 20 && two.highWater(1) == cluster.node(1).highWater(1), 30_000,
                "node 2 caught up after the stalled session");
        }
    }

    /**
     * Three nodes; node 1 decides 20 bans, node 3 takes them; node 2 loses its state and, cut off from node 1 and
     * from every SYNC and SNAPSHOT_CHUNK, asks node 3 (turned hostile) for a snapshot of origin 1: its session id ends
     * up in {@code session}.
     */
    static EngineNode hostileRelayerSession(final EngineCluster cluster, final AtomicInteger session) throws Exception
    {
        final EngineNode one = cluster.node(1);
        cluster.runForMillis(1_000);
        for (int i = 0; i < 20; i++)
        {
            assertTrue(one.ban(address(i)));
        }
        cluster.runUntil(() -> cluster.node(3).storeSize() == 20 && cluster.node(3).highWater(1) == one.highWater(1),
            10_000, "node 3 holds origin 1");
        final EngineNode three = cluster.node(3);
        cluster.network().filter((from, to, type, frame) -> sessionOf(from, to, type, frame, one, three, session));
        cluster.restart(2, true);
        cluster.runUntil(() -> session.get() != 0, 10_000, "node 2 asks node 3 for origin 1");
        return cluster.node(2);
    }

    private static boolean sessionOf(final java.net.InetSocketAddress from, final java.net.InetSocketAddress to, final int type,
        final DirectBuffer frame, final EngineNode one, final EngineNode three, final AtomicInteger session)
    {
        final boolean toOrFromOne = from.equals(one.address) || to.equals(one.address);
        if (type == FrameType.SNAPSHOT_REQUEST && to.equals(three.address))
        {
            final SnapshotRequestFlyweight request = new SnapshotRequestFlyweight().wrap(frame, 0);
            if (request.originNodeId() == 1 && (request.flags() & SnapshotRequestFlyweight.FLAG_DONE) == 0 && session.get() == 0)
            {
                session.set(request.sessionId());
            }
            return true;
        }
        // Origin 1 is cut off from node 2; node 3's own SYNC to node 2 is dropped too, so only the snapshot is left.
        return toOrFromOne && (from.getAddress().getAddress()[3] == 2 || to.getAddress().getAddress()[3] == 2) ||
            type == FrameType.SYNC || type == FrameType.SNAPSHOT_CHUNK;
    }

    static String snapshotCounters(final EngineNode node)
    {
        return "started " + node.counters.snapshotsStarted.get() + ", completed " + node.counters.snapshotsCompleted.get() +
            ", requests " + node.counters.snapshotRequestsSent.get() + ", chunks received " + node.counters.snapshotChunksReceived.get() +
            ", unsolicited " + node.counters.snapshotChunksUnsolicited.get() + ", bad signature " +
            node.counters.snapshotChunksBadSignature.get() + ", SYNC received " + node.counters.syncFramesReceived.get();
    }

    static EngineCluster.Settings settings(final int bans)
    {
        return new EngineCluster.Settings().sendWindow(1024).floodGuard(1_000, 0).store(4 * bans, 50);
    }

    /** Node 1 decides {@code bans} bans, and node 2 takes them by the stream (before its disk is lost). */
    static void load(final EngineCluster cluster, final EngineNode one, final int bans) throws Exception
    {
        cluster.network().logging(false);
        cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP, 2_000, "up");
        for (int i = 0; i < bans; i++)
        {
            while (!one.ban(address(i)))
            {
                cluster.step();
            }
        }
        cluster.runUntil(() -> caughtUp(cluster, 2, bans), 120_000, "node 2 took node 1's stream");
    }

    /** A /128 in 2001:db8::/32 (documentation), one per index. */
    static String address(final int i)
    {
        return "2001:db8:1:" + Integer.toHexString((i >>> 16) + 1) + "::" + Integer.toHexString(i & 0xFFFF);
    }

    static boolean caughtUp(final EngineCluster cluster, final int nodeId, final int bans)
    {
        final EngineNode node = cluster.node(nodeId);
        return node.storeSize() == bans && node.highWater(1) == cluster.node(1).highWater(1);
    }
}
