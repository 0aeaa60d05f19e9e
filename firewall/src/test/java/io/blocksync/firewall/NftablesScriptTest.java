package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden tests of the nft scripts the backend writes; the namespace tests prove the kernel accepts them.
 */
class NftablesScriptTest
{
    private static final String SETUP =
        "add table inet blocksync\n" +
        "add set inet blocksync ban4_host { type ipv4_addr; flags timeout; }\n" +
        "add set inet blocksync ban6_host { type ipv6_addr; flags timeout; }\n" +
        "add set inet blocksync ban6_64 { type ipv6_addr; flags timeout; }\n" +
        "add set inet blocksync ban4 { type ipv4_addr; flags interval, timeout; }\n" +
        "add set inet blocksync ban6 { type ipv6_addr; flags interval, timeout; }\n" +
        "add chain inet blocksync input\n" +
        "flush chain inet blocksync input\n" +
        "delete chain inet blocksync input\n" +
        "add chain inet blocksync input { type filter hook input priority -5; policy accept; }\n" +
        "add rule inet blocksync input ip saddr @ban4_host counter drop\n" +
        "add rule inet blocksync input ip saddr @ban4 counter drop\n" +
        "add rule inet blocksync input ip6 saddr @ban6_host counter drop\n" +
        "add rule inet blocksync input ip6 saddr & ffff:ffff:ffff:ffff:: @ban6_64 counter drop\n" +
        "add rule inet blocksync input ip6 saddr @ban6 counter drop\n" +
        "add chain inet blocksync forward\n" +
        "flush chain inet blocksync forward\n" +
        "delete chain inet blocksync forward\n";

    private static final PeerPort PEERS = PeerPort.of(7701, List.of(
        Bans.prefix("192.0.2.10"), Bans.prefix("2001:db8::30"), Bans.prefix("198.51.100.20")));

    private final CapturingRunner runner = new CapturingRunner();
    private final NftablesBackend backend = new NftablesBackend(
        NftablesSettings.managed("blocksync").inputPriority(-5), runner);

    @Test
    void startChecksTheToolAndCreatesTheTableIdempotently()
    {
        backend.start();

        assertEquals(List.of("nft --version", "nft list tables", "nft -f -"), runner.argvLines());
        assertEquals(SETUP, runner.calls.get(2).stdin);
    }

    @Test
    void managedModeClosesTheDaemonPortToEveryoneButThePeers()
    {
        final NftablesBackend guarded = new NftablesBackend(
            NftablesSettings.managed("blocksync").inputPriority(-5).forwardChain(true, -5), PEERS, runner);
        guarded.start();

        final String input = "add rule inet blocksync input ";
        assertEquals(
            SETUP.substring(0, SETUP.indexOf("add chain inet blocksync forward\n")) +
            input + "udp dport 7701 ip saddr { 192.0.2.10, 198.51.100.20 } counter accept\n" +
            input + "udp dport 7701 ip6 saddr { 2001:db8::30 } counter accept\n" +
            input + "udp dport 7701 counter drop\n" +
            "add chain inet blocksync forward\n" +
            "flush chain inet blocksync forward\n" +
            "delete chain inet blocksync forward\n" +
            "add chain inet blocksync forward { type filter hook forward priority -5; policy accept; }\n" +
            "add rule inet blocksync forward ip saddr @ban4_host counter drop\n" +
            "add rule inet blocksync forward ip saddr @ban4 counter drop\n" +
            "add rule inet blocksync forward ip6 saddr @ban6_host counter drop\n" +
            "add rule inet blocksync forward ip6 saddr & ffff:ffff:ffff:ffff:: @ban6_64 counter drop\n" +
            "add rule inet blocksync forward ip6 saddr @ban6 counter drop\n",
            lastScript(), "the port rules follow the ban drops, in the input chain only");

        guarded.reconcile(List.of());
        assertTrue(lastScript().contains(input + "udp dport 7701 counter drop\n"), "re-asserted with the chain");
    }

    @Test
    void withOnlyIpv4PeersEveryIpv6SenderIsDroppedAtThePort()
    {
        new NftablesBackend(NftablesSettings.managed("blocksync"),
            PeerPort.of(7701, List.of(Bans.prefix("192.0.2.10"))), runner).start();

        final String script = lastScript();
        assertTrue(script.endsWith(
            "add rule inet blocksync input udp dport 7701 ip saddr { 192.0.2.10 } counter accept\n" +
            "add rule inet blocksync input udp dport 7701 counter drop\n" +
            "add chain inet blocksync forward\n" +
            "flush chain inet blocksync forward\n" +
            "delete chain inet blocksync forward\n"), script);
        assertFalse(script.contains("ip6 saddr {"), script);
    }

    @Test
    void existingSetModeLeavesThePortToTheOperator()
    {
        final NftablesBackend existing = new NftablesBackend(
            NftablesSettings.existingSets("inet", "filter", "blocked4", null), PEERS, runner);
        runner.thenReturn(0, "", "").thenReturn(0, "", "").thenReturn(0, "flags interval,timeout\n", "");
        existing.start();
        existing.reconcile(List.of(add("198.51.100.7", 60)));

        for (final CapturingRunner.Call call : runner.calls)
        {
            assertFalse(call.stdin.contains("dport") || String.join(" ", call.argv).contains("dport"), call.toString());
        }
    }

    @Test
    void hostsAndSubnetsGoToPlainSetsOtherPrefixesToIntervalSets()
    {
        backend.apply(List.of(
            add("192.0.2.7", 3600), add("2001:db8::2", 90), add("2001:db8:5::/64", 0), add("198.51.100.0/24", 86_461),
            add("2001:db8:7::/48", 60)));

        assertEquals(
            "add element inet blocksync ban4_host { 192.0.2.7 timeout 1h }\n" +
            "add element inet blocksync ban6_host { 2001:db8::2 timeout 1m30s }\n" +
            "add element inet blocksync ban6_64 { 2001:db8:5:: }\n" +
            "add element inet blocksync ban4 { 198.51.100.0/24 timeout 1d1m1s }\n" +
            "add element inet blocksync ban6 { 2001:db8:7::/48 timeout 1m }\n", lastScript());
    }

    @Test
    void reAddRefreshesTheTimeoutAndRemoveToleratesAnAlreadyExpiredElement()
    {
        backend.apply(List.of(add("192.0.2.7", 3600)));
        backend.apply(List.of(add("192.0.2.7", 7200)));
        assertEquals(
            "add element inet blocksync ban4_host { 192.0.2.7 timeout 1s }\n" +
            "delete element inet blocksync ban4_host { 192.0.2.7 }\n" +
            "add element inet blocksync ban4_host { 192.0.2.7 timeout 2h }\n", lastScript());

        backend.apply(List.of(remove("192.0.2.7"), remove("203.0.113.1")));
        assertEquals(
            "add element inet blocksync ban4_host { 192.0.2.7 timeout 1s }\n" +
            "delete element inet blocksync ban4_host { 192.0.2.7 }\n", lastScript(),
            "nothing for a prefix this backend never added");
    }

    @Test
    void aPrefixInsideABannedPrefixWaitsOutsideTheKernel()
    {
        backend.apply(List.of(add("192.0.2.0/24", 600)));
        final int calls = runner.calls.size();
        backend.apply(List.of(add("192.0.2.0/28", 600)));

        assertEquals(calls, runner.calls.size(), "no nft run: the /24 already covers the /28");

        backend.apply(List.of(remove("192.0.2.0/24")));
        assertEquals("flush set inet blocksync ban4\nadd element inet blocksync ban4 { 192.0.2.0/28 timeout 10m }\n",
            lastScript(), "lifting the container brings the inner prefix in, atomically");
    }

    @Test
    void aContainerReplacesTheBansInsideItAtomically()
    {
        backend.apply(List.of(add("192.0.2.0/28", 600), add("192.0.2.64/26", 600), add("198.51.100.0/24", 600)));
        backend.apply(List.of(add("192.0.2.0/24", 600)));

        assertEquals("flush set inet blocksync ban4\n" +
            "add element inet blocksync ban4 { 192.0.2.0/24 timeout 10m, 198.51.100.0/24 timeout 10m }\n",
            lastScript());
    }

    @Test
    void aFailedTransactionIsReportedInOneLineAndTheRetryWritesOnlyItsOwnChange()
    {
        backend.apply(List.of(add("192.0.2.7", 600)));
        runner.thenReturn(1, "",
            "/dev/stdin:1:40-48: Error: Could not process rule: Operation not permitted\n" +
            "add element inet blocksync ban4_host { 192.0.2.8 timeout 10m }\n" +
            "                                       ^^^^^^^^^\n");

        final FirewallException ex = assertThrows(
            FirewallException.class, () -> backend.apply(List.of(add("192.0.2.8", 600))));
        assertEquals("nft: Error: Could not process rule: Operation not permitted (stdin line 1 at '192.0.2.8') " +
            "(run as root)", ex.getMessage());

        // A failed transaction changed nothing in the kernel: no rewrite of the sets, 192.0.2.7 is not written again.
        backend.apply(List.of(add("192.0.2.8", 600)));
        assertEquals("add element inet blocksync ban4_host { 192.0.2.8 timeout 10m }\n", lastScript());
    }

    @Test
    void reconcileIsOneTransactionOfSetupFlushAndLiveElements()
    {
        backend.reconcile(List.of(add("192.0.2.7", 60), add("192.0.2.0/24", 60), add("192.0.2.0/28", 60)));

        assertEquals(SETUP +
            "flush set inet blocksync ban4_host\n" +
            "add element inet blocksync ban4_host { 192.0.2.7 timeout 1m }\n" +
            "flush set inet blocksync ban6_host\n" +
            "flush set inet blocksync ban6_64\n" +
            "flush set inet blocksync ban4\n" +
            "add element inet blocksync ban4 { 192.0.2.0/24 timeout 1m }\n" +
            "flush set inet blocksync ban6\n", lastScript());
    }

    @Test
    void existingSetModeWritesOnlyToTheNamedSetsAndFlushEmptiesThem()
    {
        final NftablesBackend existing = new NftablesBackend(
            NftablesSettings.existingSets("inet", "filter", "blocked4", "blocked6"), runner);
        existing.apply(List.of(add("192.0.2.7", 60), add("2001:db8::/64", 60)));
        assertEquals("add element inet filter blocked4 { 192.0.2.7 timeout 1m }\n" +
            "add element inet filter blocked6 { 2001:db8::/64 timeout 1m }\n", lastScript());

        existing.flush();
        assertEquals("flush set inet filter blocked4\nflush set inet filter blocked6\n", lastScript());
    }

    @Test
    void killStatesRunsConntrackForEachAddedPrefix()
    {
        final NftablesBackend killing = new NftablesBackend(
            NftablesSettings.managed("blocksync").killStates(true), runner);
        killing.apply(List.of(add("192.0.2.0/28", 60), remove("192.0.2.9"), add("2001:db8::/64", 60)));

        assertEquals(List.of(
            "nft -f -",
            "conntrack -D -f ipv4 -s 192.0.2.0 --mask-src 255.255.255.240",
            "conntrack -D -f ipv6 -s 2001:db8:: --mask-src ffff:ffff:ffff:ffff::"), runner.argvLines());
    }

    @Test
    void namesFromTheConfigurationAreCheckedAndTheErrorNamesTheSetting()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NftablesSettings.existingSets("inet", "filter", "bad name;", null));

        assertEquals("nftables IPv4 set 'bad name;': expected a letter followed by up to 63 letters, digits or '_'",
            ex.getMessage());
    }

    private String lastScript()
    {
        return runner.calls.get(runner.calls.size() - 1).stdin;
    }
}
