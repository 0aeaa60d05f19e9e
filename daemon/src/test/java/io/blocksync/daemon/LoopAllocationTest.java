package io.blocksync.daemon;

import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.node.TestKeys;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;

import static io.blocksync.daemon.ClusterProcessTest.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop thread's own allocation while it receives, verifies, decodes, stores, acknowledges and hands to the
 * firewall 100,000 ban datagrams, measured with the JVM's per-thread allocation counter.
 */
class LoopAllocationTest
{
    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 100_000;
    /**
     * 64 KiB for 100,000 datagrams, i.e. under 1 byte per datagram: room for one-off events (a JIT deoptimisation,
     * a log ring wrap, a primitive map resizing once) but nowhere near one object per datagram, which would
     * already be 1.6 MB.
     */
    private static final long BOUND_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void loopAllocatesAlmostNothingWhileApplyingOneHundredThousandBanDatagrams() throws Exception
    {
        final String settings = "[bans]\ncapacity = 400000\norigin-rate = 1000000\n";
        try (InProcessCluster cluster = new InProcessCluster(dir, 2, settings, 1);
            DatagramChannel channel = DatagramChannel.open())
        {
            final NodeConfig node1 = ConfigReader.read(cluster.files.configFile(1));
            final PeerConfig peer2 = node1.peers().get(0);
            // Pose as peer 2: bind its address so node 1's acks have somewhere to go.
            channel.bind(peer2.address());
            channel.connect(node1.listen());

            // Peer 2's own config holds its private key, which the link to node 1 is made from.
            final NodeConfig node2 = ConfigReader.read(cluster.files.configFile(2));
            final FrameSigner signer = new FrameSigner(peer2.nodeId(), node2.keyId(), System.currentTimeMillis() << 20);
            final Sender sender = new Sender(channel, signer, TestKeys.link(node2, node1.nodeId()), node1.stateDir());

            sender.send(WARM_UP);
            final Thread loop = findThread("blocksync-node-" + node1.nodeId());
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getThreadAllocatedBytes(loop.getId());
            sender.send(MEASURED);
            final long allocated = threads.getThreadAllocatedBytes(loop.getId()) - before;

            assertEquals(WARM_UP + MEASURED, counter(node1.stateDir(), "bans_applied"), "every datagram's ban was applied");
            System.out.println("loop thread allocated " + allocated + " bytes over " + MEASURED + " ban datagrams");
            assertTrue(allocated < BOUND_BYTES, "loop thread allocated " + allocated + " bytes for " + MEASURED + " datagrams");
        }
    }

    /**
     * This node's own decisions: signing them (BouncyCastle's Ed25519 allocates a few KB a signature) is the signer
     * thread's, so the loop that takes, stores, stages, seals and sends 10,000 of them allocates next to nothing.
     * Before the signer thread the loop signed each: about 30 MB here.
     */
    @Test
    void loopAllocatesAlmostNothingWhileTakingTenThousandOwnDecisions() throws Exception
    {
        final String settings = "[bans]\ncapacity = 400000\norigin-rate = 1000000\n";
        try (InProcessCluster cluster = new InProcessCluster(dir, 2, settings, 1))
        {
            final NodeConfig node1 = ConfigReader.read(cluster.files.configFile(1));
            final long reason = ReasonCode.of("ssh").id();
            final IpPrefix prefix = new IpPrefix();
            final byte[] address = { (byte)198, 51, 0, 0 };
            final int[] next = { 0 };
            final java.util.function.IntConsumer decide = count ->
            {
                final io.blocksync.daemon.node.LocalRequest request = new io.blocksync.daemon.node.LocalRequest(count);
                for (int i = 0; i < count; i++, next[0]++)
                {
                    address[2] = (byte)(100 + (next[0] >>> 8));
                    address[3] = (byte)next[0];
                    request.add(io.blocksync.codec.BanAction.BAN, prefix.set(4, address, 32), 3600, reason, 0, 0);
                }
                assertTrue(cluster.node(1).submit(request));
                try
                {
                    assertTrue(request.await(20_000), "the node answered the request");
                }
                catch (final InterruptedException ex)
                {
                    throw new AssertionError(ex);
                }
                for (int i = 0; i < count; i++)
                {
                    assertEquals(io.blocksync.daemon.table.BanOutcome.APPLIED, request.outcome(i));
                }
            };

            decide.accept(3_000);
            final Thread loop = findThread("blocksync-node-" + node1.nodeId());
            findThread("blocksync-signer-" + node1.nodeId() + "-0");
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getThreadAllocatedBytes(loop.getId());
            for (int i = 0; i < 10; i++)
            {
                decide.accept(1_000);
            }
            final long allocated = threads.getThreadAllocatedBytes(loop.getId()) - before;

            assertEquals(13_000, counter(node1.stateDir(), "local_decisions"), "every decision was taken");
            System.out.println("loop thread allocated " + allocated + " bytes over 10000 own decisions");
            assertTrue(allocated < BOUND_BYTES, "loop thread allocated " + allocated + " bytes for 10000 own decisions");
        }
    }

    private static Thread findThread(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no thread named " + name));
    }

    /** Sends one-ban datagrams as peer 2's stream, never more than a window ahead of what node 1 has taken in. */
    private static final class Sender
    {
        private final DatagramChannel channel;
        private final FrameSigner signer;
        private final PeerLink link;
        private final Path stateDir;
        private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
        private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
        private final IpPrefix prefix = new IpPrefix();
        private final byte[] address = new byte[16];
        private long sequence;

        Sender(final DatagramChannel channel, final FrameSigner signer, final PeerLink link, final Path stateDir)
        {
            this.channel = channel;
            this.signer = signer;
            this.link = link;
            this.stateDir = stateDir;
            address[0] = 0x20;
            address[1] = 0x01;
            address[2] = 0x0d;
            address[3] = (byte)0xb8;
        }

        void send(final int count) throws Exception
        {
            final long target = sequence + count;
            while (sequence < target)
            {
                final long next = ++sequence;
                address[4] = (byte)(next >>> 24);
                address[5] = (byte)(next >>> 16);
                address[6] = (byte)(next >>> 8);
                address[7] = (byte)next;
                prefix.set(6, address, 64);
                batch.begin(frame, 0, next);
                batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
                    .prefix(prefix)
                    .originNodeId(signer.senderId())
                    .durationSeconds(3600)
                    .originSequence(next)
                    .originTimeMillis(System.currentTimeMillis())
                    .reason(ReasonCode.of("ssh"));
                final int length = signer.stamp(frame, 0, batch.unsealedLength());
                link.seal(frame, 0, length);
                channel.write(frame.byteBuffer().limit(length).position(0));
                if (next % 500 == 0)
                {
                    final long sent = next;
                    Poll.until("node 1 applied ban " + sent, Duration.ofSeconds(10), () -> counter(stateDir, "bans_applied") >= sent);
                }
            }
            final long sent = sequence;
            Poll.until("node 1 applied all " + sent, Duration.ofSeconds(10), () -> counter(stateDir, "bans_applied") >= sent);
        }
    }
}
