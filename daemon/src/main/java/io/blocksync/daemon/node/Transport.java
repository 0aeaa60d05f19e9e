package io.blocksync.daemon.node;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * What the loop's roles need of the network: send a datagram that already lives in a direct buffer, receive one
 * into a buffer the transport owns, tell where it came from, and park until something is readable. The node uses
 * {@link UdpTransport}; the protocol engine's tests use an in-memory network driven on a manual clock.
 */
public interface Transport extends AutoCloseable
{
    /**
     * @return the length of the datagram now in {@link #receiveBuffer()} (from offset 0), or -1 when none is
     * waiting.
     * @throws IOException when the socket fails.
     */
    int receive() throws IOException;

    /** The buffer {@link #receive()} fills; the same instance every time. */
    UnsafeBuffer receiveBuffer();

    /** Source of the last datagram {@link #receive()} returned. */
    SocketAddress lastSource();

    /**
     * Send {@code [offset, offset + length)} of a direct buffer. Callers keep one {@code duplicate()} of each of
     * their direct buffers for this, so sending allocates nothing.
     *
     * @return false when the datagram was not taken (full socket buffer or an error); the reliability layer sends
     * again.
     */
    boolean send(ByteBuffer view, int offset, int length, InetSocketAddress to);

    /** Park until readable, {@code timeoutMillis} passes, or {@link #wakeup()}. */
    void awaitReadable(long timeoutMillis);

    /** Cut {@link #awaitReadable(long)} short; may be called from any thread. */
    void wakeup();

    void close() throws IOException;
}
