package io.blocksync.daemon.table;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.List;

/**
 * Guard rails applied to every ban, local or from a peer, before it touches state: never ban a protected address
 * (the allow-list, every peer, this node's own addresses) or a prefix covering one, in any spelling (an IPv4
 * address also in its IPv6 embeddings, see {@link ProtectedPrefixes}); refuse prefixes shorter than
 * the configured minimum; clamp durations; limit how many records each origin may have applied per second.
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
    private final Int2ObjectHashMap<long[]> rateByOrigin = new Int2ObjectHashMap<>();

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

    /**
     * Token bucket per origin: {@code originRatePerSecond} records per second, bursts up to one second's worth.
     * The receiver asks before applying a peer's datagram; a refused datagram is not acknowledged, so the sender
     * retransmits it later: a flood is slowed down, never lost.
     */
    public boolean admitRecords(final int originNodeId, final int records, final long nowMillis)
    {
        long[] bucket = rateByOrigin.get(originNodeId);
        if (null == bucket)
        {
            bucket = new long[]{ originRatePerSecond, nowMillis };
            rateByOrigin.put(originNodeId, bucket);
        }

        final long added = (nowMillis - bucket[1]) * originRatePerSecond / 1000;
        if (added > 0)
        {
            bucket[0] = Math.min(originRatePerSecond, bucket[0] + added);
            // Keep the fraction of a token already earned, unless the bucket is full.
            bucket[1] = bucket[0] == originRatePerSecond ? nowMillis : bucket[1] + added * 1000 / originRatePerSecond;
        }
        if (bucket[0] < Math.min(records, originRatePerSecond))
        {
            return false;
        }
        bucket[0] -= records;
        return true;
    }
}
