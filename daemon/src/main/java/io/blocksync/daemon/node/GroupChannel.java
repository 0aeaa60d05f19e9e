package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.daemon.config.MulticastConfig;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The node's multicast socket: bound to the group's address and port (so it hears that group only, not unicast
 * traffic to the port), joined on the configured interface (IGMP / MLD), and sending on that interface with the
 * configured TTL / hop limit, looped back to other sockets of this host that joined (several nodes on one host or in
 * one namespace; the node's own copy is dropped unread by {@link GroupReceiver}) (ip(7) {@code IP_MULTICAST_IF},
 * {@code IP_MULTICAST_TTL}, {@code IP_MULTICAST_LOOP}; ipv6(7) for the IPv6 equivalents). Non-blocking: the loop's selector watches it
 * ({@link UdpTransport#watch}). Datagrams in and out are counted with the unicast ones.
 */
public final class GroupChannel implements AutoCloseable
{
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    private final DatagramChannel channel;
    private final InetSocketAddress group;
    private final NodeCounters counters;
    private final ByteBuffer receiveByteBuffer = BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH + 64, 64);
    private final UnsafeBuffer receiveBuffer = new UnsafeBuffer(receiveByteBuffer);
    private SocketAddress lastSource;

    /** Package-private for tests, which send to a unicast loopback socket standing in for the group. */
    GroupChannel(final DatagramChannel channel, final InetSocketAddress group, final NodeCounters counters)
    {
        this.channel = channel;
        this.group = group;
        this.counters = counters;
    }

    /**
     * Open, bind and join.
     *
     * @throws IOException when the interface is gone, cannot do multicast, or the group cannot be joined.
     */
    public static GroupChannel open(final MulticastConfig config, final NodeCounters counters) throws IOException
    {
        final NetworkInterface networkInterface = NetworkInterface.getByName(config.interfaceName());
        if (null == networkInterface)
        {
            throw new IOException("[multicast] interface " + config.interfaceName() + " does not exist");
        }
        final boolean ipv6 = config.groupAddress() instanceof Inet6Address;
        final DatagramChannel channel = DatagramChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try
        {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(config.group());
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, config.ttl());
            // Other nodes on this host (or in this namespace) are members too; our own copy is dropped unread.
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            channel.join(config.groupAddress(), networkInterface);
            channel.configureBlocking(false);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw new IOException("cannot join multicast group " + config.group() + " on " + config.interfaceName() +
                ": " + ex.getMessage(), ex);
        }
        return new GroupChannel(channel, config.group(), counters);
    }

    /** For the loop's selector. */
    public DatagramChannel channel()
    {
        return channel;
    }

    public InetSocketAddress group()
    {
        return group;
    }

    /** @return the length of the datagram now in {@link #receiveBuffer()}, or -1 when none is waiting. */
    public int receive() throws IOException
    {
        receiveByteBuffer.clear();
        lastSource = channel.receive(receiveByteBuffer);
        if (null == lastSource)
        {
            return -1;
        }
        final int length = receiveByteBuffer.position();
        counters.datagramsReceived.incrementRelease();
        counters.bytesReceived.getAndAddRelease(length);
        return length;
    }

    public UnsafeBuffer receiveBuffer()
    {
        return receiveBuffer;
    }

    public SocketAddress lastSource()
    {
        return lastSource;
    }

    /** Send {@code [offset, offset + length)} of a direct buffer to the group; false when the kernel did not take it. */
    public boolean send(final ByteBuffer view, final int offset, final int length)
    {
        view.limit(offset + length).position(offset);
        boolean sent;
        try
        {
            sent = channel.send(view, group) == length;
        }
        catch (final IOException | RuntimeException ex)
        {
            sent = false;
        }
        if (sent)
        {
            counters.datagramsSent.incrementRelease();
            counters.bytesSent.getAndAddRelease(length);
        }
        else
        {
            counters.sendFailures.incrementRelease();
        }
        return sent;
    }

    public void close() throws IOException
    {
        channel.close();
    }
}
