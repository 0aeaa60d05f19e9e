package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.firewall.FailureKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Questions the CLI asks a running node over its control socket, answered from the firewall's any-thread views
 * without the node's loop: which bans the kernel enforces ({@code enforced PREFIX}) and the firewall's failures with
 * their last message ({@code firewall KIND}). A node that is not running answers nothing: callers show that.
 */
final class NodeQuestions
{
    /** Lines per exchange, under the server's limit per request. */
    private static final int SLICE = 10_000;
    /** The loop refreshes its alive time every second. */
    private static final long ALIVE_WITHIN_MILLIS = 5_000;

    private NodeQuestions()
    {
    }

    /** What the node says of one prefix. */
    record Enforcement(boolean enforced, String refusal)
    {
    }

    /** One kind of firewall failure: the backend, the count so far and the last message (null if none). */
    record Failures(String backend, String kind, long count, String lastMessage)
    {
    }

    /**
     * A node stopped with SIGSTOP would hold the exchange for the client's whole timeout: ask only one whose loop
     * refreshed its alive time lately.
     */
    static boolean isRunning(final NodeConfig config)
    {
        try (StatusFile status = StatusFile.openForReading(config.stateDir()))
        {
            return System.currentTimeMillis() - status.aliveTimeMillis() < ALIVE_WITHIN_MILLIS;
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * @param prefixes as the store lists them.
     * @return one answer per prefix, in order; null when the node does not answer (not running, or too old).
     */
    static List<Enforcement> enforcement(final NodeConfig config, final List<String> prefixes)
    {
        if (!isRunning(config))
        {
            return null;
        }
        final List<Enforcement> answers = new ArrayList<>(prefixes.size());
        try
        {
            for (int from = 0; from < prefixes.size(); from += SLICE)
            {
                final List<String> lines = new ArrayList<>();
                for (final String prefix : prefixes.subList(from, Math.min(prefixes.size(), from + SLICE)))
                {
                    lines.add(ControlProtocol.ENFORCED + " " + prefix);
                }
                final List<String> replies = ControlClient.exchange(config.stateDir(), lines);
                if (replies.size() != lines.size())
                {
                    return null;
                }
                for (final String reply : replies)
                {
                    // "ok enforced PREFIX true" or "ok enforced PREFIX false[ refused: MESSAGE]"
                    final String[] words = reply.split(" ", 5);
                    if (words.length < 4 || !ControlProtocol.OK.equals(words[0]))
                    {
                        return null;
                    }
                    answers.add(new Enforcement("true".equals(words[3]),
                        words.length == 5 ? words[4].substring(Math.min(words[4].length(), "refused: ".length())) : null));
                }
            }
        }
        catch (final IOException ex)
        {
            return null;
        }
        return answers;
    }

    /**
     * @return every kind's failures, in {@link FailureKind} order; null when the node does not answer.
     */
    static List<Failures> firewallFailures(final NodeConfig config)
    {
        if (!isRunning(config))
        {
            return null;
        }
        final List<String> lines = new ArrayList<>();
        for (final FailureKind kind : FailureKind.values())
        {
            lines.add(ControlProtocol.FIREWALL + " " + kind.label());
        }
        try
        {
            final List<String> replies = ControlClient.exchange(config.stateDir(), lines);
            final List<Failures> failures = new ArrayList<>();
            for (final String reply : replies)
            {
                // "ok firewall BACKEND KIND COUNT[ last: MESSAGE]"
                final String[] words = reply.split(" ", 6);
                if (words.length < 5 || !ControlProtocol.OK.equals(words[0]))
                {
                    return null;
                }
                failures.add(new Failures(words[2], words[3], Long.parseLong(words[4]),
                    words.length == 6 ? words[5].substring(Math.min(words[5].length(), "last: ".length())) : null));
            }
            return failures.size() == lines.size() ? failures : null;
        }
        catch (final IOException | NumberFormatException ex)
        {
            return null;
        }
    }
}
