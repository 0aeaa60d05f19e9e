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

    RuleConfig(final Builder builder)
    {
        name = builder.name;
        source = builder.source;
        group = builder.group;
        logPrefix = builder.logPrefix;
        ruleNumber = builder.ruleNumber;
        ifname = builder.ifname;
        action = builder.action;
        direction = builder.direction;
        protocol = builder.protocol;
        port = builder.port;
        nfail = builder.nfail;
        windowMillis = builder.windowMillis;
        durationSeconds = builder.durationSeconds;
        reason = builder.reason;
        escalate = builder.escalate;
        ipv4Prefix = builder.ipv4Prefix;
        ipv6Prefix = builder.ipv6Prefix;
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

    /**
     * Values gathered by {@link RuleSection} from one [rule NAME] section, starting at "match anything".
     */
    static final class Builder
    {
        final String name;
        String source;
        int group = ANY;
        String logPrefix;
        long ruleNumber = ANY;
        String ifname;
        int action = ANY;
        int direction = ANY;
        int protocol = ANY;
        int port = ANY;
        int nfail;
        long windowMillis;
        long durationSeconds;
        ReasonCode reason;
        int escalate = 1;
        int ipv4Prefix;
        int ipv6Prefix;

        Builder(final String name)
        {
            this.name = name;
        }
    }
}
