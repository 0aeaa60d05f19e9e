package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.table.BanOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's "lift only if it is still ours" request kind ({@link LocalRequest#addLiftIfOurs}; review finding 5 of
 * session 6, finding 7 of session 7): what a deleted CrowdSec decision sends. It lifts this node's own ban under the
 * decision's reason, and with the origin sequence given only that very ban, and nothing else: a peer's ban, or one of another reason, put on the prefix since stays, here and at the peer. An
 * ordinary unban in the same request still lifts whatever the prefix holds.
 */
class LiftIfOursTest
{
    private static final long SEED = 14_005L;
    private static final ReasonCode CROWDSEC = ReasonCode.of("crowdsecurity/ssh-bf");
    private static final ReasonCode SSHD = ReasonCode.of("sshd");

    @TempDir
    Path dir;

    @Test
    void aLiftIfOursLeavesAPeersOrAnotherReasonsBanAndLiftsOnlyItsOwn() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "peers up");

            // Node 1 took CrowdSec's decisions for .70, .71 and .72; then node 2 banned .70 (its ban replaced ours),
            // and node 1's operator banned .71 under another reason.
            assertTrue(one.ban("192.0.2.70", 3_600, CROWDSEC) && one.ban("192.0.2.71", 3_600, CROWDSEC) &&
                one.ban("192.0.2.72", 3_600, CROWDSEC));
            cluster.runUntil(() -> null != two.stored("192.0.2.72") && two.isBanned("192.0.2.72"), 2_000, "CrowdSec's bans at node 2");
            assertTrue(two.ban("192.0.2.70", 3_600, SSHD));
            cluster.runUntil(() -> one.stored("192.0.2.70").originNodeId() == 2, 2_000, "node 2's ban of .70 at node 1");
            assertTrue(one.ban("192.0.2.71", 3_600, SSHD));

            // The decisions are deleted: one request, as the bouncer sends it, with an ordinary unban after them.
            final LocalRequest request = new LocalRequest(4)
                .addLiftIfOurs(prefix("192.0.2.70"), CROWDSEC.id())
                .addLiftIfOurs(prefix("192.0.2.71"), CROWDSEC.id())
                .addLiftIfOurs(prefix("192.0.2.72"), CROWDSEC.id())
                .add(BanAction.UNBAN, prefix("192.0.2.71"), 0, 0L, 0, 0);
            assertTrue(one.submit(request));
            cluster.runUntil(() -> request.nextIndex() < 0, 2_000, "the loop decided the request");

            assertEquals(BanOutcome.NOT_BANNED, request.outcome(0), "a peer's ban is not ours to lift");
            assertEquals(BanOutcome.NOT_BANNED, request.outcome(1), "our ban under another reason is not CrowdSec's");
            assertEquals(BanOutcome.APPLIED, request.outcome(2), "CrowdSec's own ban is lifted");
            assertEquals(BanOutcome.APPLIED, request.outcome(3), "an ordinary unban lifts whatever the prefix holds");
            cluster.runUntil(() -> !two.isBanned("192.0.2.72"), 2_000, "the lift of .72 at node 2");
            cluster.runForMillis(500);
            assertTrue(one.isBanned("192.0.2.70") && two.isBanned("192.0.2.70"), "node 2's ban of .70 stays everywhere");
            assertEquals(2, two.stored("192.0.2.70").originNodeId());
            assertFalse(one.isBanned("192.0.2.71"));
            assertFalse(one.isBanned("192.0.2.72"));
        }
    }

    @Test
    void aLiftOfOneBanLeavesALaterBanOfTheSameReasonMadeByTheOperator() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED + 1, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "peers up");

            // CrowdSec's decision banned .73 and .74; then the operator banned .73 again under the same reason.
            assertTrue(one.ban("192.0.2.73", 3_600, CROWDSEC) && one.ban("192.0.2.74", 3_600, CROWDSEC));
            final long crowdsecs73 = one.stored("192.0.2.73").originSequence();
            final long crowdsecs74 = one.stored("192.0.2.74").originSequence();
            assertTrue(one.ban("192.0.2.73", 7_200, CROWDSEC));
            final long operators73 = one.stored("192.0.2.73").originSequence();
            assertTrue(operators73 > crowdsecs73);
            cluster.runUntil(() -> null != two.stored("192.0.2.73") && two.stored("192.0.2.73").originSequence() == operators73 &&
                null != two.stored("192.0.2.74") && two.isBanned("192.0.2.74"), 2_000, "both bans at node 2");

            final LocalRequest request = new LocalRequest(2)
                .addLiftIfOurs(prefix("192.0.2.73"), CROWDSEC.id(), crowdsecs73)
                .addLiftIfOurs(prefix("192.0.2.74"), CROWDSEC.id(), crowdsecs74);
            assertTrue(one.submit(request));
            cluster.runUntil(() -> request.nextIndex() < 0, 2_000, "the loop decided the request");

            assertEquals(BanOutcome.NOT_BANNED, request.outcome(0), "the operator's later ban is not the decision's");
            assertEquals(BanOutcome.APPLIED, request.outcome(1), "the decision's own ban is lifted");
            cluster.runUntil(() -> !two.isBanned("192.0.2.74"), 2_000, "the lift of .74 at node 2");
            assertTrue(one.isBanned("192.0.2.73") && two.isBanned("192.0.2.73"), "the operator's ban of .73 stays everywhere");
        }
    }

    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        assertNull(AddressText.parse(text, prefix, 32, 128));
        return prefix;
    }

}
