package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The Linux netfilter log socket for one NFLOG group, through libblocksync_nflog (raw netlink, no libnetfilter_log):
 * bound in copy-packet mode, a kernel queue threshold of one message so each logged packet is sent at once, and a
 * receive timeout so a reading thread can notice it should stop.
 * <p>
 * {@link #receive(ByteBuffer)} fills a direct buffer with one datagram of netlink messages; {@link NflogMessageDecoder}
 * turns them into events. Use from one thread: close the socket on the thread that reads it, or after that thread
 * has stopped, because a descriptor closed under a blocked read could be reused by the time the read returns.
 */
public final class NflogSocket implements AutoCloseable
{
    /** Packet bytes the kernel copies: enough for IPv4/IPv6 headers, some extension headers and the ports. */
    public static final int DEFAULT_COPY_RANGE = 256;

    /** How long {@link #receive(ByteBuffer)} waits before returning 0. */
    public static final int DEFAULT_RECEIVE_TIMEOUT_MILLIS = 200;

    /** Kernel socket buffer asked for, so that a burst is queued rather than dropped. */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

    /** Messages the kernel gathers before sending: 1 sends each at once, for latency. */
    public static final int DEFAULT_QUEUE_THRESHOLD = 1;

    /** A receive buffer this large holds any datagram the kernel sends at the default settings. */
    public static final int RECOMMENDED_BUFFER_LENGTH = 64 * 1024;

    public static final int MAX_GROUP = 0xFFFF;
    public static final int MAX_COPY_RANGE = 0xFFFF;

    /** {@link #receive(ByteBuffer)}: the kernel dropped messages because the socket buffer was full (ENOBUFS). */
    public static final int RECEIVE_OVERRUN = -2;

    /** {@link #receive(ByteBuffer)}: a datagram from a process rather than the kernel, discarded. */
    public static final int RECEIVE_FOREIGN = -3;

    private final int group;
    private int fd;

    private NflogSocket(final int group, final int fd)
    {
        this.group = group;
        this.fd = fd;
    }

    /**
     * Bind a group in this process's network namespace with the defaults.
     *
     * @param group NFLOG group, as in nft {@code log group N}.
     * @return the open socket.
     * @throws IOException if the library is not loaded or the kernel refuses, with the reason.
     */
    public static NflogSocket open(final int group) throws IOException
    {
        return open(group, DEFAULT_COPY_RANGE, DEFAULT_RECEIVE_TIMEOUT_MILLIS, null);
    }

    /**
     * Bind a group, optionally in another network namespace, without binding the protocol families.
     *
     * @param group                NFLOG group 0 to 65535.
     * @param copyRange            packet bytes to copy, 1 to 65535.
     * @param receiveTimeoutMillis how long a receive waits, at least 1.
     * @param networkNamespace     a namespace file such as {@code /run/netns/NAME}, or null for this process's.
     * @return the open socket.
     * @throws IOException if the library is not loaded or the kernel refuses, with the reason.
     * @see #open(int, int, int, String, boolean)
     */
    public static NflogSocket open(
        final int group, final int copyRange, final int receiveTimeoutMillis, final String networkNamespace)
        throws IOException
    {
        return open(group, copyRange, receiveTimeoutMillis, networkNamespace, false);
    }

    /**
     * Bind a group, optionally in another network namespace. The socket is created inside that namespace on a
     * short-lived thread of its own (only the socket call needs to be there), so no thread of the caller's ever
     * changes namespace.
     * <p>
     * Binding the protocol families (NFULNL_CFG_CMD_PF_BIND for AF_INET and AF_INET6, as libpcap and ulogd do)
     * is for old kernels that route NFLOG through the family's bound logger. A current kernel delivers
     * {@code log group N} without it, and the bind replaces the namespace's default logger (see
     * {@code /proc/net/netfilter/nf_log}) until something binds another, so that packets logged without a type,
     * such as conntrack's invalid-packet messages, go to NFLOG group 0 instead of the kernel log. Errors of the
     * family binds are ignored.
     *
     * @param group                NFLOG group 0 to 65535.
     * @param copyRange            packet bytes to copy, 1 to 65535.
     * @param receiveTimeoutMillis how long a receive waits, at least 1.
     * @param networkNamespace     a namespace file such as {@code /run/netns/NAME}, or null for this process's.
     * @param bindFamilies         true to bind AF_INET and AF_INET6 to nfnetlink_log first.
     * @return the open socket.
     * @throws IOException if the library is not loaded or the kernel refuses, with the reason.
     */
    public static NflogSocket open(
        final int group,
        final int copyRange,
        final int receiveTimeoutMillis,
        final String networkNamespace,
        final boolean bindFamilies)
        throws IOException
    {
        if (group < 0 || group > MAX_GROUP)
        {
            throw new IllegalArgumentException("NFLOG group is " + group + ", expected 0 to " + MAX_GROUP);
        }
        if (copyRange < 1 || copyRange > MAX_COPY_RANGE)
        {
            throw new IllegalArgumentException("NFLOG copy range is " + copyRange + ", expected 1 to " + MAX_COPY_RANGE);
        }
        if (receiveTimeoutMillis < 1)
        {
            throw new IllegalArgumentException("receive timeout is " + receiveTimeoutMillis + " ms, expected at least 1");
        }
        if (!NativeLibrary.load())
        {
            throw new IOException(NativeLibrary.unavailableMessage());
        }

        if (null == networkNamespace)
        {
            return new NflogSocket(group, open0(group, copyRange, DEFAULT_QUEUE_THRESHOLD,
                DEFAULT_RECEIVE_BUFFER_BYTES, receiveTimeoutMillis, bindFamilies, null));
        }

        return openOnOwnThread(group, copyRange, receiveTimeoutMillis, networkNamespace, bindFamilies);
    }

    /**
     * Receive one datagram into the buffer from its position; the position and limit are left as they were.
     *
     * @param buffer a direct buffer, {@link #RECOMMENDED_BUFFER_LENGTH} bytes remaining or more.
     * @return the datagram's length, which is more than {@code buffer.remaining()} if it was cut short; 0 if the
     * timeout passed (or a signal came) first; {@link #RECEIVE_OVERRUN} or {@link #RECEIVE_FOREIGN}.
     * @throws IOException if the socket fails or is closed.
     */
    public int receive(final ByteBuffer buffer) throws IOException
    {
        if (fd < 0)
        {
            throw new IOException("NFLOG socket for group " + group + " is closed");
        }
        if (!buffer.isDirect())
        {
            throw new IllegalArgumentException("NflogSocket.receive needs a direct ByteBuffer");
        }

        return receive0(fd, buffer, buffer.position(), buffer.remaining());
    }

    public int group()
    {
        return group;
    }

    public boolean isOpen()
    {
        return fd >= 0;
    }

    /**
     * Unbinds the group (the kernel drops the instance with the socket). Idempotent.
     */
    @Override
    public void close()
    {
        if (fd >= 0)
        {
            close0(fd);
            fd = -1;
        }
    }

    private static NflogSocket openOnOwnThread(
        final int group,
        final int copyRange,
        final int receiveTimeoutMillis,
        final String networkNamespace,
        final boolean bindFamilies)
        throws IOException
    {
        return new NflogSocket(group, NamespaceOpener.openOnOwnThread("blocksync-nflog-open",
            () -> open0(group, copyRange, DEFAULT_QUEUE_THRESHOLD, DEFAULT_RECEIVE_BUFFER_BYTES, receiveTimeoutMillis,
                bindFamilies, networkNamespace)));
    }

    private static native int open0(
        int group,
        int copyRange,
        int queueThreshold,
        int receiveBufferBytes,
        int receiveTimeoutMillis,
        boolean bindFamilies,
        String networkNamespace) throws IOException;

    private static native int receive0(int fd, ByteBuffer buffer, int offset, int length) throws IOException;

    private static native void close0(int fd);
}
