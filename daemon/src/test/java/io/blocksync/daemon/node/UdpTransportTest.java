package io.blocksync.daemon.node;

import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpTransportTest
{
    private static final int COUNTERS = 256;

    @Test
    void anIpv6PeerOnAnIpv4SocketIsOneCountedFailureAndThePeersAfterItStillReceive() throws Exception
    {
        final NodeCounters counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(COUNTERS * CountersManager.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(COUNTERS * CountersManager.COUNTER_LENGTH, 64))));
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (UdpTransport transport = new UdpTransport(new InetSocketAddress(loopback, 0), counters);
            DatagramChannel peerA = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
            DatagramChannel peerB = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0)))
        {
            final List<InetSocketAddress> peers = List.of(
                new InetSocketAddress(InetAddress.getByName("2001:db8::9"), 7709),
                (InetSocketAddress)peerA.getLocalAddress(),
                (InetSocketAddress)peerB.getLocalAddress());
            final ByteBuffer frame = BufferUtil.allocateDirectAligned(64, 64);
            frame.put(0, (byte)42);

            // As HeartbeatSender, AckSender and CatchUp do: one send per peer, in the configured order.
            final boolean[] sent = new boolean[peers.size()];
            for (int i = 0; i < peers.size(); i++)
            {
                sent[i] = transport.send(frame.duplicate(), 0, 16, peers.get(i));
            }

            assertFalse(sent[0], "an IPv4 socket cannot reach an IPv6 peer");
            assertTrue(sent[1] && sent[2], "the peers after it were still sent to");
            assertEquals(1, counters.sendFailures.get());
            assertEquals(2, counters.datagramsSent.get());
            for (final DatagramChannel peer : List.of(peerA, peerB))
            {
                final ByteBuffer received = ByteBuffer.allocate(64);
                peer.receive(received);
                assertEquals(16, received.position());
                assertEquals(42, received.get(0));
            }
        }
    }
}
