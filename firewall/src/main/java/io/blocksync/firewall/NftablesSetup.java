package io.blocksync.firewall;

import java.util.List;

/**
 * The nftables backend's managed table, sets and chains as one script (see {@link NftablesBackend}).
 */
final class NftablesSetup
{
    private final NftablesSettings settings;
    private final String tableReference;
    private final PeerPort peerPort;

    NftablesSetup(final NftablesSettings settings, final String tableReference, final PeerPort peerPort)
    {
        this.settings = settings;
        this.tableReference = tableReference;
        this.peerPort = peerPort;
    }

    /**
     * The managed table, sets and chains, written so that running it again is harmless: {@code add} is a no-op for
     * what exists, and each chain is declared, emptied, deleted and created again so a changed priority takes
     * effect. It runs in the same transaction as the elements, so packets never see a half-built table.
     */
    String script()
    {
        final StringBuilder script = new StringBuilder(2048);
        script.append("add table ").append(tableReference).append('\n');
        appendSet(script, NftablesBackend.HOST4, "ipv4_addr", "timeout");
        appendSet(script, NftablesBackend.HOST6, "ipv6_addr", "timeout");
        appendSet(script, NftablesBackend.NET6_64, "ipv6_addr", "timeout");
        appendSet(script, settings.set4, "ipv4_addr", "interval, timeout");
        appendSet(script, settings.set6, "ipv6_addr", "interval, timeout");
        appendChain(script, "input", true, settings.inputPriority);
        appendChain(script, "forward", settings.forwardChain, settings.forwardPriority);

        return script.toString();
    }

    /**
     * @param ruleset a terse {@code nft -t list ruleset}.
     * @return true when a set of the table exists with another type or flags than {@link #script()} gives it.
     */
    boolean setsDiffer(final String ruleset)
    {
        final String interval = "interval,timeout";
        return NftSetDefinition.differs(ruleset, tableReference, NftablesBackend.HOST4, "ipv4_addr", "timeout") ||
            NftSetDefinition.differs(ruleset, tableReference, NftablesBackend.HOST6, "ipv6_addr", "timeout") ||
            NftSetDefinition.differs(ruleset, tableReference, NftablesBackend.NET6_64, "ipv6_addr", "timeout") ||
            NftSetDefinition.differs(ruleset, tableReference, settings.set4, "ipv4_addr", interval) ||
            NftSetDefinition.differs(ruleset, tableReference, settings.set6, "ipv6_addr", interval);
    }

    /**
     * @return {@link #script()} after deleting the table, in one transaction ({@code add} first, so the delete
     * succeeds whether it exists or not): for a table whose sets were re-defined by hand.
     */
    String recreateScript()
    {
        return "add table " + tableReference + "\ndelete table " + tableReference + "\n" + script();
    }

    /**
     * @return how many rules the setup puts into the chain of that hook (0 when the chain is disabled).
     */
    int ruleCount(final String hook)
    {
        final String prefix = "add rule " + tableReference + " " + hook + " ";
        int count = 0;
        for (final String line : script().split("\n"))
        {
            if (line.startsWith(prefix))
            {
                count++;
            }
        }
        return count;
    }

    private void appendSet(final StringBuilder script, final String name, final String type, final String flags)
    {
        script.append("add set ").append(tableReference).append(' ').append(name)
            .append(" { type ").append(type).append("; flags ").append(flags).append("; }\n");
    }

    private void appendChain(final StringBuilder script, final String hook, final boolean enabled, final int priority)
    {
        final String chain = tableReference + " " + hook;
        script.append("add chain ").append(chain).append('\n')
            .append("flush chain ").append(chain).append('\n')
            .append("delete chain ").append(chain).append('\n');
        if (!enabled)
        {
            return;
        }

        script.append("add chain ").append(chain).append(" { type filter hook ").append(hook)
            .append(" priority ").append(priority).append("; policy accept; }\n");
        final String rule = "add rule " + chain;
        script.append(rule).append(" ip saddr @").append(NftablesBackend.HOST4).append(" counter drop\n")
            .append(rule).append(" ip saddr @").append(settings.set4).append(" counter drop\n")
            .append(rule).append(" ip6 saddr @").append(NftablesBackend.HOST6).append(" counter drop\n")
            .append(rule).append(" ip6 saddr & ffff:ffff:ffff:ffff:: @").append(NftablesBackend.NET6_64).append(" counter drop\n")
            .append(rule).append(" ip6 saddr @").append(settings.set6).append(" counter drop\n");
        if ("input".equals(hook) && peerPort.restricted())
        {
            appendPeerPortRules(script, rule);
        }
    }

    /**
     * After the ban drops, so a banned source is counted there; "accept" only ends this chain, so the operator's
     * own chains still see the peers' datagrams.
     */
    private void appendPeerPortRules(final StringBuilder script, final String rule)
    {
        final String port = " udp dport " + peerPort.port();
        appendPeerAccept(script, rule + port + " ip saddr", peerPort.ipv4());
        appendPeerAccept(script, rule + port + " ip6 saddr", peerPort.ipv6());
        script.append(rule).append(port).append(" counter drop\n");
    }

    private static void appendPeerAccept(final StringBuilder script, final String match, final List<String> peers)
    {
        if (peers.isEmpty())
        {
            return;
        }
        script.append(match).append(" { ").append(String.join(", ", peers)).append(" } counter accept\n");
    }
}
