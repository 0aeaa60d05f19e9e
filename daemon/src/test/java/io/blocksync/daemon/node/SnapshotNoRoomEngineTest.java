package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.blocksync.daemon.node.SnapshotEngineTest.snapshotCounters;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot session whose chunks do not fit this node's store ({@link SnapshotChunks#NO_ROOM}) on the engine's manual
 * clock (docs/PROTOCOL.md, "Snapshots"; review 8 finding 2): unlike this node's firewall backlog, a full store may
 * last, so the chunks it declines do not hold the session's timers and the session is given up, rather than a relayer
 * keeping one open for as long as it sends prefixes the store has no room for.
 */
class SnapshotNoRoomEngineTest
{
    private static final long SEED = 20_261_202L;

    @TempDir
    Path dir;

    @Test
    void aSessionWhoseChunksDoNotFitTheStoreTimesOut() throws Exception
    {
        final int bans = 2_000;
        // A ring of 64 batches: after its restart node 2 gets most of origin 1 by the snapshot, not by the stream.
        final EngineCluster.Settings settings = SnapshotEngineTest.settings(bans).sendWindow(64).store(2_400, 100);
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings))
        {
            SnapshotEngineTest.load(cluster, cluster.node(1), bans);
            final EngineNode two = cluster.restart(2, true);
            // Node 2's own decisions fill its store first: node 1's chunks then find no room for their new prefixes.
            for (int i = 0; i < 1_500; i++)
            {
                while (!two.ban("2001:db8:2::" + Integer.toHexString(i)))
                {
                    cluster.step();
                }
            }
            cluster.runUntil(() -> two.counters.framesDeferredNoRoom.get() > 0, 30_000, "a chunk without room");
            // A session abandons after 20 s without a chunk taken (10 x retransmit-max); 60 s is three times that.
            cluster.runUntil(() -> two.counters.snapshotSessionsTimedOut.get() > 0, 60_000,
                "the session without room given up");
            final String seen = snapshotCounters(two) + ", timed out " + two.counters.snapshotSessionsTimedOut.get() +
                ", deferred without room " + two.counters.framesDeferredNoRoom.get() + ", store " + two.storeSize();
            System.out.println("snapshot into a full store: " + seen);
            assertTrue(two.storeSize() < 1_500 + bans, "the store had no room for all of node 1's bans: " + seen);
        }
    }
}
