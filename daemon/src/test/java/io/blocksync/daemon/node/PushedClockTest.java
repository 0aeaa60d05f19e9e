package io.blocksync.daemon.node;

import io.blocksync.daemon.table.HybridLogicalClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer may push this node's hybrid logical clock, and this node passes what it takes on in its own versions: so what
 * one node takes must stay within what every honest peer accepts (PROTOCOL.md, "Clocks"). A node takes a received
 * value only within {@code max-clock-skew} of its wall clock and refuses a record only beyond twice that and a second;
 * a record refused for now is left open, not marked held, and arrives once the receiver's clock has caught up.
 * From review10's protocol attacks on the manual-clock engine.
 */
class PushedClockTest
{
    private static final long SEED = 20_261_130L;
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    static void allUp(final EngineCluster cluster) throws Exception
    {
        cluster.runUntil(() -> cluster.nodeIds().stream().allMatch(id ->
            cluster.nodeIds().stream().filter(other -> !other.equals(id))
                .allMatch(other -> cluster.node(id).peer(other).state() == Peer.STATE_UP)), 2_000, "all peers up");
    }

    /**
     * Node 3 sends node 1 a HEARTBEAT whose clock is a day ahead (the old take bound). Node 1 does not take it, so its
     * own decisions stay versioned at its wall clock and node 2, one second behind node 1, takes them at once.
     * Before: node 1 took it, and node 2 refused every one of its decisions for about a day.
     */
    @Test
    void aHeartbeatClockADayAheadIsNotTakenSoAnHonestOriginsBanReachesAPeerASecondBehind() throws Exception
    {
        final EngineCluster.Settings settings = new EngineCluster.Settings().clockOffset(2, -1_000);
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final HostilePeer three = new HostilePeer(cluster.node(3));
            allUp(cluster);

            final long now = one.timeMillis();
            three.heartbeatAt(new int[0], 0, now, HybridLogicalClock.of(now + DAY)).sendTo(one);
            cluster.step();
            assertEquals(1, one.counters.clockRefusedFutureHlc.get(), "node 1 did not take the pushed clock");

            final String address = "198.51.100.9";
            assertTrue(one.ban(address));
            cluster.runUntil(() -> two.isBanned(address), 2_000, "node 1's ban at node 2");
            assertEquals(0, two.counters.refusedFutureTime.get());
            assertTrue(HybridLogicalClock.wallMillis(one.stored(address).version()) <= one.timeMillis(),
                "versioned at node 1's wall clock: " + one.stored(address));
        }
    }

    /**
     * The most a peer can push: node 1's clock to {@code max-clock-skew} ahead, which it takes. Node 2's wall clock is
     * almost the skew behind node 1's: node 1's decisions then carry versions almost twice the skew ahead of node 2's
     * clock, and node 2 still takes them at once, without taking them into its own clock. An unban made at node 2
     * afterwards is versioned just above the ban it lifts, so it wins at every node, whatever the clocks.
     */
    @Test
    void aClockPushedToTheSkewStillHasItsDecisionsTakenByAPeerAlmostTheSkewBehindAndOutvotedByIt() throws Exception
    {
        final EngineCluster.Settings base = new EngineCluster.Settings();
        final long skew = base.maxClockSkewMillis;
        final EngineCluster.Settings settings = base.clockOffset(2, -(skew - 1_000)).clockWarning(DAY);
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            final EngineNode three = cluster.node(3);
            allUp(cluster);

            final long now = one.timeMillis();
            new HostilePeer(three).heartbeatAt(new int[0], 0, now, HybridLogicalClock.of(now + skew)).sendTo(one);
            cluster.step();
            assertEquals(0, one.counters.clockRefusedFutureHlc.get(), "node 1 took the clock: within the skew");

            final String address = "198.51.100.10";
            assertTrue(one.ban(address));
            final long version = one.stored(address).version();
            assertTrue(HybridLogicalClock.wallMillis(version) >= now + skew, "pushed: " + version);
            cluster.runUntil(() -> two.isBanned(address) && three.isBanned(address), 2_000, "node 1's ban everywhere");
            assertEquals(0, two.counters.refusedFutureTime.get(), "nothing refused at node 2");
            assertTrue(HybridLogicalClock.wallMillis(version) > two.timeMillis() + skew,
                "node 2 took a version beyond its own take bound");

            assertTrue(two.unban(address));
            assertEquals(version + 1, two.stored(address).version(), "the unban outvotes the ban by one count");
            cluster.runUntil(() -> !one.isBanned(address) && !three.isBanned(address), 2_000, "node 2's unban everywhere");
            assertTrue(one.stored(address).isUnban() && three.stored(address).isUnban());
        }
    }

    /**
     * Node 2's wall clock is 20 minutes behind, beyond what it accepts: it refuses node 1's ban as too far ahead but
     * leaves the origin sequence open (the BATCH is acknowledged; the stream goes on). Once node 2's clock is put
     * right, catch-up brings the ban. Before: the refused record's range was marked held and it never came.
     */
    @Test
    void aRecordRefusedAsTooFarAheadIsLeftOpenAndArrivesOnceTheReceiversClockIsRight() throws Exception
    {
        final EngineCluster.Settings settings = new EngineCluster.Settings().clockOffset(2, -20 * 60_000).clockWarning(DAY);
        try (EngineCluster cluster = new EngineCluster(dir, 3, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            allUp(cluster);

            final String address = "198.51.100.11";
            assertTrue(one.ban(address));
            final long sequence = one.stored(address).originSequence();
            cluster.runUntil(() -> two.counters.recordsDeferred.get() > 0, 2_000, "node 2 defers the ban");
            cluster.runForMillis(5_000, 5);
            assertFalse(two.isBanned(address));
            assertTrue(two.counters.refusedFutureTime.get() > 0);
            assertTrue(two.highWater(1) < sequence, "node 1's origin sequence " + sequence + " is still open at node 2");
            assertFalse(one.peer(2).window().hasUnacknowledged(), "the BATCH itself was acknowledged");

            settings.clockOffset(2, 0);
            cluster.runUntil(() -> two.isBanned(address), 10_000, "the ban at node 2 once its clock is right (deferred " +
                two.counters.recordsDeferred.get() + ")");
            cluster.runUntil(() -> two.highWater(1) == sequence, 2_000, "node 1's range held at node 2");
        }
    }
}
