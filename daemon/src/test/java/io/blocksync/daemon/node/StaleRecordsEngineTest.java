package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.Lz4Block;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An old signed record delivered again never brings back a ban that expired since (docs/PROTOCOL.md, "What a receiver
 * drops after the checks"): relayed (a SYNC or snapshot chunk of another peer) or in a GROUP_BATCH replayed after the
 * receiver's restart, a record at or below the receiver's high water for its origin is skipped and counted
 * ({@code records_below_high_water}; the mark is persisted, the group replay window is not); the origin's own BATCH
 * replayed is a duplicate stream position. On the engine's manual clock.
 */
class StaleRecordsEngineTest
{
    private static final long SEED = 20_261_201L;
    private static final String PREFIX = "198.51.100.7/32";

    @TempDir
    Path dir;

    private EngineCluster cluster;
    private EngineNode one;
    private Ban old;

    /** Node 1 bans for two seconds; nodes 2 and 3 take it, hold node 1's mark, and see it expire. */
    @BeforeEach
    void banExpiresEverywhere() throws Exception
    {
        cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings());
        one = cluster.node(1);
        cluster.runForMillis(1_000);
        assertTrue(one.ban(PREFIX, 2));
        cluster.runUntil(() -> null != cluster.node(2).stored(PREFIX) && null != cluster.node(3).stored(PREFIX) &&
            cluster.node(2).highWater(1) == one.highWater(1), 10_000, "nodes 2 and 3 hold the ban and node 1's mark");
        old = cluster.node(2).stored(PREFIX);
        cluster.runUntil(() -> null == cluster.node(2).stored(PREFIX) && null == cluster.node(3).stored(PREFIX), 10_000,
            "the ban expired everywhere");
        assertTrue(old.originSequence() <= cluster.node(2).highWater(1));
    }

    @org.junit.jupiter.api.AfterEach
    void close()
    {
        cluster.close();
    }

    @Test
    void theOriginsBatchReplayedIsNotTakenAgain() throws Exception
    {
        // The origin's own frames are checked by the persisted replay windows, not the high water (a relayer's claim
        // moves that): the same stream position again is a duplicate, never taken.
        final EngineNode two = cluster.node(2);
        final long duplicates = two.counters.recordsDuplicate.get();
        new HostilePeer(one).batch(one.context.retained().next() - 1, old).inject(two, cluster.nowNanos(), two.steadyMillis());
        assertNull(two.stored(PREFIX), "the expired ban did not come back");
        assertFalse(two.isBanned(PREFIX));
        assertEquals(duplicates + 1, two.counters.recordsDuplicate.get(), "counted as a duplicate");
    }

    @Test
    void aSyncRelayedWithTheOriginsSignatureDoesNotBanAgain() throws Exception
    {
        final EngineNode two = cluster.node(2);
        new HostilePeer(cluster.node(3)).sync(1, old.originSequence() - 1, old.originSequence(), old)
            .inject(two, cluster.nowNanos(), two.steadyMillis());
        assertNotBannedAgain(two);
        assertEquals(0, two.counters.syncFramesBadSignature.get(), "the origin's own signature: authentic, just old");
    }

    @Test
    void aSnapshotChunkRelayedWithTheRecordDoesNotBanAgain() throws Exception
    {
        final EngineNode two = cluster.node(2);
        final EngineNode three = cluster.node(3);
        final HostilePeer relayer = new HostilePeer(three)
            .snapshotChunk(1, 77, 0, old.originSequence() - 1, old.originSequence(), old);
        final int outcome = two.snapshotChunks().take(two.peer(3), relayer.chunk(), new Lz4Block(), two.steadyMillis());
        assertEquals(SnapshotChunks.TAKEN, outcome);
        assertNotBannedAgain(two);
    }

    @Test
    void aGroupBatchReplayedAfterTheMembersRestartDoesNotBanAgain() throws Exception
    {
        // The member restarts: its group replay window starts empty, its high water for node 1 is kept.
        final EngineNode two = cluster.restart(2, false);
        final GroupReceiver member = two.joinGroup(1, 2, 3);
        final HostilePeer origin = new HostilePeer(one).groupBatch(5, 5, old);
        member.onDatagram(origin.frame(), origin.length(), cluster.nowNanos(), two.steadyMillis());
        assertEquals(1, two.counters.groupBatchesReceived.get(), "an authentic group batch, taken");
        assertNotBannedAgain(two);
    }

    private void assertNotBannedAgain(final EngineNode two) throws Exception
    {
        final String seen = "records below high water " + two.counters.recordsBelowHighWater.get() + ", duplicate " +
            two.counters.recordsDuplicate.get() + ", stored " + two.stored(PREFIX);
        assertNull(two.stored(PREFIX), "the expired ban did not come back: " + seen);
        assertFalse(two.isBanned(PREFIX), seen);
        assertEquals(1, two.counters.recordsBelowHighWater.get(), seen);
        cluster.runForMillis(1_000);
        assertNull(two.stored(PREFIX), "nor later: " + seen);
        assertNotNull(old.prefix());
    }
}
