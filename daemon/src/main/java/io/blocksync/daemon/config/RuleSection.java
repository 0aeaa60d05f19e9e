package io.blocksync.daemon.config;

import io.blocksync.codec.ReasonCode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * [rule NAME]: a blacklistd.conf-style detector rule. Defaults come from [bans] (duration, prefix lengths).
 */
final class RuleSection
{
    static final String NAME = "rule";

    private static final Map<String, Integer> ACTIONS = Map.of("pass", 0, "block", 1, "scrub", 2);
    private static final Map<String, Integer> DIRECTIONS = Map.of("in", 1, "out", 2);
    private static final Map<String, Integer> PROTOCOLS = Map.of("icmp", 1, "tcp", 6, "udp", 17, "icmpv6", 58, "sctp", 132);

    private RuleSection()
    {
    }

    /**
     * @return the rule, or null when something is wrong (reported).
     */
    static RuleConfig bind(final SectionReader reader, final String name, final Set<String> sourceNames, final NodeConfig.Builder config)
    {
        final RuleConfig.Builder rule = new RuleConfig.Builder(name);
        rule.source = reader.value("source", text ->
        {
            if (!sourceNames.contains(text))
            {
                throw new IllegalArgumentException("no [source " + text + "] in this file" +
                    NearMiss.hint(text, sourceNames, "'", "'"));
            }
            return text;
        }, null);
        rule.group = reader.value("group", Values.integer(0, 65_535), RuleConfig.ANY);
        rule.logPrefix = reader.value("log-prefix", RuleSection::parseLogPrefix, null);
        rule.ruleNumber = reader.value("rule-number", Values.integer(0, Integer.MAX_VALUE), RuleConfig.ANY);
        rule.ifname = reader.value("interface", Values.name(), null);
        rule.action = reader.value("action", named("action", ACTIONS), RuleConfig.ANY);
        rule.direction = reader.value("direction", named("direction", DIRECTIONS), RuleConfig.ANY);
        rule.protocol = reader.value("protocol", RuleSection::parseProtocol, RuleConfig.ANY);
        rule.port = reader.value("port", Values.integer(1, 65_535), RuleConfig.ANY);
        final Integer nfail = reader.required("nfail", Values.integer(1, 1_000_000));
        rule.windowMillis = reader.value("window", Values.millis(1_000, 30L * 86_400_000), 60_000L);
        rule.durationSeconds = reader.value("duration", Values.banSeconds(config.maxBanSeconds), config.defaultBanSeconds);
        rule.reason = reader.value("reason", RuleSection::parseReason, defaultReason(name));
        rule.escalate = reader.value("escalate", Values.integer(1, 100), 1);
        rule.ipv4Prefix = reader.value("ipv4-prefix", Values.integer(1, 32), config.ipv4BanPrefix);
        rule.ipv6Prefix = reader.value("ipv6-prefix", Values.integer(1, 128), config.ipv6BanPrefix);
        reader.finish();

        if (null == rule.reason)
        {
            reader.errorAt("rule '" + name + "' needs a reason: its name is not a valid reason (" +
                ReasonCode.validate(name) + "); add reason = ...", "reason");
        }
        if (null == nfail || null == rule.reason || !reader.allValuesValid())
        {
            return null;
        }
        rule.nfail = nfail;
        return new RuleConfig(rule);
    }

    private static ReasonCode defaultReason(final String name)
    {
        return null == ReasonCode.validate(name) ? ReasonCode.of(name) : null;
    }

    private static ReasonCode parseReason(final String text)
    {
        final String error = ReasonCode.validate(text);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return ReasonCode.of(text);
    }

    private static String parseLogPrefix(final String text)
    {
        final String unquoted = text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ?
            text.substring(1, text.length() - 1) : text;
        if (unquoted.isEmpty() || unquoted.length() > 64)
        {
            throw new IllegalArgumentException("expected the nftables/iptables log prefix, 1-64 characters");
        }
        return unquoted;
    }

    private static int parseProtocol(final String text)
    {
        final Integer named = PROTOCOLS.get(text);
        if (null != named)
        {
            return named;
        }
        try
        {
            final int number = Integer.parseInt(text);
            if (number >= 0 && number <= 255)
            {
                return number;
            }
        }
        catch (final NumberFormatException ex)
        {
            // fall through to the message
        }
        throw new IllegalArgumentException(Quoted.quote(text) + " is not a protocol; expected tcp, udp, icmp, icmpv6, sctp or 0-255");
    }

    private static ValueParser<Integer> named(final String what, final Map<String, Integer> values)
    {
        return text ->
        {
            final Integer value = values.get(text);
            if (null == value)
            {
                final List<String> names = values.keySet().stream().sorted().toList();
                throw new IllegalArgumentException(Quoted.quote(text) + " is not a pflog " + what + "; expected " +
                    String.join(", ", names));
            }
            return value;
        };
    }
}
