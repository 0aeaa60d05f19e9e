package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.Lz4Block;
import io.blocksync.codec.SnapshotRequestFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.blocksync.daemon.node.EngineCluster.MS;
import static io.blocksync.daemon.node.SnapshotEngineTest.address;
import static io.blocksync.daemon.node.SnapshotEngineTest.snapshotCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot session's bookkeeping on the engine's manual clock (docs/PROTOCOL.md, "Snapshots"; review 7 findings 8,
 * 9, 12): this node's own backlog holds the session's timers rather than blaming the source; chunks that are no copy
 * of one taken, or whose LZ4 block does not decode, are refused and counted without ending the session or avoiding the
 * source; a request with nothing to serve is ignored and counted.
 */
class SnapshotSessionEngineTest
{
    private static final long SEED = 20_261_201L;

    @TempDir
    Path dir;

    @Test
    void aSessionIsNotTimedOutWhileThisNodesOwnFirewallBacklogClosesItsWindow() throws Exception
    {
        final int bans = 10_000;
        final AtomicBoolean backlogged = new AtomicBoolean();
        // A ring of 64 batches: after its restart node 2 gets most of origin 1 by the snapshot, not by the stream.
        final EngineCluster.Settings settings = SnapshotEngineTest.settings(bans).sendWindow(64)
            .firewalls(id -> id == 2 ? new NoFirewall(backlogged::get) : new NoFirewall());
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            SnapshotEngineTest.load(cluster, one, bans);
            cluster.restart(2, true);
            cluster.network().latency(5 * MS, 5 * MS);
            cluster.runUntil(() -> cluster.node(2).counters.snapshotChunksReceived.get() > 0, 30_000, "the snapshot began");
            final EngineNode two = cluster.node(2);
            // Node 2's firewall falls behind for 40 s, twice the silence a session allows (10 x retransmit-max = 20 s):
            // its window is 0, so the source sends nothing, and the chunks in flight are not taken for now.
            backlogged.set(true);
            cluster.runForMillis(40_000);
            final String held = snapshotCounters(two) + ", timed out " + two.counters.snapshotSessionsTimedOut.get() +
                ", deferred for the backlog " + two.counters.syncFramesDeferredBacklog.get();
            assertEquals(0, two.counters.snapshotSessionsTimedOut.get(), "the source was not blamed for our backlog: " + held);
            assertTrue(two.storeSize() < bans, "the session was still under way: " + held);
            backlogged.set(false);
            cluster.runUntil(() -> SnapshotEngineTest.caughtUp(cluster, 2, bans), 60_000, "node 2 caught up after its backlog");
            final String seen = snapshotCounters(two) + ", timed out " + two.counters.snapshotSessionsTimedOut.get();
            System.out.println("snapshot through a 40 s firewall backlog: " + seen);
            assertEquals(0, two.counters.snapshotSessionsTimedOut.get(), seen);
            assertEquals(1, two.counters.snapshotsCompleted.get(), "the one session completed: " + seen);
        }
    }

    @Test
    void aChunkThatIsNoCopyOfOneTakenOrDoesNotDecodeIsRefusedAndTheSessionGoesOn() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final AtomicInteger session = new AtomicInteger();
            final EngineNode two = SnapshotEngineTest.hostileRelayerSession(cluster, session);
            final EngineNode three = cluster.node(3);
            final long covers = cluster.node(1).highWater(1);
            final Ban first = three.stored(address(0));
            final Ban second = three.stored(address(1));
            final Ban last = three.stored(address(19));
            final HostilePeer relayer = new HostilePeer(three);
            relayer.snapshotChunk(1, session.get(), 0, covers, 0, first.originSequence(), first).inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(first.originSequence(), two.highWater(1), snapshotCounters(two));
            // The same chunk again (a resend crossing the acknowledgement): acknowledged again, not counted.
            relayer.snapshotChunk(1, session.get(), 0, covers, 0, first.originSequence(), first).inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(0, two.counters.snapshotChunksRefused.get(), snapshotCounters(two));
            // Chunk 0 again with a range never sent as chunk 0: refused, counted, nothing taken.
            relayer.snapshotChunk(1, session.get(), 0, covers, 0, last.originSequence(), first, last)
                .inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(1, two.counters.snapshotChunksRefused.get(), snapshotCounters(two));
            assertEquals(first.originSequence(), two.highWater(1));
            // Chunk 1 whose LZ4 block does not decode: no forgery (the frame check drops it before the session sees
            // it; SnapshotChunks, handed it directly, refuses it); the session and its source are kept.
            relayer.snapshotChunk(1, session.get(), 1, covers, first.originSequence(), second.originSequence(), second);
            relayer.frame().setMemory(FrameHeaderFlyweight.HEADER_LENGTH + 40, relayer.chunk().blockLength(), (byte)0xFF);
            relayer.inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(SnapshotChunks.DROPPED, two.snapshotChunks().take(two.peer(3), relayer.chunk(), new Lz4Block(), two.steadyMillis()));
            String seen = snapshotCounters(two) + ", refused " + two.counters.snapshotChunksRefused.get();
            assertEquals(2, two.counters.snapshotChunksRefused.get(), seen);
            assertEquals(0, two.counters.snapshotChunksBadSignature.get(), seen);
            // A chunk of this node's own origin: counted as such, no forgery either.
            relayer.snapshotChunk(2, session.get(), 1, covers, 0, 1);
            final long own = two.counters.framesOwnOrigin.get();
            assertEquals(SnapshotChunks.DROPPED, two.snapshotChunks().take(two.peer(3), relayer.chunk(), new Lz4Block(), two.steadyMillis()));
            assertEquals(own + 1, two.counters.framesOwnOrigin.get());
            assertEquals(0, two.counters.snapshotChunksBadSignature.get(), seen);
            // The true chunk 1 is still taken in the same session.
            relayer.snapshotChunk(1, session.get(), 1, covers, first.originSequence(), second.originSequence(), second)
                .inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(2, two.counters.snapshotChunksReceived.get(), snapshotCounters(two));
            assertEquals(0, two.counters.snapshotChunksUnsolicited.get(), snapshotCounters(two));
            assertEquals(second.originSequence(), two.highWater(1));
        }
    }

    @Test
    void aRequestWithNothingToServeIsIgnoredAndCounted() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP, 2_000, "up");
            for (int i = 0; i < 5; i++)
            {
                assertTrue(one.ban(address(i)));
            }
            cluster.runUntil(() -> cluster.node(2).highWater(1) == one.highWater(1), 10_000, "node 2 holds origin 1");
            final HostilePeer two = new HostilePeer(cluster.node(2));
            final int window = SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW;
            final long sent = one.counters.snapshotChunksSent.get();
            // Its own origin (it holds its own decisions), an origin not configured, nothing beyond its after.
            two.snapshotRequest(2, 11, 0, 0, window, 0).inject(one, cluster.nowNanos(), one.steadyMillis());
            two.snapshotRequest(99, 12, 0, 0, window, 0).inject(one, cluster.nowNanos(), one.steadyMillis());
            two.snapshotRequest(1, 13, one.highWater(1), 0, window, 0).inject(one, cluster.nowNanos(), one.steadyMillis());
            assertEquals(3, one.counters.snapshotRequestsIgnored.get());
            assertEquals(sent, one.counters.snapshotChunksSent.get(), "nothing sent for them");
            assertEquals(0, one.counters.snapshotSessionsRefused.get());
            // A request with something to serve starts a session and is not counted.
            two.snapshotRequest(1, 14, 0, 0, window, 0).inject(one, cluster.nowNanos(), one.steadyMillis());
            assertEquals(3, one.counters.snapshotRequestsIgnored.get());
            assertTrue(one.counters.snapshotChunksSent.get() > sent);
        }
    }
}
