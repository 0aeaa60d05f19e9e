package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.Json;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.firewall.FailureKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The firewall part of {@code blocksync status}: failures per backend and kind (apply, partial, check, drift,
 * cleanup), counted in the status file (ids {@link NodeCounters#FIREWALL_APPLY_FAILURES_ID} to
 * {@link NodeCounters#FIREWALL_CLEANUP_FAILURES_ID}), each with the last failure's message, which a running node
 * gives over its control socket ({@code firewall KIND}).
 */
final class FirewallFailureView
{
    private static final int[] COUNTER_IDS = {
        NodeCounters.FIREWALL_APPLY_FAILURES_ID,
        NodeCounters.FIREWALL_PARTIAL_APPLIES_ID,
        NodeCounters.FIREWALL_CHECK_FAILURES_ID,
        NodeCounters.FIREWALL_DRIFT_REPAIRS_ID,
        NodeCounters.FIREWALL_CLEANUP_FAILURES_ID };

    private FirewallFailureView()
    {
    }

    /**
     * Prints, e.g.:
     * <pre>
     *   firewall ipset: apply 0, partial 2, check 0, drift 0, cleanup 0
     *     partial: 1 of 1 element changes refused: ipset v7.17: Hash is full, cannot add more elements
     * </pre>
     */
    static void print(final NodeConfig config, final StatusReading reading, final boolean alive,
        final java.io.PrintStream out)
    {
        final List<NodeQuestions.Failures> answers = alive ? NodeQuestions.firewallFailures(config) : null;
        final StringBuilder line = new StringBuilder("  firewall ").append(backend(config, answers)).append(':');
        final FailureKind[] kinds = FailureKind.values();
        for (int i = 0; i < kinds.length; i++)
        {
            line.append(i == 0 ? " " : ", ").append(kinds[i].label()).append(' ').append(count(reading, i));
        }
        out.println(line);
        if (null == answers)
        {
            out.println("    (last failure messages: the node does not answer on its control socket)");
            return;
        }
        for (final NodeQuestions.Failures failures : answers)
        {
            if (null != failures.lastMessage())
            {
                out.println("    " + failures.kind() + ": " + failures.lastMessage());
            }
        }
    }

    /** {@code {"backend":"ipset","failures":{"apply":{"count":0,"last_message":null},...}}}. */
    static String json(final NodeConfig config, final StatusReading reading, final boolean alive)
    {
        final List<NodeQuestions.Failures> answers = alive ? NodeQuestions.firewallFailures(config) : null;
        final List<String> kinds = new ArrayList<>();
        final FailureKind[] all = FailureKind.values();
        for (int i = 0; i < all.length; i++)
        {
            final String message = null == answers ? null : answers.get(i).lastMessage();
            kinds.add(Json.string(all[i].label()) + ":{\"count\":" + count(reading, i) +
                ",\"last_message\":" + Json.string(message) + "}");
        }
        return "{\"backend\":" + Json.string(backend(config, answers)) + ",\"failures\":{" + String.join(",", kinds) + "}}";
    }

    /** The running node's backend; the config's when it does not answer. */
    private static String backend(final NodeConfig config, final List<NodeQuestions.Failures> answers)
    {
        return null == answers || answers.isEmpty() ? config.firewallBackend() : answers.get(0).backend();
    }

    private static long count(final StatusReading reading, final int kind)
    {
        final Long value = reading.nodeById.get(COUNTER_IDS[kind]);
        return null == value ? 0 : value;
    }
}
