package io.blocksync.daemon;

import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node process whose loop fails or stalls must still end the way the service manager needs: an Error exits
 * non-zero (so {@code Restart=on-failure} restarts it), and SIGTERM finishes within the unit's TimeoutStopSec.
 */
class FailLoudlyProcessTest
{
    /** TimeoutStopSec in dist/systemd/blocksync.service: systemd SIGKILLs a stop that takes longer. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    /** What the JVM exits with after SIGTERM; the unit lists it in SuccessExitStatus. */
    private static final int SIGTERM_STATUS = 143;

    @TempDir
    Path dir;

    private NodeProcess node;

    @AfterEach
    void stop()
    {
        if (null != node)
        {
            node.close();
        }
    }

    @Test
    void anErrorOnTheLoopEndsTheProcessWithANonZeroStatus() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        node = new NodeProcess(cluster.configFile(1), cluster.stateDir(1)).main(HookedNodeMain.class.getName(), "error")
            .start().awaitReady();

        // The hook is installed just after the node answers; until it is, a datagram is merely dropped.
        Poll.until("the process to end after the Error", Duration.ofSeconds(60),
            () -> !node.process().isAlive() || sendOneDatagram(cluster.configFile(1)) && node.process().waitFor(200, TimeUnit.MILLISECONDS),
            node::log);
        assertEquals(LoopThread.EXIT_LOOP_ERROR, node.process().exitValue(), node.log());
        assertTrue(node.log().contains("node 1: fatal error in loop, exiting with status 70 so the service manager " +
            "restarts the node: java.lang.OutOfMemoryError: injected by the test"), node.log());
    }

    @Test
    void sigtermOnANodeWhoseLoopIsStuckFinishesWithinTheStopTimeout() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        node = new NodeProcess(cluster.configFile(1), cluster.stateDir(1)).main(HookedNodeMain.class.getName(), "stall")
            .start().awaitReady();
        Poll.until("the loop to stall", Duration.ofSeconds(30),
            () -> sendOneDatagram(cluster.configFile(1)) && node.log().contains(HookedNodeMain.STALLED), node::log);

        final long startNanos = System.nanoTime();
        node.process().destroy();
        final boolean ended = node.process().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        final long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        assertTrue(ended, "SIGTERM did not end the process within " + STOP_TIMEOUT + "\n" + node.log());
        assertEquals(SIGTERM_STATUS, node.process().exitValue(), node.log());
        assertTrue(stopMillis >= Node.LOOP_STOP_TIMEOUT_MILLIS, "the stop waited for the loop first: " + stopMillis + " ms");
        assertTrue(node.log().contains("node 1 stopped without its loop, which was still busy after 5000 ms; " +
            "the store was left open and is recovered at the next start"), node.log());
    }

    /** Any bytes will do: the hook runs before the datagram is verified. @return true. */
    private static boolean sendOneDatagram(final Path config) throws Exception
    {
        final InetSocketAddress listen = ConfigReader.read(config).listen();
        try (DatagramChannel channel = DatagramChannel.open())
        {
            channel.send(ByteBuffer.wrap(new byte[]{ 1, 2, 3 }), new InetSocketAddress(InetAddress.getLoopbackAddress(), listen.getPort()));
        }
        return true;
    }
}
