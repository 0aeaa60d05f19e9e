package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A group sender restarted with its wall clock behind starts its group stream below where members are in it
 * (docs/PROTOCOL.md, "Multicast", Member receive state): its first group batch is recognised as a new epoch and taken
 * at once, not refused as a replay until a SYNC. On the engine's manual clock, group datagrams handed in directly.
 */
class GroupEpochEngineTest
{
    private static final long SEED = 20_261_202L;

    @TempDir
    Path dir;

    @Test
    void aSenderRestartedWithItsClockBehindIsHeardAtItsFirstGroupBatch() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            cluster.runForMillis(1_000);
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final GroupReceiver member = two.joinGroup(1, 2);
            final HostilePeer sender = new HostilePeer(one);
            final long nowMillis = one.timeMillis();
            final long before = (nowMillis << 20) + 1;
            long originSequence = two.highWater(1);
            for (int i = 0; i < 3; i++)
            {
                sender.groupBatch(before + i, before, ban(i, ++originSequence, nowMillis));
                member.onDatagram(sender.frame(), sender.length(), cluster.nowNanos(), two.steadyMillis());
            }
            assertEquals(3, two.counters.groupBatchesReceived.get());
            assertEquals(before + 2, member.stream(1).cumulative());

            // Restarted with its clock 5 s behind: its group sequences start 5,000 x 2^20 lower.
            final long after = ((nowMillis - 5_000) << 20) + 1;
            sender.groupBatch(after, after, ban(3, ++originSequence, nowMillis));
            member.onDatagram(sender.frame(), sender.length(), cluster.nowNanos(), two.steadyMillis());
            final String seen = "received " + two.counters.groupBatchesReceived.get() + ", replays " +
                two.counters.groupRejectedReplay.get() + ", cumulative " + member.stream(1).cumulative();
            assertEquals(4, two.counters.groupBatchesReceived.get(), "the new epoch's first batch is taken: " + seen);
            assertEquals(0, two.counters.groupRejectedReplay.get(), seen);
            assertEquals(after, member.stream(1).cumulative(), seen);
            assertNotNull(two.stored("198.51.100.3/32"), seen);
            // Its next batch follows on as usual; a copy of it is a replay.
            sender.groupBatch(after + 1, after, ban(4, ++originSequence, nowMillis));
            member.onDatagram(sender.frame(), sender.length(), cluster.nowNanos(), two.steadyMillis());
            assertEquals(after + 1, member.stream(1).cumulative());
            assertNotNull(two.stored("198.51.100.4/32"));
        }
    }

    private static Ban ban(final int i, final long originSequence, final long timeMillis)
    {
        return HostilePeer.record(BanAction.BAN, "198.51.100." + i + "/32", 1, originSequence, timeMillis);
    }
}
