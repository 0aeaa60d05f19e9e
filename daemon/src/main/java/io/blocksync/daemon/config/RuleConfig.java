package io.blocksync.daemon.config;

import io.blocksync.codec.ReasonCode;

/**
 * A [rule NAME] section: which events count, how many within what window, and the ban that follows. Match
 * fields are -1 (numbers) or null (text) when the rule does not look at them. Immutable.
 */
public final class RuleConfig
{
    public static final int ANY = -1;

    private final String name;
    private final String source;
    private final int group;
    private final String logPrefix;
    private final long ruleNumber;
    private final String ifname;
    private final int action;
    private final int direction;
    private final int protocol;
    private final int port;
    private final int nfail;
    private final long windowMillis;
    private final long durationSeconds;
    private final ReasonCode reason;
    private final int escalate;
    private final int ipv4Prefix;
    private final int ipv6Prefix;

    RuleConfig(
        final String name,
        final String source,
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
        final ReasonCode reason,
        final int escalate,
        final int ipv4Prefix,
        final int ipv6Prefix)
    {
        this.name = name;
        this.source = source;
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
        this.reason = reason;
        this.escalate = escalate;
        this.ipv4Prefix = ipv4Prefix;
        this.ipv6Prefix = ipv6Prefix;
    }

    public String name()
    {
        return name;
    }

    /** Name of the [source] whose events count, or null for every source. */
    public String source()
    {
        return source;
    }

    public int group()
    {
        return group;
    }

    public String logPrefix()
    {
        return logPrefix;
    }

    public long ruleNumber()
    {
        return ruleNumber;
    }

    public String ifname()
    {
        return ifname;
    }

    /** pflog action code (0 pass, 1 block, 2 scrub), or {@link #ANY}. */
    public int action()
    {
        return action;
    }

    /** pflog direction code (1 in, 2 out), or {@link #ANY}. */
    public int direction()
    {
        return direction;
    }

    public int protocol()
    {
        return protocol;
    }

    public int port()
    {
        return port;
    }

    public int nfail()
    {
        return nfail;
    }

    public long windowMillis()
    {
        return windowMillis;
    }

    public long durationSeconds()
    {
        return durationSeconds;
    }

    public ReasonCode reason()
    {
        return reason;
    }

    public int escalate()
    {
        return escalate;
    }

    public int ipv4Prefix()
    {
        return ipv4Prefix;
    }

    public int ipv6Prefix()
    {
        return ipv6Prefix;
    }

    public String toString()
    {
        return "[rule " + name + "] " + nfail + " in " + Durations.formatMillis(windowMillis) + " -> ban " +
            Durations.formatBanSeconds(durationSeconds) + " reason " + reason;
    }
}
