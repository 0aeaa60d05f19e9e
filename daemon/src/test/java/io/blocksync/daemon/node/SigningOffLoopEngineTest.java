package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.table.BanOutcome;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This node's decisions signed off the loop ({@link DecisionSigning}), with the test standing in for the signer's
 * thread so that signing is as slow as the test makes it: the loop goes on receiving, storing and acknowledging a
 * peer's stream while its own decisions wait for their signatures; they are stored, sent and answered only once
 * signed, in the order taken; a peer's newer record that arrives meanwhile wins; a second decision for a prefix
 * waits for the first; and a stop with decisions in the signer's hands loses none and leaves no gap in the origin
 * sequences.
 */
class SigningOffLoopEngineTest
{
    private static final long SEED = 13_160L;
    private static final int BURST = DecisionSigning.DEFAULT_CAPACITY + 76;

    @TempDir
    Path dir;

    @Test
    void theLoopReceivesAndAcknowledgesWhileItsOwnDecisionsWaitForTheSignerAndTheyLeaveInOrder() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final DecisionSigning signing = one.signOffLoop();
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "peers up");
            final long first = one.progress().lastOriginSequence() + 1;

            final long batchesBefore = two.peer(1).stream().cumulative();
            // A burst larger than the signer's ring at node 1, while node 2 decides bans of its own.
            final LocalRequest request = burst(BURST, 100);
            assertTrue(one.submit(request));
            for (int i = 0; i < 50; i++)
            {
                assertTrue(two.ban("203.0.113." + i));
            }
            cluster.runForMillis(1_000, 10);

            // Node 1's loop took node 2's stream in and acknowledged all of it; its own decisions wait, unsigned.
            for (int i = 0; i < 50; i++)
            {
                assertTrue(one.isBanned("203.0.113." + i), "node 2's ban " + i + " at node 1");
            }
            assertEquals(two.context.retained().next() - 1, two.peer(1).window().ackedCumulative(), "node 1 acknowledged node 2's stream");
            assertEquals(DecisionSigning.DEFAULT_CAPACITY, request.nextIndex(), "the signer's ring is full; the rest wait in the request");
            assertFalse(request.await(0), "nothing is answered before it is signed and stored");
            assertEquals(first - 1, one.progress().lastOriginSequence(), "no origin sequence is recorded as used");
            assertEquals(0, one.counters.localDecisions.get());
            for (int i = 0; i < BURST; i++)
            {
                assertNull(one.stored(address(100, i)), "unsigned decision " + i + " is not stored");
                assertNull(two.stored(address(100, i)), "unsigned decision " + i + " is not sent");
            }

            // Two groups and 5 more signed while the signer works on: the loop takes the whole groups back (full
            // batches, so a burst still leaves as one); those are stored and sent, numbered in the order taken.
            final int taken = 2 * DecisionSigning.GROUP;
            assertEquals(taken + 5, signing.signAtMost(taken + 5));
            cluster.runForMillis(300, 10);
            for (int i = 0; i < BURST; i++)
            {
                final Ban held = two.stored(address(100, i));
                if (i < taken)
                {
                    assertNotNull(held, "signed decision " + i + " at node 2");
                    assertEquals(first + i, held.originSequence());
                }
                else
                {
                    assertNull(held, "decision " + i + " at node 2");
                }
            }
            assertEquals(first + taken - 1, one.progress().lastOriginSequence());
            assertEquals(first + taken - 1, two.highWater(1));
            assertEquals(taken / io.blocksync.codec.BatchFrameFlyweight.MAX_RECORDS, two.peer(1).stream().cumulative() - batchesBefore,
                "full batches only");
            assertFalse(request.await(0));

            // The rest, a ring's worth at a time.
            cluster.runUntil(() ->
            {
                signing.signAtMost(DecisionSigning.DEFAULT_CAPACITY);
                return request.nextIndex() < 0 && two.highWater(1) == first + BURST - 1;
            }, 5_000, "every decision signed, stored and at node 2");
            cluster.runUntil(() -> awaited(request), 1_000, "the request answered");
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
            final BanRecordFlyweight record = new BanRecordFlyweight();
            for (int i = 0; i < BURST; i++)
            {
                assertEquals(BanOutcome.APPLIED, request.outcome(i));
                final Ban held = two.stored(address(100, i));
                assertEquals(first + i, held.originSequence(), "decision " + i + " numbered in the order taken");
                assertTrue(record.wrap(buffer, 0).set(held).verifySignature(TestKeys.peerKey(1)), "decision " + i + " signed by node 1");
                assertEquals(held.originSequence(), one.stored(address(100, i)).originSequence());
            }
            assertEquals(BURST, one.counters.localDecisions.get());
        }
    }

    @Test
    void aPeersNewerRecordArrivingWhileOursIsSignedWinsAndOursIsStillSentWithoutAGap() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED + 1, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final DecisionSigning signing = one.signOffLoop();
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "peers up");
            final long first = one.progress().lastOriginSequence() + 1;

            assertTrue(one.ban("198.51.100.7"), "taken, handed to the signer");
            cluster.runForMillis(5);
            assertTrue(two.ban("198.51.100.7"), "node 2 decides the same prefix later: a higher version");
            cluster.runUntil(() -> null != one.stored("198.51.100.7"), 1_000, "node 2's ban at node 1");
            assertEquals(2, one.stored("198.51.100.7").originNodeId());

            signing.signAtMost(1);
            assertTrue(one.ban("198.51.100.8"));
            signing.signAtMost(1);
            cluster.runUntil(() -> two.highWater(1) == first + 1, 1_000, "both of node 1's decisions at node 2");
            cluster.runForMillis(300, 10);

            // Node 2's newer ban stays at both nodes; node 1's older one travelled all the same, so no gap.
            assertEquals(2, one.stored("198.51.100.7").originNodeId(), "node 1 did not store its superseded decision");
            assertEquals(2, two.stored("198.51.100.7").originNodeId());
            assertEquals(first + 1, one.stored("198.51.100.8").originSequence());
            assertEquals(first + 1, two.stored("198.51.100.8").originSequence());
            assertEquals(first + 1, one.progress().lastOriginSequence());
        }
    }

    @Test
    void aSecondDecisionForAPrefixWaitsForTheFirstToBeSigned() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED + 2, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final DecisionSigning signing = one.signOffLoop();
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "peers up");

            final LocalRequest request = new LocalRequest(3)
                .add(BanAction.BAN, prefix("198.51.100.9"), 3_600, EngineNode.REASON, 0, 0)
                .add(BanAction.UNBAN, prefix("198.51.100.9"), 0, 0L, 0, 0)
                .add(BanAction.BAN, prefix("198.51.100.10"), 3_600, EngineNode.REASON, 0, 0);
            assertTrue(one.submit(request));
            cluster.runForMillis(100, 10);
            assertEquals(1, request.nextIndex(), "the unban waits for the ban it lifts, and the request's order with it");
            assertFalse(one.ban("198.51.100.9"), "the detector's door says busy for a prefix being signed");

            cluster.runUntil(() ->
            {
                signing.signAtMost(1);
                return awaited(request);
            }, 1_000, "the request answered");
            assertEquals(BanOutcome.APPLIED, request.outcome(0));
            assertEquals(BanOutcome.APPLIED, request.outcome(1), "the unban found the ban stored");
            assertEquals(BanOutcome.APPLIED, request.outcome(2));
            cluster.runUntil(() -> null != two.stored("198.51.100.10"), 1_000, "node 1's decisions at node 2");
            assertFalse(one.isBanned("198.51.100.9"));
            assertFalse(two.isBanned("198.51.100.9"));
            assertTrue(two.stored("198.51.100.9").isUnban());
        }
    }

    @Test
    void aStopWithDecisionsInTheSignersHandsStoresThemAndTheSequenceGoesOnWithoutAGap() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED + 3, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final DecisionSigning signing = one.signOffLoop();
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP && two.peer(1).state() == Peer.STATE_UP, 1_000, "peers up");
            final long first = one.progress().lastOriginSequence() + 1;

            final LocalRequest request = burst(100, 110);
            assertTrue(one.submit(request));
            cluster.runForMillis(50, 10);
            assertEquals(100, signing.inFlight(), "every decision taken and in the signer's hands");

            // Stop as Node stops: the loop has ended, the signer signs what it holds, the stopping thread stores it.
            one.stopSigning();
            for (int i = 0; i < 100; i++)
            {
                assertEquals(first + i, one.stored(address(110, i)).originSequence(), "decision " + i + " stored at stop");
            }
            assertEquals(first + 99, one.progress().lastOriginSequence());

            final EngineNode restarted = cluster.restart(1, false);
            assertTrue(restarted.ban("198.51.100.200"), "inline again after the restart");
            assertEquals(first + 100, restarted.stored("198.51.100.200").originSequence(), "the next number, none skipped or reused");
            cluster.runUntil(() -> two.highWater(1) == first + 100, 5_000, "node 2 caught up on node 1 without a gap");
            for (int i = 0; i < 100; i++)
            {
                assertEquals(first + i, two.stored(address(110, i)).originSequence());
            }
        }
    }

    private static LocalRequest burst(final int count, final int thirdByte)
    {
        final LocalRequest request = new LocalRequest(count);
        for (int i = 0; i < count; i++)
        {
            request.add(BanAction.BAN, prefix(address(thirdByte, i)), 3_600, EngineNode.REASON, 0, 0);
        }
        return request;
    }

    private static String address(final int thirdByte, final int i)
    {
        return "198.51." + (thirdByte + i / 256) + "." + (i % 256);
    }

    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        assertNull(AddressText.parse(text, prefix, 32, 128));
        return prefix;
    }

    private static boolean awaited(final LocalRequest request)
    {
        try
        {
            return request.await(0);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
