package io.blocksync.daemon;

import io.blocksync.nativeio.NativeLibrary;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a node signs its own decisions follows the CPUs its JVM may use ({@code -XX:ActiveProcessorCount}): with one,
 * on the loop as before the signer thread existed (a second thread on one CPU only adds wake-ups and, measured, lone
 * bans that waited behind the sync thread); with two, on {@code [node] signer-threads} threads of their own, 2 when
 * unset. Either way each node's ban reaches
 * the other. Both seal and check their link MACs with libcrypto where the build made the JNI library (the start-up
 * line says so), so the bans crossing prove the native tags are the ones a peer accepts.
 */
class SigningThreadProcessTest
{
    @TempDir
    Path dir;

    @Test
    void oneCpuSignsOnTheLoopTwoOnAThreadAndBansArriveEitherWay() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        try (NodeProcess one = node(cluster, 1, 1); NodeProcess two = node(cluster, 2, 2))
        {
            one.awaitLog("node 1 listening on").awaitLog("own decisions signed on the loop (one CPU)");
            two.awaitLog("node 2 listening on").awaitLog("own decisions signed on 2 threads of their own (2 CPUs)");
            assertFalse(one.log().contains("threads of their own") || two.log().contains("signed on the loop"),
                one.log() + "\n" + two.log());
            if (null != SigningThreadProcessTest.class.getClassLoader().getResource(NativeLibrary.resourceName()))
            {
                assertTrue(one.log().contains("link MACs by libcrypto") && two.log().contains("link MACs by libcrypto"),
                    one.log() + "\n" + two.log());
            }

            assertEquals(List.of("ok ban 198.51.100.41"), one.control(List.of("ban 198.51.100.41 3600 ssh 0 0")));
            assertEquals(List.of("ok ban 203.0.113.42"), two.control(List.of("ban 203.0.113.42 3600 ssh 0 0")));
            Poll.until("each node's ban at the other", Duration.ofSeconds(60),
                () -> StoreView.isBanned(cluster.stateDir(2), "198.51.100.41") &&
                    StoreView.isBanned(cluster.stateDir(1), "203.0.113.42"),
                () -> one.log() + "\n" + two.log());
        }
    }

    private static NodeProcess node(final LoopbackCluster cluster, final int nodeId, final int processors) throws Exception
    {
        return new NodeProcess(cluster.configFile(nodeId), cluster.stateDir(nodeId))
            .jvmProperties(List.of("-XX:ActiveProcessorCount=" + processors))
            .start()
            .awaitReady();
    }
}
