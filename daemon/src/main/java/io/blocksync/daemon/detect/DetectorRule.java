package io.blocksync.daemon.detect;

import io.blocksync.codec.AddressFamily;
import io.blocksync.daemon.config.RuleConfig;
import io.blocksync.nativeio.AttackEvent;

/**
 * A configured [rule] bound to the index of the source it listens to, as the detector uses it: matching an event
 * field by field, the prefix length to count and ban at, the escalated duration. Immutable.
 */
public final class DetectorRule
{
    public static final int ANY = RuleConfig.ANY;

    final RuleConfig config;
    final int sourceIndex;
    final io.blocksync.codec.ReasonCode reason;

    /**
     * @param sourceIndex index of the rule's source among the node's sources, or {@link #ANY}.
     */
    public DetectorRule(final RuleConfig config, final int sourceIndex)
    {
        this.config = config;
        this.sourceIndex = sourceIndex;
        this.reason = config.reason();
    }

    public String name()
    {
        return config.name();
    }

    /** Field by field, without allocating. */
    boolean matches(final int eventSourceIndex, final AttackEvent event)
    {
        return (sourceIndex == ANY || sourceIndex == eventSourceIndex) &&
            (config.group() == ANY || config.group() == event.group()) &&
            (config.ruleNumber() == ANY || config.ruleNumber() == event.ruleNumber()) &&
            (config.action() == ANY || config.action() == event.action()) &&
            (config.direction() == ANY || config.direction() == event.direction()) &&
            (config.protocol() == ANY || config.protocol() == event.packet().protocol()) &&
            (config.port() == ANY || config.port() == event.packet().destinationPort()) &&
            (null == config.ifname() || event.ifname().equalsAscii(config.ifname())) &&
            (null == config.logPrefix() || event.logPrefix().equalsAscii(config.logPrefix()));
    }

    int prefixLength(final int family)
    {
        return family == AddressFamily.IPV4 ? config.ipv4Prefix() : config.ipv6Prefix();
    }

    int nfail()
    {
        return config.nfail();
    }

    long windowMillis()
    {
        return config.windowMillis();
    }

    /** duration × escalate^offences, without overflow; 0 stays permanent. */
    long durationFor(final int previousOffences)
    {
        final long base = config.durationSeconds();
        if (base == 0)
        {
            return 0;
        }
        long duration = base;
        for (int i = 0; i < previousOffences && duration < 0xFFFF_FFFFL; i++)
        {
            duration = Math.min(0xFFFF_FFFFL, duration * config.escalate());
        }
        return duration;
    }
}
