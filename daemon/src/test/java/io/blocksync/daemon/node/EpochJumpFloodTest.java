package io.blocksync.daemon.node;

import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.PeerLink;
import io.blocksync.daemon.table.HybridLogicalClock;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a peer's own frames can make this node resend is bounded: a HEARTBEAT stating a new epoch rewinds our stream to
 * the peer at most once per longest retransmission timeout, and a peer that keeps ACKing while it never takes our
 * batches is resent to at a backed-off pace. From review10's protocol attacks on the manual-clock engine.
 */
class EpochJumpFloodTest
{
    private static final long SEED = 20_261_130L;

    @TempDir
    Path dir;

    /**
     * An authenticated peer states a new epoch in each of 1,000 HEARTBEATs in one second. Before: each rewound our
     * whole ring to it (23,000 BATCH datagrams for 23 retained batches). Now: one rewind per longest retransmission
     * timeout (2 s here), the others counted as deferred.
     */
    @Test
    void epochJumpsInEveryHeartbeatRewindTheStreamAtMostOncePerRetransmitTimeout() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, new EngineCluster.Settings()))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode three = cluster.node(3);
            PushedClockTest.allUp(cluster);
            for (int i = 0; i < 200; i++)
            {
                assertTrue(one.ban("198.51." + (100 + i / 250) + "." + (i % 250)));
            }
            cluster.step();
            cluster.runUntil(() -> !one.peer(3).window().hasUnacknowledged() && !one.peer(2).window().hasUnacknowledged() &&
                one.peer(3).window().nextToSend() == one.context.retained().next(), 5_000, "every batch acknowledged");
            final long retainedBatches = one.context.retained().next() - one.context.retained().oldest();
            assertTrue(retainedBatches >= 20, retainedBatches + " batches retained");
            final long epochsBefore = one.counters.peerStreamEpochs.get();

            final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1200, 64));
            final ByteBuffer view = frame.byteBuffer().duplicate();
            final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
            final PeerLink linkToOne = java.util.Arrays.stream(three.peers).filter(p -> p.nodeId() == 1).findFirst().orElseThrow().link();
            final int before = cluster.network().batchesSent(one.address, three.address).size();
            long oldest = one.peer(3).stream().cumulative() + 1;
            final int forged = 1_000;
            for (int i = 0; i < forged; i++)
            {
                oldest += StreamReceiveState.EPOCH_JUMP + 1;
                final long now = three.timeMillis();
                heartbeat.begin(frame, 0, oldest, oldest, now, HybridLogicalClock.of(now));
                final int length = three.context.sealer().stamp(frame, 0, heartbeat.unsealedLength());
                linkToOne.seal(frame, 0, length);
                three.context.transport().send(view, 0, length, one.address);
                cluster.step();
            }
            final int resent = cluster.network().batchesSent(one.address, three.address).size() - before;
            assertTrue(resent <= 2 * retainedBatches,
                resent + " BATCH datagrams (about " + (resent * 1200L / 1024) + " KiB) sent to node 3 for " + forged +
                    " HEARTBEATs of 72 bytes in 1 s, " + retainedBatches + " batches retained; peer_stream_epochs = " +
                    one.counters.peerStreamEpochs.get());
            // Node 1 acted on node 3's first epoch at start-up: the flood may come within the timeout of that one.
            final long acted = one.counters.peerStreamEpochs.get() - epochsBefore;
            assertTrue(acted <= 1, acted + " rewinds acted on in 1 s");
            assertEquals(forged - acted, one.counters.peerStreamEpochsDeferred.get(), "the others deferred and counted");

            // The last jump is not forgotten: once the timeout has passed, the next HEARTBEAT acts on it.
            cluster.runForMillis(2_500, 5);
            assertEquals(epochsBefore + acted + 1, one.counters.peerStreamEpochs.get(), "the deferred epoch acted on after the timeout");
        }
    }

    /**
     * No BATCH from node 1 ever reaches node 2 (a path that loses large datagrams), while node 2 still ACKs at node
     * 1's HEARTBEATs, since they show it behind. Before: node 1 resent every outstanding batch at every minimum
     * timeout (200 ms) for ever, as the peer "answered". Now: after one timeout's grace the timeout doubles up to
     * its maximum, and each such doubling is counted.
     */
    @Test
    void aPeerThatAcksButNeverGetsOurBatchesIsResentToAtTheBackedOffPace() throws Exception
    {
        final EngineCluster.Settings settings = new EngineCluster.Settings();
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            PushedClockTest.allUp(cluster);
            cluster.network().filter((from, to, type, frame) -> type == io.blocksync.codec.FrameType.BATCH && from.equals(one.address));
            for (int i = 0; i < 100; i++)
            {
                assertTrue(one.ban("198.51.100." + i));
            }
            cluster.runForMillis(5_000, 5);
            final long acksBefore = two.counters.acksSent.get();
            final int before = cluster.network().batchesSent(one.address, two.address).size();
            final long seconds = 60;
            cluster.runForMillis(seconds * 1_000, 5);
            final int resent = cluster.network().batchesSent(one.address, two.address).size() - before;
            final long timeouts = seconds * 1_000_000_000L / settings.retransmitMaxNanos;
            assertTrue(two.counters.acksSent.get() - acksBefore >= seconds, "node 2 kept ACKing: " +
                (two.counters.acksSent.get() - acksBefore));
            final long outstanding = one.peer(2).window().nextToSend() - 1 - one.peer(2).window().ackedCumulative();
            assertTrue(outstanding > 5, outstanding + " batches outstanding");
            // At the maximum timeout, each resends what is outstanding; twice that for the jitter and the way up.
            assertTrue(resent <= 2 * timeouts * outstanding,
                resent + " BATCH datagrams resent to node 2 in " + seconds + " s, " + outstanding + " outstanding; backoff shift " +
                    one.peer(2).timer().backoffShift() + ", retransmit_backoffs_answered " +
                    one.counters.retransmitBackoffsAnswered.get());
            assertTrue(one.counters.retransmitBackoffsAnswered.get() > 0);
        }
    }
}
