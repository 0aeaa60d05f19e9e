package io.blocksync.daemon.detect;

import io.blocksync.codec.AddressFamily;
import io.blocksync.nativeio.AttackEvent;

/**
 * One rule in the spirit of a blacklistd.conf line: which events count (by source and by their fields; -1 or null
 * matches anything), how many within what window, and the ban that follows. Immutable.
 */
public final class DetectorRule
{
    public static final int ANY = -1;

    final String name;
    final int sourceIndex;
    final int group;
    final String logPrefix;
    final long ruleNumber;
    final String ifname;
    final int action;
    final int direction;
    final int protocol;
    final int port;
    final int nfail;
    final long windowMillis;
    final long durationSeconds;
    final long reasonPacked;
    final int escalate;
    final int ipv4Prefix;
    final int ipv6Prefix;

    /**
     * @param escalate each further ban of the same source lasts this many times longer (1: no escalation).
     */
    public DetectorRule(
        final String name,
        final int sourceIndex,
        final int group,
        final String logPrefix,
        final long ruleNumber,
        final String ifname,
        final int action,
        final int direction,
        final int protocol,
        final int port,
        final int nfail,
        final long windowMillis,
        final long durationSeconds,
        final long reasonPacked,
        final int escalate,
        final int ipv4Prefix,
        final int ipv6Prefix)
    {
        this.name = name;
        this.sourceIndex = sourceIndex;
        this.group = group;
        this.logPrefix = logPrefix;
        this.ruleNumber = ruleNumber;
        this.ifname = ifname;
        this.action = action;
        this.direction = direction;
        this.protocol = protocol;
        this.port = port;
        this.nfail = nfail;
        this.windowMillis = windowMillis;
        this.durationSeconds = durationSeconds;
        this.reasonPacked = reasonPacked;
        this.escalate = escalate;
        this.ipv4Prefix = ipv4Prefix;
        this.ipv6Prefix = ipv6Prefix;
    }

    public String name()
    {
        return name;
    }

    /** Field by field, without allocating. */
    boolean matches(final int eventSourceIndex, final AttackEvent event)
    {
        return (sourceIndex == ANY || sourceIndex == eventSourceIndex) &&
            (group == ANY || group == event.group()) &&
            (ruleNumber == ANY || ruleNumber == event.ruleNumber()) &&
            (action == ANY || action == event.action()) &&
            (direction == ANY || direction == event.direction()) &&
            (protocol == ANY || protocol == event.protocol()) &&
            (port == ANY || port == event.destinationPort()) &&
            (null == ifname || event.ifnameEquals(ifname)) &&
            (null == logPrefix || event.prefixEquals(logPrefix));
    }

    int prefixLength(final int family)
    {
        return family == AddressFamily.IPV4 ? ipv4Prefix : ipv6Prefix;
    }

    /** duration × escalate^offences, without overflow; 0 stays permanent. */
    long durationFor(final int previousOffences)
    {
        if (durationSeconds == 0)
        {
            return 0;
        }
        long duration = durationSeconds;
        for (int i = 0; i < previousOffences && duration < 0xFFFF_FFFFL; i++)
        {
            duration = Math.min(0xFFFF_FFFFL, duration * escalate);
        }
        return duration;
    }
}
