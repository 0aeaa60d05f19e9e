package io.blocksync.daemon.node;

import io.blocksync.codec.FrameType;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anti-entropy for any fleet size (issue 13): 200 nodes, more origins than one HEARTBEAT lists (69), every node
 * bans, and every BATCH to node 200 is lost, so node 200 learns each origin's decisions only by catch-up, which it
 * can ask for only through its heartbeats' pages. Every node ends with every origin's exact high water; no heartbeat
 * exceeds one datagram, the bytes a node sends in heartbeats per interval stay within a page per peer, and once the
 * fleet is in step they shrink to the in-step heartbeat (88 bytes) per peer. On the engine's manual clock.
 */
class FleetHeartbeatEngineTest
{
    private static final long SEED = 20_261_131L;
    private static final int NODES = 200;
    private static final int BANS_PER_NODE = 2;
    private static final long INTERVAL_MS = 100;

    @TempDir
    Path dir;

    @Test
    void twoHundredOriginsKeepEveryHighWaterCorrectWithBoundedHeartbeats() throws Exception
    {
        final EngineCluster.Settings settings = new EngineCluster.Settings().store(2_000, 10);
        final HeartbeatBytes bytes = new HeartbeatBytes();
        try (EngineCluster cluster = new EngineCluster(dir, NODES, SEED, settings))
        {
            final EngineNode last = cluster.node(NODES);
            cluster.network().logging(false).filter((from, to, type, frame) ->
            {
                if (type == FrameType.HEARTBEAT)
                {
                    bytes.add(frame.getShort(4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
                }
                return type == FrameType.BATCH && to.equals(last.address);
            });
            cluster.runForMillis(2 * INTERVAL_MS, 5);
            for (int id = 1; id <= NODES; id++)
            {
                for (int i = 0; i < BANS_PER_NODE; i++)
                {
                    assertTrue(cluster.node(id).ban(BulkFlowEngineTest.address(id, i)), "node " + id + " ban " + i);
                }
            }
            bytes.reset();
            final long started = cluster.nowNanos();
            long checks = 0;
            while (!everyHighWaterExact(cluster))
            {
                assertTrue(cluster.nowNanos() - started < 20_000 * EngineCluster.MS,
                    "high waters not exact within 20 s simulated: " + firstWrong(cluster) + " (seed " + SEED + ")");
                cluster.runForMillis(INTERVAL_MS, 5);
                checks++;
            }
            final long convergedMs = (cluster.nowNanos() - started) / EngineCluster.MS;
            assertTrue(bytes.largest <= 1200, "largest heartbeat " + bytes.largest);
            // Per node and interval, while catching up: at most one page (one datagram) to each peer.
            final long pagingPerNode = bytes.total / Math.max(1, convergedMs / INTERVAL_MS) / NODES;
            assertTrue(pagingPerNode <= (long)(NODES - 1) * HeartbeatFrameFlyweight.frameLength(HeartbeatFrameFlyweight.MAX_ENTRIES),
                "heartbeat bytes per node per interval " + pagingPerNode);
            final int largestPaging = bytes.largest;

            // In step: every node's list has the same digest, so heartbeats go out without entries.
            cluster.runForMillis(3 * INTERVAL_MS, 5);
            bytes.reset();
            cluster.runForMillis(10 * INTERVAL_MS, 5);
            final long perNodePerInterval = bytes.total / 10 / NODES;
            System.out.println("200-node fleet: high waters exact " + convergedMs + " ms after the bans (" + checks +
                " checks); heartbeat bytes per node per interval while catching up " + pagingPerNode + " (largest " +
                largestPaging + " B), in step " + perNodePerInterval + " (largest heartbeat " +
                bytes.largest + " B); node 200 SYNC frames received " + last.counters.syncFramesReceived.get());
            assertEquals(HeartbeatFrameFlyweight.frameLength(0), bytes.largest, "in step, every heartbeat is an empty page");
            assertEquals((long)(NODES - 1) * HeartbeatFrameFlyweight.frameLength(0), perNodePerInterval);
            assertTrue(last.counters.syncFramesReceived.get() >= NODES - 1, "node 200 caught up by SYNC");
        }
    }

    private static boolean everyHighWaterExact(final EngineCluster cluster)
    {
        return null == firstWrong(cluster);
    }

    private static String firstWrong(final EngineCluster cluster)
    {
        for (int origin = 1; origin <= NODES; origin++)
        {
            final long expected = cluster.node(origin).highWater(origin);
            for (int id = 1; id <= NODES; id++)
            {
                final long held = cluster.node(id).highWater(origin);
                if (held != expected)
                {
                    return "node " + id + " holds origin " + origin + " to " + held + ", not " + expected;
                }
            }
        }
        return null;
    }

    private static final class HeartbeatBytes
    {
        long total;
        int largest;

        void add(final int length)
        {
            total += length;
            largest = Math.max(largest, length);
        }

        void reset()
        {
            total = 0;
            largest = 0;
        }
    }
}
