package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The ipset backend's guard of the daemon's UDP port ({@link PeerPort}), in iptables and ip6tables alike: a chain of
 * its own, jumped to from the top of INPUT by every UDP datagram,
 * <pre>
 * -A CHAIN -p udp ! --dport PORT -j RETURN
 * -A CHAIN -s PEER -j RETURN            (one per peer of the family)
 * -A CHAIN -j DROP
 * -I INPUT 1 -p udp -j CHAIN
 * </pre>
 * RETURN rather than ACCEPT, so the ban DROP and the operator's own INPUT rules still apply to the peers. The port
 * lives in the chain, not in the jump, so a changed port never leaves a stale jump behind.
 */
final class IptablesPortGuard
{
    private static final int MAX_STALE_JUMPS = 16;

    private final Tool iptables;
    private final Tool ip6tables;
    private final String chain;
    private final PeerPort peerPort;

    IptablesPortGuard(final Tool iptables, final Tool ip6tables, final String chain, final PeerPort peerPort)
    {
        this.iptables = iptables;
        this.ip6tables = ip6tables;
        this.chain = chain;
        this.peerPort = peerPort;
    }

    /**
     * At start: write the chains afresh, so a previous run's port or peers do not linger; when the port is not
     * restricted, remove a previous run's chains instead.
     *
     * @throws FirewallException if a tool fails.
     */
    void install()
    {
        if (peerPort.restricted())
        {
            rebuild(iptables, peerPort.ipv4());
            rebuild(ip6tables, peerPort.ipv6());
        }
        else
        {
            remove(iptables);
            remove(ip6tables);
        }
    }

    /**
     * At each re-assert: check every rule with {@code -C} and write the chain again only if one is missing (a
     * ruleset reload), so a healthy guard never has a moment without its DROP.
     *
     * @throws FirewallException if a tool fails.
     */
    void repair()
    {
        if (!peerPort.restricted())
        {
            return;
        }
        if (!intact(iptables, peerPort.ipv4()))
        {
            rebuild(iptables, peerPort.ipv4());
        }
        if (!intact(ip6tables, peerPort.ipv6()))
        {
            rebuild(ip6tables, peerPort.ipv6());
        }
    }

    private boolean intact(final Tool tool, final List<String> peers)
    {
        for (final List<String> rule : rules(peers))
        {
            if (0 != tool.run(command("-C", chain, rule), null).exitStatus())
            {
                return false;
            }
        }
        return 0 == tool.run(command("-C", "INPUT", jump()), null).exitStatus();
    }

    private void rebuild(final Tool tool, final List<String> peers)
    {
        tool.run(command("-N", chain, List.of()), null); // fails when it exists; -F below fails if it truly cannot
        tool.runOrThrow(command("-F", chain, List.of()), null);
        for (final List<String> rule : rules(peers))
        {
            tool.runOrThrow(command("-A", chain, rule), null);
        }

        final CommandResult check = tool.run(command("-C", "INPUT", jump()), null);
        if (0 == check.exitStatus())
        {
            return;
        }
        if (1 != check.exitStatus())
        {
            throw new FirewallException(tool.failure(check));
        }
        final List<String> insert = new ArrayList<>(List.of("-w", "-I", "INPUT", "1"));
        insert.addAll(jump());
        tool.runOrThrow(insert, null);
    }

    private void remove(final Tool tool)
    {
        for (int i = 0; i < MAX_STALE_JUMPS && 0 == tool.run(command("-D", "INPUT", jump()), null).exitStatus(); i++)
        {
            // One jump is expected; more would be an operator's copy, removed as well.
        }
        tool.run(command("-F", chain, List.of()), null);
        tool.run(command("-X", chain, List.of()), null);
    }

    private List<List<String>> rules(final List<String> peers)
    {
        final List<List<String>> rules = new ArrayList<>(peers.size() + 2);
        rules.add(List.of("-p", "udp", "!", "--dport", Integer.toString(peerPort.port()), "-j", "RETURN"));
        for (final String peer : peers)
        {
            rules.add(List.of("-s", peer, "-j", "RETURN"));
        }
        rules.add(List.of("-j", "DROP"));
        return rules;
    }

    private List<String> jump()
    {
        return List.of("-p", "udp", "-j", chain);
    }

    private static List<String> command(final String operation, final String chain, final List<String> rule)
    {
        final List<String> command = new ArrayList<>(List.of("-w", operation, chain));
        command.addAll(rule);
        return command;
    }
}
