package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.blocksync.daemon.node.EngineCluster.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulk that flows (issue 13): an import at one origin moves at the pace the receivers acknowledge, not at the flood
 * guard's rate. The guard ({@code origin-rate} 1,000 records/s, the daemon's default) has a burst of the origin quota,
 * so 10,000 bans reach 4 peers through 30 % loss in far less simulated time than the rate alone allows (9 s); a
 * receiver whose firewall is slow advertises a smaller receive window and the sender follows it, so nothing overflows
 * the firewall's ring. On the engine's manual clock.
 */
class BulkFlowEngineTest
{
    private static final long SEED = 20_261_130L;
    private static final int NODES = 5;

    @TempDir
    Path dir;

    @Test
    void tenThousandBansAtOneOriginConvergeOnFiveNodesUnderLossFasterThanTheRateAlone() throws Exception
    {
        final int bans = 10_000;
        final EngineCluster.Settings settings = new EngineCluster.Settings().sendWindow(1024)
            .floodGuard(1_000, 0).store(4 * bans, 50);
        try (EngineCluster cluster = new EngineCluster(dir, NODES, SEED, settings))
        {
            final EngineNode one = cluster.node(1);
            cluster.network().logging(false);
            cluster.runUntil(() -> allUp(cluster), 2_000, "up");
            cluster.network().loss(0.3, 0.05).latency(MS, MS).reorder(0.1, 10 * MS);
            for (int i = 0; i < bans; i++)
            {
                assertTrue(one.ban(address(1, i)), "ban " + i);
            }
            final long took = cluster.runUntil(() -> everyPeerHolds(cluster, bans) && DeliveryEngineTest.isDrained(one), 60_000,
                "10,000 bans on every node");
            long refused = 0;
            for (int id = 2; id <= NODES; id++)
            {
                refused += cluster.node(id).counters.refusedRateLimited.get();
            }
            System.out.println("bulk 10,000 bans, 5 nodes, 30 % loss: " + took + " ms simulated, rate-limited records " + refused +
                ", retransmits " + one.counters.retransmits.get());
            // The rate alone (1,000/s after a 1,000-record burst) needs 9 s; the window, at 30 % loss, a fraction of it.
            assertTrue(took < 3_000, "converged in " + took + " ms simulated (seed " + SEED + ")");
            assertEquals(0, refused, "an import within the origin quota is not held by the rate guard");
        }
    }

    @Test
    void aSlowReceiverPacesTheSenderAndNothingOverflowsItsFirewall() throws Exception
    {
        final int bans = 24_000;
        final long perSecond = 2_000;
        // The ring is smaller than the import: without flow control, bans beyond 20,000 would be dropped.
        final int ring = 20_000;
        final SlowFirewall[] slow = new SlowFirewall[1];
        final EngineCluster.Settings settings = new EngineCluster.Settings().sendWindow(1024).floodGuard(1_000, 0)
            .store(4 * bans, 50);
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, settings.firewalls(id ->
        {
            if (id != 2)
            {
                return new NoFirewall();
            }
            slow[0] = new SlowFirewall(null, perSecond, ring);
            return slow[0];
        })))
        {
            // The factory ran before the cluster's clock was at hand: give the slow firewall the cluster's clock now.
            final SlowFirewall firewall = slow[0];
            firewall.clock(cluster.nanoClock());
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.network().logging(false);
            cluster.runUntil(() -> one.peer(2).state() == Peer.STATE_UP, 2_000, "up");
            for (int i = 0; i < bans; i++)
            {
                assertTrue(one.ban(address(1, i)), "ban " + i);
            }
            final long stored = cluster.runUntil(() -> two.storeSize() == bans, 60_000, "every ban stored at node 2");
            final long applied;
            try
            {
                applied = cluster.runUntil(() -> firewall.applied() == bans, 60_000, "every ban in node 2's firewall");
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + ": applied " + firewall.applied() + ", waiting " + firewall.backlog() +
                    ", dropped " + firewall.dropped() + ", stored " + stored + " ms", ex);
            }
            System.out.println("slow receiver (" + perSecond + " changes/s): stored " + stored + " ms, all applied " + applied +
                " ms later, firewall backlog at most " + firewall.maxBacklog() + ", retransmits " + one.counters.retransmits.get() +
                ", rate-limited " + two.counters.refusedRateLimited.get());
            assertEquals(0, firewall.dropped(), "no change dropped at the slow firewall");
            assertTrue(firewall.maxBacklog() <= ReceiveWindow.BACKLOG_LIMIT + 1024 * 9,
                "the backlog stayed near the window's limit: " + firewall.maxBacklog());
            // Paced by the firewall: node 2 stored the import no faster than its firewall absorbs beyond the limit.
            assertTrue(stored >= (bans - ReceiveWindow.BACKLOG_LIMIT - 1024 * 9) * 1000L / perSecond,
                "node 2 took " + bans + " bans in " + stored + " ms");
            assertEquals(0, one.counters.batchesDroppedUnacked.get(), "the sender kept every batch until node 2 had it");
        }
    }

    private static boolean allUp(final EngineCluster cluster)
    {
        for (int id = 2; id <= NODES; id++)
        {
            if (cluster.node(1).peer(id).state() != Peer.STATE_UP || cluster.node(id).peer(1).state() != Peer.STATE_UP)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean everyPeerHolds(final EngineCluster cluster, final long total)
    {
        for (int id = 2; id <= NODES; id++)
        {
            if (cluster.node(id).storeSize() != total)
            {
                return false;
            }
        }
        return true;
    }

    /** A /128 in 2001:db8::/32 (documentation), one per origin and index. */
    static String address(final int origin, final int i)
    {
        return "2001:db8:" + Integer.toHexString(origin) + "::" + Integer.toHexString(i + 1);
    }
}
