package io.blocksync.nativeio;

import java.io.IOException;

/**
 * Lists an nftables set's elements straight from the kernel: one {@code NETLINK_NETFILTER} socket kept open, one
 * {@code NFT_MSG_GETSETELEM} dump per call (linux/netfilter/nf_tables.h), no libnftables. libnftables (and so
 * {@code nft list set}) starts its cache fill over whenever the ruleset generation changes before the fill ends: a
 * listing of 100,000 elements, taken while bans keep being committed through another session, never ends (measured:
 * 50,000 elements, 3.7 s alone, 43 s while {@code nft add element} ran in a loop, done only when the loop stopped).
 * The kernel's dump instead goes on and marks a part that saw a change ({@code NLM_F_DUMP_INTR}); {@link Listing#interrupted()}
 * says so (also when the ruleset generation differs before and after the dump: the kernel flags only changes between dump parts) and the caller decides what to trust.
 * <p>
 * Network namespaces: the socket is made inside the given one (on a short-lived thread of its own, as
 * {@link AddressMonitorSocket} does) and stays there. One thread at a time; close once.
 */
public final class NftSetDump implements AutoCloseable
{
    /** Bytes per element in {@link Listing#packed()}. */
    public static final int RECORD_LENGTH = 26;
    /** {@code NFT_SET_ELEM_INTERVAL_END}: the element ends an interval (interval sets list start and end apart). */
    public static final int INTERVAL_END = 1;
    /** {@code NFPROTO_INET}, {@code NFPROTO_IPV4}, {@code NFPROTO_IPV6} (linux/netfilter.h), as nft names families. */
    public static final int FAMILY_INET = 1;
    public static final int FAMILY_IP = 2;
    public static final int FAMILY_IP6 = 10;
    /** The nice value of {@link #background()}: the lowest priority short of {@code SCHED_IDLE}. */
    public static final int BACKGROUND_NICE = 19;

    private int fd;
    private int sequence;

    private NftSetDump(final int fd)
    {
        this.fd = fd;
    }

    /**
     * @return null if a dump socket can be opened, else why not in one line (the JNI library did not load).
     */
    public static String unavailableReason()
    {
        return NativeLibrary.load() ? null : "the JNI library lib" + NativeLibrary.LIBRARY_NAME +
            ".so did not load (" + NativeLibrary.failure() + ")";
    }

    /**
     * Lower the calling thread's CPU priority to nice {@link #BACKGROUND_NICE} (Linux keeps a nice value per thread;
     * processes it starts inherit it), for a thread whose dumps are background work: a dump of a hash set costs the
     * kernel O(n²) in the dumping thread's own context (~46 s of system time at 1,000,000 elements), which at nice 0
     * takes a core from the node's loop and commit worker. At nice 19 it still has every idle cycle.
     *
     * @return null if done, else why not in one line (the JNI library did not load, or setpriority failed).
     */
    public static String background()
    {
        if (!NativeLibrary.load())
        {
            return unavailableReason();
        }
        final int error = nice0(BACKGROUND_NICE);
        return 0 == error ? null : "setpriority failed, errno " + error;
    }

    /**
     * @param networkNamespace a namespace file such as {@code /run/netns/NAME}, or null for this process's.
     * @throws IOException if the library is not loaded or the socket cannot be made there.
     */
    public static NftSetDump open(final String networkNamespace) throws IOException
    {
        final String unavailable = unavailableReason();
        if (null != unavailable)
        {
            throw new IOException(unavailable);
        }
        if (null == networkNamespace)
        {
            return new NftSetDump(open0(null));
        }

        return new NftSetDump(NamespaceOpener.openOnOwnThread("blocksync-nft-dump-open", () -> open0(networkNamespace)));
    }

    /**
     * @param family an nft family: {@code inet}, {@code ip}, {@code ip6}.
     * @return the NFPROTO number, e.g. {@link #FAMILY_INET}.
     * @throws IllegalArgumentException for a family that holds no address sets here ({@code arp}, {@code bridge}...).
     */
    public static int family(final String family)
    {
        return switch (family)
        {
            case "inet" -> FAMILY_INET;
            case "ip" -> FAMILY_IP;
            case "ip6" -> FAMILY_IP6;
            case "bridge" -> 7;
            case "netdev" -> 5;
            default -> throw new IllegalArgumentException("unknown nftables family '" + family + "'");
        };
    }

    /**
     * One dump of a set.
     *
     * @param family {@link #family(String)}.
     * @return the elements.
     * @throws IOException with the kernel's reason, e.g. {@code No such file or directory} for a missing set.
     */
    public Listing dump(final int family, final String table, final String set) throws IOException
    {
        if (fd < 0)
        {
            throw new IOException("nftables dump socket is closed");
        }
        final byte[] packed = dump0(fd, family, table, set, ++sequence);
        return new Listing(packed);
    }

    /**
     * Join {@code NFNLGRP_NFTABLES}, the ruleset's change notifications ({@code nft monitor}'s group), without ever
     * reading them: for benchmarks only ({@code NftCommitRun --listener}). While any socket on the host is a member,
     * the kernel builds a notification for every set element committed, which is why the firewall polls
     * {@link #fingerprint} instead.
     *
     * @throws IOException if the kernel refuses the membership.
     */
    public void subscribe() throws IOException
    {
        if (fd < 0)
        {
            throw new IOException("nftables dump socket is closed");
        }
        subscribe0(fd);
    }

    /**
     * A fingerprint of one table's objects: the table, its chains, sets and rules, each by its kind and handle (four
     * dumps that list no set element; a few syscalls). It changes when any of them is removed or re-created, never
     * with set elements, so polling it notices removals without subscribing to {@code NFNLGRP_NFTABLES}: while any
     * socket on the host is subscribed there, the kernel builds a notification for every set element committed.
     *
     * @param family {@link #family(String)}.
     * @return the fingerprint; equal values mean the same objects (a missing table gives that of no objects).
     * @throws IOException if the socket failed or the kernel refused a dump.
     */
    public long fingerprint(final int family, final String table) throws IOException
    {
        if (fd < 0)
        {
            throw new IOException("nftables dump socket is closed");
        }
        final long print = fingerprint0(fd, family, table, sequence + 1);
        sequence += 4;
        return print;
    }

    public boolean isOpen()
    {
        return fd >= 0;
    }

    /**
     * @return the socket, for {@link NftElementWriter}, which shares its opening (and namespace) with the dump.
     */
    int fd()
    {
        return fd;
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

    /**
     * A set's elements, packed: {@link #RECORD_LENGTH} bytes each from offset 1 ({@link #keyLength(int)},
     * {@link #flags(int)}, {@link #keyByte(int, int)}, {@link #millisLeft(int)}).
     *
     * @param packed byte 0: 1 if the dump was interrupted by a change; then the records.
     */
    public record Listing(byte[] packed)
    {
        public boolean interrupted()
        {
            return 0 != packed[0];
        }

        public int size()
        {
            return (packed.length - 1) / RECORD_LENGTH;
        }

        /**
         * @return 4 (IPv4) or 16 (IPv6) for the address sets here.
         */
        public int keyLength(final int element)
        {
            return packed[1 + element * RECORD_LENGTH] & 0xFF;
        }

        public int flags(final int element)
        {
            return packed[2 + element * RECORD_LENGTH] & 0xFF;
        }

        /**
         * @param index 0 to 15 (zero beyond the key's length).
         */
        public int keyByte(final int element, final int index)
        {
            return packed[3 + element * RECORD_LENGTH + index] & 0xFF;
        }

        /**
         * @return milliseconds until the kernel expires the element, -1 for an element without timeout.
         */
        public long millisLeft(final int element)
        {
            long value = 0;
            final int at = 19 + element * RECORD_LENGTH;
            for (int i = 0; i < 8; i++)
            {
                value = value << 8 | (packed[at + i] & 0xFF);
            }
            return value;
        }
    }

    private static native int open0(String networkNamespace) throws IOException;

    private static native byte[] dump0(int fd, int family, String table, String set, int sequence)
        throws IOException;

    private static native void close0(int fd);

    private static native int nice0(int nice);

    private static native void subscribe0(int fd) throws IOException;

    private static native long fingerprint0(int fd, int family, String table, int sequence) throws IOException;

}
