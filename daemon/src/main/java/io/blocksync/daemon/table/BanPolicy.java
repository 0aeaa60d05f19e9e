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
 */
public final class BanPolicy
{
    public static final int ACCEPT = 0;
    public static final int PROTECTED = 1;
    public static final int TOO_BROAD = 2;

    private final ProtectedPrefixes protectedPrefixes;
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
     * Allocation-free; safe from any thread.
     *
     * @param prefix a ban's prefix, IPv4 or IPv6.
     * @return {@link #TOO_BROAD} if shorter than the family's minimum, else {@link #PROTECTED} if it overlaps a
     * protected prefix in any of its spellings, else {@link #ACCEPT}.
     */
    public int checkPrefix(final IpPrefix prefix)
    {
        final int minimum = prefix.family() == AddressFamily.IPV4 ? minPrefixIpv4 : minPrefixIpv6;
        if (prefix.prefixLength() < minimum)
        {
            return TOO_BROAD;
        }
        return protectedPrefixes.find(prefix) != ProtectedPrefixes.NONE ? PROTECTED : ACCEPT;
    }

    /** Why a prefix is protected, for messages to operators; null when it is not. */
    public String whyProtected(final IpPrefix prefix)
    {
        final int match = protectedPrefixes.find(prefix);
        return match == ProtectedPrefixes.NONE ? null : protectedPrefixes.describe(match);
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
