package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The ipset backend's iptables/ip6tables rules: one {@code -m set --match-set SET src -j DROP} per family at the top
 * of INPUT (and FORWARD if configured), checked with {@code -C} first so each is inserted once (iptables(8)).
 */
final class IpsetRules
{
    private final IpsetSettings settings;
    private final Tool iptables;
    private final Tool ip6tables;

    IpsetRules(final IpsetSettings settings, final Tool iptables, final Tool ip6tables)
    {
        this.settings = settings;
        this.iptables = iptables;
        this.ip6tables = ip6tables;
    }

    /**
     * Insert every missing rule.
     *
     * @throws FirewallException with the tool's message if a check or insert fails.
     */
    void ensure()
    {
        final List<String> chains = new ArrayList<>(2);
        chains.add("INPUT");
        if (settings.forwardChain)
        {
            chains.add("FORWARD");
        }

        for (final String chain : chains)
        {
            ensureRule(iptables, chain, settings.set4);
            ensureRule(ip6tables, chain, settings.set6);
        }
    }

    /**
     * Delete every rule of ours that matches the set (so it can be destroyed and created again).
     *
     * @param set one of the configured sets.
     * @throws FirewallException with the tool's message if a delete fails otherwise than for a missing rule.
     */
    void remove(final String set)
    {
        final Tool tool = set.equals(settings.set4) ? iptables : ip6tables;
        for (final String chain : settings.forwardChain ? List.of("INPUT", "FORWARD") : List.of("INPUT"))
        {
            final List<String> delete = new ArrayList<>(List.of("-w", "-D", chain, "-m", "set", "--match-set", set,
                "src", "-j", "DROP"));
            for (CommandResult result = tool.run(delete, null); ; result = tool.run(delete, null))
            {
                if (1 == result.exitStatus())
                {
                    break;
                }
                if (0 != result.exitStatus())
                {
                    throw new FirewallException(tool.failure(result));
                }
            }
        }
    }

    private static void ensureRule(final Tool tool, final String chain, final String set)
    {
        final List<String> rule = List.of("-m", "set", "--match-set", set, "src", "-j", "DROP");
        final List<String> check = new ArrayList<>(List.of("-w", "-C", chain));
        check.addAll(rule);
        final CommandResult result = tool.run(check, null);
        if (0 == result.exitStatus())
        {
            return;
        }
        if (1 != result.exitStatus())
        {
            throw new FirewallException(tool.failure(result));
        }

        final List<String> insert = new ArrayList<>(List.of("-w", "-I", chain, "1"));
        insert.addAll(rule);
        tool.runOrThrow(insert, null);
    }
}
