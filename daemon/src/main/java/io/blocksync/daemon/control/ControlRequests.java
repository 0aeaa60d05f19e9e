package io.blocksync.daemon.control;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.firewall.FailureKind;
import io.blocksync.firewall.Firewall;

/**
 * Reads control request lines ({@link ControlProtocol}) on a connection's thread: decisions go into a
 * {@link LocalRequest} for the loop; questions about the firewall ({@code enforced}, {@code firewall}) are answered
 * here from its any-thread views, without the loop. Ban lengths go through {@link Durations#parseBanSeconds(String,
 * long)}, the parser the CLI and the config file use too.
 */
final class ControlRequests
{
    private static final FailureKind[] KINDS = FailureKind.values();

    private final int nodeId;
    private final int ipv4BanPrefix;
    private final int ipv6BanPrefix;
    private final long defaultBanSeconds;
    private final long maxBanSeconds;
    private final String backend;
    private final Firewall firewall;

    /**
     * @param config   the node's id, default ban prefix lengths, default and longest ban, firewall backend name.
     * @param firewall read from any thread for {@code enforced} and {@code firewall}.
     */
    ControlRequests(final NodeConfig config, final Firewall firewall)
    {
        this.nodeId = config.nodeId();
        this.ipv4BanPrefix = config.ipv4BanPrefix();
        this.ipv6BanPrefix = config.ipv6BanPrefix();
        this.defaultBanSeconds = config.defaultBanSeconds();
        this.maxBanSeconds = config.maxBanSeconds();
        this.backend = config.firewall().backend();
        this.firewall = firewall;
    }

    /**
     * @param prefix scratch for parsing.
     * @return the reply for a line answered here, or null for a decision added to the request (its index is
     * {@code request.size() - 1}).
     */
    String parse(final String line, final LocalRequest request, final IpPrefix prefix)
    {
        final String[] words = line.trim().split("\\s+");
        switch (words[0])
        {
            case ControlProtocol.PING:
                return ControlProtocol.OK + " pong node " + nodeId;

            case ControlProtocol.BAN:
                return parseBan(words, request, prefix);

            case ControlProtocol.UNBAN:
            {
                if (words.length != 2)
                {
                    return ControlProtocol.ERROR + " usage: unban PREFIX";
                }
                final String error = parsePrefix(words[1], prefix);
                if (null != error)
                {
                    return ControlProtocol.ERROR + " " + error;
                }
                request.add(BanAction.UNBAN, prefix, 0, 0, 0, 0);
                return null;
            }

            case ControlProtocol.ENFORCED:
                return enforced(words, prefix);

            case ControlProtocol.FIREWALL:
                return firewallFailures(words);

            default:
                // The server answers these itself when they come first; after another line they are misplaced,
                // not unknown.
                if (ControlFlush.isFlush(line) || ControlListings.isListing(line))
                {
                    return ControlProtocol.ERROR + " " + line.trim() + " must be the only line of its request";
                }
                return ControlProtocol.ERROR + " unknown request " + quoted(words[0]);
        }
    }

    private String parseBan(final String[] words, final LocalRequest request, final IpPrefix prefix)
    {
        if (words.length != 6 && words.length != 7)
        {
            return ControlProtocol.ERROR + " usage: ban PREFIX SECONDS REASON PROTOCOL PORT [HITS]";
        }
        final String error = parsePrefix(words[1], prefix);
        if (null != error)
        {
            return ControlProtocol.ERROR + " " + error;
        }
        final String reasonError = ReasonCode.validate(words[3]);
        if (null != reasonError)
        {
            return ControlProtocol.ERROR + " " + words[1] + ": " + reasonError;
        }
        final long seconds;
        try
        {
            seconds = ControlProtocol.DEFAULT.equals(words[2]) ? defaultBanSeconds :
                Durations.parseBanSeconds(words[2], maxBanSeconds);
        }
        catch (final IllegalArgumentException ex)
        {
            return ControlProtocol.ERROR + " " + words[1] + ": " + ex.getMessage();
        }
        final long protocol = parseNumber(words[4], 255);
        final long port = parseNumber(words[5], 65_535);
        if (protocol < 0 || port < 0)
        {
            return ControlProtocol.ERROR + " " + words[1] + ": protocol must be a number 0-255 and port 0-65535";
        }
        final long hits = words.length == 7 ? parseNumber(words[6], Integer.MAX_VALUE) : 0;
        if (hits < 0)
        {
            return ControlProtocol.ERROR + " " + words[1] + ": hits must be a number, 0 or more";
        }
        request.add(BanAction.BAN, prefix, seconds, ReasonCode.of(words[3]), (int)protocol, (int)port);
        request.item(request.size() - 1).hitCount((int)hits);
        return null;
    }

    /** {@code enforced PREFIX}: whether the firewall confirms the kernel holds it, and the kernel's refusal if any. */
    private String enforced(final String[] words, final IpPrefix prefix)
    {
        if (words.length != 2)
        {
            return ControlProtocol.ERROR + " usage: enforced PREFIX";
        }
        final String error = parsePrefix(words[1], prefix);
        if (null != error)
        {
            return ControlProtocol.ERROR + " " + error;
        }
        final String text = AddressText.format(prefix);
        if (firewall.isEnforced(prefix))
        {
            return ControlProtocol.OK + " " + ControlProtocol.ENFORCED + " " + text + " true";
        }
        final String refusal = firewall.refusal(prefix);
        return ControlProtocol.OK + " " + ControlProtocol.ENFORCED + " " + text + " false" +
            (null == refusal ? "" : " refused: " + oneLine(refusal));
    }

    /** {@code firewall KIND}: the backend, the kind's failures so far and the last one's message. */
    private String firewallFailures(final String[] words)
    {
        if (words.length == 2)
        {
            for (final FailureKind kind : KINDS)
            {
                if (kind.label().equals(words[1]))
                {
                    final String message = firewall.failureMessage(kind);
                    return ControlProtocol.OK + " " + ControlProtocol.FIREWALL + " " + backend + " " + kind.label() + " " +
                        firewall.failures(kind) + (null == message ? "" : " last: " + oneLine(message));
                }
            }
        }
        return ControlProtocol.ERROR + " usage: firewall KIND (apply, partial, check, drift or cleanup)";
    }

    /**
     * PREFIX as the control socket takes it: an address (the configured ban prefix length applies), or ADDRESS/LEN,
     * whose host bits are cleared as ipset, nft and pf clear them: {@code 192.0.2.60/24} is {@code 192.0.2.0/24}
     * (sshguard and blacklistd hand over the attacker's address with the length to block). The config file stays strict.
     *
     * @return null when parsed into {@code prefix}, else the error.
     */
    private String parsePrefix(final String word, final IpPrefix prefix)
    {
        final String error = AddressText.parse(word, prefix, ipv4BanPrefix, ipv6BanPrefix);
        final int slash = word.indexOf('/');
        if (null == error || slash < 0 || !error.contains("host bits set"))
        {
            return error;
        }
        final int length = (int)parseNumber(word.substring(slash + 1), 128);
        return AddressText.parse(word.substring(0, slash), prefix, Math.min(length, 32), length);
    }

    /**
     * A tool's message as part of one reply line: control characters become spaces, and it is cut at
     * {@link ControlProtocol#MAX_MESSAGE_CHARS}.
     */
    static String oneLine(final String message)
    {
        final int end = Math.min(message.length(), ControlProtocol.MAX_MESSAGE_CHARS);
        final StringBuilder out = new StringBuilder(end + 3);
        for (int i = 0; i < end; i++)
        {
            final char c = message.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return (message.length() > end ? out.append("...") : out).toString().strip();
    }

    private static String quoted(final String word)
    {
        return "'" + oneLine(word.length() > 40 ? word.substring(0, 40) : word) + "'";
    }

    private static long parseNumber(final String text, final long max)
    {
        try
        {
            final long value = Long.parseLong(text);
            return value >= 0 && value <= max ? value : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
