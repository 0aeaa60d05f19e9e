package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.blocksync.firewall.Bans.prefix;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden tests of the iptables/ip6tables commands the managed ipset backend runs to close the daemon's UDP port to
 * everyone but the peers; {@code IpsetBackendTest} proves the kernel drops what they say.
 */
class IptablesPortGuardTest
{
    private static final PeerPort PEERS = PeerPort.of(7701, List.of(
        prefix("192.0.2.10"), prefix("2001:db8::30"), prefix("198.51.100.20")));
    private static final List<String> PROBES = List.of(
        "ipset --version",
        "ipset list -n",
        "ipset restore -exist",
        "iptables -w -C INPUT -m set --match-set blocksync4 src -j DROP",
        "ip6tables -w -C INPUT -m set --match-set blocksync6 src -j DROP");

    private final CapturingRunner runner = new CapturingRunner();

    @Test
    void startWritesTheChainAfreshAndJumpsToItFromTheTopOfInput()
    {
        // Every call succeeds except the IPv4 jump's check: it is missing, so it is inserted.
        for (int i = 0; i < PROBES.size() + 6; i++)
        {
            runner.thenReturn(0, "", "");
        }
        runner.thenReturn(1, "", "iptables: Bad rule (does a matching rule exist in that chain?).\n");

        new IpsetBackend(IpsetSettings.managed("blocksync"), PEERS, runner).start();

        assertEquals(concat(PROBES, List.of(
            "iptables -w -N blocksync-port",
            "iptables -w -F blocksync-port",
            "iptables -w -A blocksync-port -p udp ! --dport 7701 -j RETURN",
            "iptables -w -A blocksync-port -s 192.0.2.10 -j RETURN",
            "iptables -w -A blocksync-port -s 198.51.100.20 -j RETURN",
            "iptables -w -A blocksync-port -j DROP",
            "iptables -w -C INPUT -p udp -j blocksync-port",
            "iptables -w -I INPUT 1 -p udp -j blocksync-port",
            "ip6tables -w -N blocksync-port",
            "ip6tables -w -F blocksync-port",
            "ip6tables -w -A blocksync-port -p udp ! --dport 7701 -j RETURN",
            "ip6tables -w -A blocksync-port -s 2001:db8::30 -j RETURN",
            "ip6tables -w -A blocksync-port -j DROP",
            "ip6tables -w -C INPUT -p udp -j blocksync-port")), runner.argvLines());
    }

    @Test
    void reconcileOnlyChecksAnIntactGuardAndRewritesAFamilyWithARuleMissing()
    {
        final IpsetBackend backend = new IpsetBackend(IpsetSettings.managed("blocksync"), PEERS, runner);
        backend.reconcile(List.of());
        assertEquals(List.of(
            "ipset restore -exist",
            "iptables -w -C INPUT -m set --match-set blocksync4 src -j DROP",
            "ip6tables -w -C INPUT -m set --match-set blocksync6 src -j DROP",
            "iptables -w -C blocksync-port -p udp ! --dport 7701 -j RETURN",
            "iptables -w -C blocksync-port -s 192.0.2.10 -j RETURN",
            "iptables -w -C blocksync-port -s 198.51.100.20 -j RETURN",
            "iptables -w -C blocksync-port -j DROP",
            "iptables -w -C INPUT -p udp -j blocksync-port",
            "ip6tables -w -C blocksync-port -p udp ! --dport 7701 -j RETURN",
            "ip6tables -w -C blocksync-port -s 2001:db8::30 -j RETURN",
            "ip6tables -w -C blocksync-port -j DROP",
            "ip6tables -w -C INPUT -p udp -j blocksync-port"), runner.argvLines(), "nothing rewritten");

        runner.calls.clear();
        for (int i = 0; i < 9; i++)
        {
            runner.thenReturn(0, "", "");
        }
        runner.thenReturn(1, "", "ip6tables: Bad rule (does a matching rule exist in that chain?).\n");
        backend.reconcile(List.of());
        assertEquals(List.of(
            "ip6tables -w -C blocksync-port -s 2001:db8::30 -j RETURN",
            "ip6tables -w -N blocksync-port",
            "ip6tables -w -F blocksync-port",
            "ip6tables -w -A blocksync-port -p udp ! --dport 7701 -j RETURN",
            "ip6tables -w -A blocksync-port -s 2001:db8::30 -j RETURN",
            "ip6tables -w -A blocksync-port -j DROP",
            "ip6tables -w -C INPUT -p udp -j blocksync-port"),
            runner.argvLines().subList(9, runner.calls.size()), "a ruleset reload lost an IPv6 rule");
    }

    @Test
    void withoutARestrictionAPreviousRunsGuardIsRemoved()
    {
        for (int i = 0; i < PROBES.size() + 1; i++)
        {
            runner.thenReturn(0, "", "");
        }
        runner.thenReturn(1, "", "iptables: Bad rule (does a matching rule exist in that chain?).\n");
        runner.thenReturn(0, "", "").thenReturn(0, "", "");
        runner.thenReturn(1, "", "ip6tables: Bad rule (does a matching rule exist in that chain?).\n");

        new IpsetBackend(IpsetSettings.managed("blocksync"), PeerPort.NONE, runner).start();

        assertEquals(concat(PROBES, List.of(
            "iptables -w -D INPUT -p udp -j blocksync-port",
            "iptables -w -D INPUT -p udp -j blocksync-port",
            "iptables -w -F blocksync-port",
            "iptables -w -X blocksync-port",
            "ip6tables -w -D INPUT -p udp -j blocksync-port",
            "ip6tables -w -F blocksync-port",
            "ip6tables -w -X blocksync-port")), runner.argvLines());
    }

    @Test
    void existingSetModeLeavesThePortToTheOperator()
    {
        runner.thenReturn(0, "", "").thenReturn(0, "", "")
            .thenReturn(0, "Name: blocked4\nType: hash:net\nHeader: family inet hashsize 1024 maxelem 65536 timeout 0\n",
                "");
        final IpsetBackend existing = new IpsetBackend(IpsetSettings.existingSets("blocked4", null), PEERS, runner);
        existing.start();
        existing.reconcile(List.of());

        assertEquals(List.of("ipset --version", "ipset list -n", "ipset list -t blocked4"), runner.argvLines(),
            "no iptables command: an empty reconcile in existing mode runs nothing");
    }

    private static List<String> concat(final List<String> first, final List<String> second)
    {
        final List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
