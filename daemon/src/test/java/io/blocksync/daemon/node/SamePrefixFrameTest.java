package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.blocksync.daemon.node.HostilePeer.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The receive path reads each record's table entry once, before any record of the frame is applied, and hands that
 * read to the table ({@code BanTable.applyRemote(record, now, entry)}). A frame may carry two records for one prefix
 * (an origin's ban and its change a moment later, or a forged frame): the second must be applied against what the
 * first left, not against the entry read before the frame, or the table would count a second new entry and the
 * firewall would never lift the first record's ban.
 */
class SamePrefixFrameTest
{
    private static final long SEED = 20_261_201L;
    private static final long OTHER_REASON = ReasonCode.of("other").id();

    @TempDir
    Path dir;

    @Test
    void aBatchWithTwoRecordsForOnePrefixAppliesTheSecondOverTheFirst() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode three = cluster.node(3);
            cluster.runUntil(() -> one.peer(3).state() == Peer.STATE_UP, 1_000, "node 3 up at node 1");
            final long now = cluster.epochClock().time();
            final long sequence = three.progress().lastOriginSequence() + 1;
            final Ban first = record(BanAction.BAN, "198.51.100.7", 3, sequence, now);
            final Ban second = record(BanAction.BAN, "198.51.100.7", 3, sequence + 1, now).reason(OTHER_REASON)
                .version(first.version() + 1);
            final long sizeBefore = one.storeSize();

            new HostilePeer(three).batch(one.peer(3).stream().cumulative() + 1, first, second).sendTo(one);
            cluster.runForMillis(50);

            final Ban stored = one.stored("198.51.100.7");
            assertNotNull(stored, "node 1 holds the prefix");
            assertEquals(sequence + 1, stored.originSequence(), "the later record of the frame won");
            assertEquals(OTHER_REASON, stored.reason());
            assertEquals(sizeBefore + 1, one.storeSize(), "one entry for the prefix");
            assertNotNull(one.lastFirewallLine("remove 198.51.100.7"),
                "the first record's ban (another reason) was lifted when the second replaced it");
            assertEquals(0, one.counters.recordsDeferred.get());
        }
    }
}
