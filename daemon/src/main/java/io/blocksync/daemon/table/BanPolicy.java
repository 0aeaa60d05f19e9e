package io.blocksync.daemon.table;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;

import java.util.List;

/**
 * Guard rails applied to every ban, local or from a peer, before it touches state: never ban a protected address
 * (the allow-list, every peer, this node's own addresses) or a prefix covering one, in any spelling (an IPv4
 * address also in its IPv6 embeddings, see {@link ProtectedPrefixes}); refuse prefixes shorter than the configured
 * minimum; clamp durations. It also holds the rate of records a peer may have applied per second, which the
 * receiver's {@link RecordBudgets} enforce per origin and per sending peer.
 * <p>
 * The configured prefixes are fixed at start; this host's own addresses are live: {@link #ownAddresses} replaces
 * them whole whenever an interface gains or loses one (node/OwnAddressFollower), and every check from then on, on
 * any thread, sees the new set. Each set is an immutable snapshot published through a volatile field, so a check
 * allocates nothing and never sees half a change.
 */
public final class BanPolicy
{
    public static final int ACCEPT = 0;
    public static final int PROTECTED = 1;
    public static final int TOO_BROAD = 2;

    private static final ProtectedPrefixes NO_ADDRESSES = new ProtectedPrefixes(List.of(), List.of());

    private final ProtectedPrefixes protectedPrefixes;
    private volatile ProtectedPrefixes ownAddresses = NO_ADDRESSES;
    private volatile long ownAddressesGeneration;
    private final int minPrefixIpv4;
    private final int minPrefixIpv6;
    private final long maxDurationSeconds;
    private final int originRatePerSecond;

    public BanPolicy(
        final List<IpPrefix> protectedPrefixes,
        final List<String> protectedWhy,
        final int minPrefixIpv4,
        final int minPrefixIpv6,
        final long maxDurationSeconds,
        final int originRatePerSecond)
    {
        this.protectedPrefixes = new ProtectedPrefixes(protectedPrefixes, protectedWhy);
        this.minPrefixIpv4 = minPrefixIpv4;
        this.minPrefixIpv6 = minPrefixIpv6;
        this.maxDurationSeconds = maxDurationSeconds;
        this.originRatePerSecond = originRatePerSecond;
    }

    /**
     * Replace this host's own addresses: protected from now on, on every thread; the previous set stops being
     * protected (configured prefixes stay). One writer at a time (the monitor thread); allocates the new snapshot.
     *
     * @param addresses host prefixes (/32, /128) of this host's interfaces.
     * @param why       one operator-facing reason per address, e.g. {@code address of this host on eth0}.
     * @throws IllegalArgumentException if the lists differ in length.
     */
    public void ownAddresses(final List<IpPrefix> addresses, final List<String> why)
    {
        ownAddresses = new ProtectedPrefixes(addresses, why);
        ownAddressesGeneration++;
    }

    /**
     * @return how many times {@link #ownAddresses} replaced the set: a reader that saw another value must look again
     * at the bans that cover an own address. Any thread.
     */
    public long ownAddressesGeneration()
    {
        return ownAddressesGeneration;
    }

    /**
     * Allocation-free; safe from any thread.
     *
     * @param prefix a ban's prefix, IPv4 or IPv6.
     * @return true if it overlaps one of this host's own addresses now, in any spelling.
     */
    public boolean coversOwnAddress(final IpPrefix prefix)
    {
        return ownAddresses.find(prefix) != ProtectedPrefixes.NONE;
    }

    /**
     * Allocation-free; safe from any thread.
     *
     * @param prefix a ban's prefix, IPv4 or IPv6.
     * @return {@link #TOO_BROAD} if shorter than the family's minimum, else {@link #PROTECTED} if it overlaps a
     * protected prefix or an own address in any of its spellings, else {@link #ACCEPT}.
     */
    public int checkPrefix(final IpPrefix prefix)
    {
        final int minimum = prefix.family() == AddressFamily.IPV4 ? minPrefixIpv4 : minPrefixIpv6;
        if (prefix.prefixLength() < minimum)
        {
            return TOO_BROAD;
        }
        return protectedPrefixes.find(prefix) != ProtectedPrefixes.NONE || coversOwnAddress(prefix) ? PROTECTED : ACCEPT;
    }

    /** Why a prefix is protected, for messages to operators; null when it is not. */
    public String whyProtected(final IpPrefix prefix)
    {
        final int match = protectedPrefixes.find(prefix);
        if (match != ProtectedPrefixes.NONE)
        {
            return protectedPrefixes.describe(match);
        }
        final ProtectedPrefixes own = ownAddresses;
        final int ownMatch = own.find(prefix);
        return ownMatch == ProtectedPrefixes.NONE ? null : own.describe(ownMatch);
    }

    public int minPrefixLength(final int family)
    {
        return family == AddressFamily.IPV4 ? minPrefixIpv4 : minPrefixIpv6;
    }

    /** 0 means permanent and is only kept when the maximum is permanent too. */
    public long clampDuration(final long seconds)
    {
        if (maxDurationSeconds == 0)
        {
            return seconds;
        }
        return seconds == 0 ? maxDurationSeconds : Math.min(seconds, maxDurationSeconds);
    }

    public long maxDurationSeconds()
    {
        return maxDurationSeconds;
    }

    /** Records per second, one second of burst, that each origin and each sending peer may have applied. */
    public int originRatePerSecond()
    {
        return originRatePerSecond;
    }
}
