package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Linux rtnetlink socket (rtnetlink(7)) that hears of every interface address added or removed: it joins the
 * multicast groups {@code RTNLGRP_IPV4_IFADDR} and {@code RTNLGRP_IPV6_IFADDR}, so the kernel sends an
 * {@code RTM_NEWADDR} or {@code RTM_DELADDR} (linux/if_addr.h, {@code struct ifaddrmsg}) per change, and
 * {@link #requestDump(int)} asks for every address present. Through libblocksync_nflog; a receive timeout lets the
 * reading thread notice it should stop.
 * <p>
 * {@link #receive(ByteBuffer)} fills a direct buffer with one datagram of netlink messages; {@link AddressMessageDecoder}
 * reads them. Use from one thread, and close on that thread or after it stopped (see {@link NflogSocket}).
 */
public final class AddressMonitorSocket implements AutoCloseable
{
    /** How long {@link #receive(ByteBuffer)} waits before returning 0. */
    public static final int DEFAULT_RECEIVE_TIMEOUT_MILLIS = 200;

    /** Kernel socket buffer asked for: a dump of thousands of addresses, or a burst of changes, fits. */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 1024 * 1024;

    /** A receive buffer this large holds any datagram rtnetlink sends (a dump part is at most a page or 32 KiB). */
    public static final int RECOMMENDED_BUFFER_LENGTH = 64 * 1024;

    /** {@link #receive(ByteBuffer)}: the kernel dropped messages because the socket buffer was full (ENOBUFS). */
    public static final int RECEIVE_OVERRUN = -2;

    /** {@link #receive(ByteBuffer)}: a datagram from a process rather than the kernel, discarded. */
    public static final int RECEIVE_FOREIGN = -3;

    private int fd;

    private AddressMonitorSocket(final int fd)
    {
        this.fd = fd;
    }

    /**
     * Open and subscribe, optionally in another network namespace: the socket is then created there on a
     * short-lived thread of its own, so no thread of the caller's changes namespace. A socket opened in this
     * process's namespace follows that namespace's interfaces (a node started with {@code ip netns exec} sees its
     * own).
     *
     * @param receiveTimeoutMillis how long a receive waits, at least 1.
     * @param networkNamespace     a namespace file such as {@code /run/netns/NAME}, or null for this process's.
     * @return the open socket, subscribed before it is returned.
     * @throws IOException if the library is not loaded or the kernel refuses, with the reason.
     */
    public static AddressMonitorSocket open(final int receiveTimeoutMillis, final String networkNamespace)
        throws IOException
    {
        if (receiveTimeoutMillis < 1)
        {
            throw new IllegalArgumentException("receive timeout is " + receiveTimeoutMillis + " ms, expected at least 1");
        }
        if (!NativeLibrary.load())
        {
            throw new IOException("cannot load the native library lib" + NativeLibrary.LIBRARY_NAME + ".so (" +
                NativeLibrary.failure() + ")");
        }
        if (null == networkNamespace)
        {
            return new AddressMonitorSocket(open0(DEFAULT_RECEIVE_BUFFER_BYTES, receiveTimeoutMillis, null));
        }

        return new AddressMonitorSocket(NamespaceOpener.openOnOwnThread("blocksync-rtnetlink-open",
            () -> open0(DEFAULT_RECEIVE_BUFFER_BYTES, receiveTimeoutMillis, networkNamespace)));
    }

    /**
     * Ask for every address of every interface ({@code RTM_GETADDR}, {@code NLM_F_DUMP}, family {@code AF_UNSPEC}):
     * the answer is {@code RTM_NEWADDR} messages carrying {@code sequence}, then {@code NLMSG_DONE}, interleaved with
     * any notifications on the same socket.
     *
     * @param sequence copied to every message of the answer.
     * @throws IOException if the request cannot be sent.
     */
    public void requestDump(final int sequence) throws IOException
    {
        requestDump0(checkOpen(), sequence);
    }

    /**
     * Receive one datagram into the buffer from its position; the position and limit are left as they were.
     *
     * @param buffer a direct buffer, {@link #RECOMMENDED_BUFFER_LENGTH} bytes remaining or more.
     * @return the datagram's length, more than {@code buffer.remaining()} if it was cut short; 0 if the timeout
     * passed (or a signal came) first; {@link #RECEIVE_OVERRUN} or {@link #RECEIVE_FOREIGN}.
     * @throws IOException if the socket fails or is closed.
     */
    public int receive(final ByteBuffer buffer) throws IOException
    {
        if (!buffer.isDirect())
        {
            throw new IllegalArgumentException("AddressMonitorSocket.receive needs a direct ByteBuffer");
        }
        return receive0(checkOpen(), buffer, buffer.position(), buffer.remaining());
    }

    public boolean isOpen()
    {
        return fd >= 0;
    }

    /** Idempotent. */
    @Override
    public void close()
    {
        if (fd >= 0)
        {
            close0(fd);
            fd = -1;
        }
    }

    private int checkOpen() throws IOException
    {
        if (fd < 0)
        {
            throw new IOException("rtnetlink address socket is closed");
        }
        return fd;
    }

    private static native int open0(int receiveBufferBytes, int receiveTimeoutMillis, String networkNamespace)
        throws IOException;

    private static native void requestDump0(int fd, int sequence) throws IOException;

    private static native int receive0(int fd, ByteBuffer buffer, int offset, int length) throws IOException;

    private static native void close0(int fd);
}
