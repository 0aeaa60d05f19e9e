package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A relayer's unsigned claim never suppresses the origin's own signed record (docs/PROTOCOL.md, "Trust model"; review
 * 7 finding 1, from the reviewer's RelayClaimPocTest): node 3 relays node 1's record m+2 to node 2 in a SYNC claiming
 * (m, m+2], withholding m+1, which moves node 2's high water for node 1 to m+2; node 1's own BATCH with m+1 is then
 * still applied, not skipped as below the high water. On the engine's manual clock.
 */
class RelayClaimEngineTest
{
    @TempDir
    Path dir;

    private static Ban signed(final Ban ban, final int origin)
    {
        final BanRecordFlyweight f = new BanRecordFlyweight();
        f.wrap(new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]), 0).set(ban);
        f.sign(TestKeys.nodeKey(origin));
        return f.get(new Ban());
    }

    @Test
    void theOriginsOwnBatchInsideAGapARelayerClaimedIsApplied() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, 7L, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.runForMillis(1_000);
            org.junit.jupiter.api.Assertions.assertTrue(one.ban("198.51.100.1/32", 3600));
            cluster.runUntil(() -> two.highWater(1) == one.highWater(1) && two.highWater(1) > 0, 10_000,
                "node 2 holds node 1's mark");
            final long m = two.highWater(1);
            final long t = two.timeMillis();
            final Ban a = signed(HostilePeer.record(BanAction.BAN, "198.51.100.2/32", 1, m + 1, t), 1);
            final Ban b = signed(HostilePeer.record(BanAction.BAN, "198.51.100.3/32", 1, m + 2, t), 1);
            new HostilePeer(cluster.node(3)).sync(1, m, m + 2, b).inject(two, cluster.nowNanos(), two.steadyMillis());
            assertEquals(m + 2, two.highWater(1), "the relayed claim marked (m, m+2] held");
            new HostilePeer(one).batch(one.context.retained().next(), a).inject(two, cluster.nowNanos(), two.steadyMillis());
            final String seen = "below high water " + two.counters.recordsBelowHighWater.get() + ", stored " +
                two.stored("198.51.100.2/32");
            assertNotNull(two.stored("198.51.100.2/32"), "the origin's own record was applied: " + seen);
            assertEquals(0, two.counters.recordsBelowHighWater.get(), seen);
        }
    }
}
