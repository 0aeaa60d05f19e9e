package io.blocksync.nativeio;

import java.io.IOException;

/**
 * Writes nftables set elements straight to the kernel: one {@code NETLINK_NETFILTER} socket kept open (made as
 * {@link NftSetDump}'s, in the same network namespace handling), one {@link NftElementBatch} per commit, one
 * acknowledgement per element message. No libnftables: nft 1.0.6 refreshes its whole cache before a command once the
 * ruleset changed, and every commit changes it, so each lone element it writes first dumps every interval set's
 * elements (measured: a lone host ban 0.2 ms with no prefix bans held, 3 ms with 1,000, 78 ms with 10,000).
 * <p>
 * The kernel commits a batch only if every message in it is accepted; {@link #commit()} says which were refused and
 * with what errno ({@link NftElementBatch#error(int)}), so the caller can leave them out and send the rest again.
 * One thread at a time; close once.
 */
public final class NftElementWriter implements AutoCloseable
{
    /** {@link #commit()}: the kernel committed the batch. */
    public static final int COMMITTED = 0;
    /** {@link #commit()}: element messages were refused (see their errors); the kernel committed nothing. */
    public static final int REFUSED = -1;

    private final NftSetDump socket;
    private final NftElementBatch batch = new NftElementBatch();
    private int sequence;
    private long commits;
    private long messagesSent;

    private NftElementWriter(final NftSetDump socket) throws IOException
    {
        this.socket = socket;
        prepare0(socket.fd());
    }

    /**
     * @return null if a writer can be opened, else why not in one line (the JNI library did not load).
     */
    public static String unavailableReason()
    {
        return NftSetDump.unavailableReason();
    }

    /**
     * @param networkNamespace a namespace file such as {@code /run/netns/NAME}, or null for this process's.
     * @throws IOException if the library is not loaded or the socket cannot be made there.
     */
    public static NftElementWriter open(final String networkNamespace) throws IOException
    {
        final NftSetDump socket = NftSetDump.open(networkNamespace);
        try
        {
            return new NftElementWriter(socket);
        }
        catch (final IOException | RuntimeException ex)
        {
            socket.close();
            throw ex;
        }
    }

    /**
     * @return the batch, emptied and begun: add messages, then {@link #commit()}.
     */
    public NftElementBatch batch()
    {
        // Sequence numbers only tell this commit's answers from a late one of an earlier commit.
        sequence += batch.messages() + 2;
        batch.reset(sequence);
        return batch;
    }

    /**
     * Send the batch begun by {@link #batch()} and wait for the kernel's answer to each message (up to 10 s).
     *
     * @return {@link #COMMITTED}, {@link #REFUSED} (see {@link NftElementBatch#error(int)}), or the errno of a failure
     * of the whole batch (e.g. EPERM without CAP_NET_ADMIN; the commit itself failing).
     * @throws IOException if the socket failed or no answer came.
     */
    public int commit() throws IOException
    {
        if (!socket.isOpen())
        {
            throw new IOException("nf_tables element socket is closed");
        }
        batch.finish();
        commits++;
        messagesSent += batch.messages() + 2;
        return commit0(socket.fd(), batch.bytes(), batch.length(), batch.firstSequence(), batch.errors(),
            batch.errorOffsets());
    }

    /**
     * @return the C library's text for an errno, e.g. {@code File exists}.
     */
    public static String describe(final int errno)
    {
        return NftSetDump.unavailableReason() == null ? strerror0(errno) : "errno " + errno;
    }

    /**
     * @return batches sent since open.
     */
    public long commits()
    {
        return commits;
    }

    /**
     * @return netlink messages sent since open (batch begin and end included); the writer sends no other kind.
     */
    public long messagesSent()
    {
        return messagesSent;
    }

    public boolean isOpen()
    {
        return socket.isOpen();
    }

    /** Idempotent. */
    @Override
    public void close()
    {
        socket.close();
    }

    private static native void prepare0(int fd) throws IOException;

    private static native int commit0(int fd, byte[] batch, int length, int first, int[] errors, int[] offsets)
        throws IOException;

    private static native String strerror0(int errno);
}
