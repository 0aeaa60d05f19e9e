package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.daemon.config.EndpointText;
import io.blocksync.daemon.config.FileProblems;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The node's one UDP socket, non-blocking, with a direct receive buffer. Sending takes a datagram that already
 * lives in a direct buffer (a retained batch, a scratch frame) and passes it to the kernel without copying it
 * into a Java array. {@link #awaitReadable(long)} parks the thread in the kernel until a datagram arrives, a
 * deadline passes or another thread calls {@link #wakeup()}: an idle node uses no CPU.
 */
public final class UdpTransport implements Transport
{
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    private final DatagramChannel channel;
    private final NodeCounters counters;
    private final Selector selector;
    private final ByteBuffer receiveByteBuffer = BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH + 64, 64);
    private final UnsafeBuffer receiveBuffer = new UnsafeBuffer(receiveByteBuffer);
    private final Consumer<SelectionKey> ignoreKey = key -> { };
    private SocketAddress lastSource;

    /**
     * @param counters every datagram in and out is counted here (datagrams, bytes, send failures).
     * @throws IOException {@code cannot bind UDP ADDRESS:PORT: REASON} (the address in use, not this host's).
     */
    public UdpTransport(final InetSocketAddress bindAddress, final NodeCounters counters) throws IOException
    {
        this.counters = counters;
        channel = DatagramChannel.open(
            bindAddress.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(bindAddress);
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        }
        catch (final IOException ex)
        {
            channel.close();
            // The JDK's words ("Address already in use") do not say which address: an operator's first question.
            throw new IOException("cannot bind UDP " + EndpointText.format(bindAddress) + ": " + FileProblems.reason(ex), ex);
        }
    }

    public InetSocketAddress localAddress() throws IOException
    {
        return (InetSocketAddress)channel.getLocalAddress();
    }

    /**
     * @return the length of the datagram now in {@link #receiveBuffer()}, or -1 when none is waiting.
     */
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

    /**
     * {@inheritDoc} Passed to the kernel without copying into a Java array; a datagram the kernel did not take is
     * counted as a send failure. Never throws: a destination this socket cannot reach (an IPv6 peer on an IPv4
     * socket throws {@code UnsupportedAddressTypeException}, an unresolved one {@code UnresolvedAddressException})
     * is one failed send, so the caller's loop over its peers goes on to the next.
     */
    public boolean send(final ByteBuffer view, final int offset, final int length, final InetSocketAddress to)
    {
        view.limit(offset + length).position(offset);
        boolean sent;
        try
        {
            sent = channel.send(view, to) == length;
        }
        catch (final IOException | RuntimeException ex)
        {
            // Unchecked ones included: one peer's bad address must not abort the sends to the peers after it.
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

    /** Park until readable, {@code timeoutMillis} passes, or {@link #wakeup()}; clamps the timeout to 1 ms..1 s. */
    public void awaitReadable(final long timeoutMillis)
    {
        try
        {
            selector.select(ignoreKey, Math.max(1, Math.min(1000, timeoutMillis)));
        }
        catch (final IOException ex)
        {
            // A failing selector shows up as the next receive() failing; nothing to do here.
        }
    }

    /**
     * Let a second socket (the multicast group's, {@link GroupChannel}) end {@link #awaitReadable(long)} too; before
     * the loop starts.
     */
    public void watch(final java.nio.channels.SelectableChannel other) throws IOException
    {
        other.register(selector, SelectionKey.OP_READ);
    }

    /** May be called from any thread. */
    public void wakeup()
    {
        selector.wakeup();
    }

    public void close() throws IOException
    {
        selector.close();
        channel.close();
    }
}
