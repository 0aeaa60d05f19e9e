package io.blocksync.firewall;

import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.nativeio.NftablesSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static io.blocksync.firewall.NamespacePair.ATTACKER4;
import static io.blocksync.firewall.NamespacePair.ATTACKER6;
import static io.blocksync.firewall.NamespacePair.CONTROL4;
import static io.blocksync.firewall.NamespacePair.CONTROL6;
import static io.blocksync.firewall.NamespacePair.PROTECTED4;
import static io.blocksync.firewall.NamespacePair.PROTECTED6;
import static io.blocksync.firewall.NamespacePair.PROTECTED6_CONTROL_NET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The nftables backend against the real kernel, inside a namespace pair: banned sources are dropped, unbanned ones
 * pass, the kernel expires bans, and reconciliation swaps the set contents without a gap. Run on the tool path
 * ({@code nft -f -}) here and on the libnftables session by {@link NftablesBackendLibraryTest}.
 */
class NftablesBackendTest
{
    /** The tool path here; {@link NftablesBackendLibraryTest} runs every test again on the library session. */
    KernelSessionMode mode = KernelSessionMode.PROCESS;
    @RegisterExtension
    static final NamespacePairExtension NAMESPACES = new NamespacePairExtension("nft", "ping");
    private static NamespacePair net;
    private NftablesBackend backend;

    @BeforeEach
    void startBackend()
    {
        net = NAMESPACES.pair();
        assumeTrue(KernelSessionMode.LIBRARY != mode || NftablesSession.available(), NftablesSession::unavailableReason);
        backend = new NftablesBackend(inProtected(NftablesSettings.managed("blocksync")));
        backend.start();
        backend.flush();
    }

    @AfterEach
    void closeBackend()
    {
        if (null != backend)
        {
            backend.close();
        }
    }

    @Test
    void ipv4HostBanDropsTcpAndUdpAndUnbanLetsThemPass()
    {
        assertBanWorks("192.0.2.2", ATTACKER4, CONTROL4, PROTECTED4);
    }

    @Test
    void ipv4PrefixBanDropsEveryHostInIt()
    {
        assertBanWorks("192.0.2.0/28", ATTACKER4, CONTROL4, PROTECTED4);
    }

    @Test
    void ipv6HostBanDropsTcpAndUdp()
    {
        assertBanWorks("2001:db8::2", ATTACKER6, CONTROL6, PROTECTED6);
    }

    @Test
    void ipv6Slash64BanDropsTheWholeSubnet()
    {
        assertBanWorks("2001:db8::/64", ATTACKER6, CONTROL6, PROTECTED6);
        assertTrue(net.tcpConnects(CONTROL6, PROTECTED6_CONTROL_NET), "other /64 must still pass");
    }

    @Test
    void ipv6OtherPrefixGoesToTheIntervalSet()
    {
        assertBanWorks("2001:db8::/120", ATTACKER6, CONTROL6, PROTECTED6);
    }

    @Test
    void kernelExpiresATwoSecondBanOnItsOwn()
    {
        backend.apply(List.of(add("192.0.2.2", 2)));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4), "banned host must not connect");

        Poll.until("the kernel to expire the 2 s ban", Duration.ofSeconds(6), () -> !setHolds("ban4_host", ATTACKER4));
        assertTrue(net.tcpConnects(ATTACKER4, PROTECTED4));
        net.assertUdpDelivered(ATTACKER4, PROTECTED4);
    }

    @Test
    void nestedPrefixesKeepTheInnerBanWhenTheOuterIsLifted()
    {
        backend.apply(List.of(add("192.0.2.0/28", 600)));
        backend.apply(List.of(add("192.0.2.0/24", 600)));
        assertFalse(net.tcpConnects(CONTROL4, PROTECTED4), "the /24 must cover the control address");
        assertTrue(setHolds("ban4", "192.0.2.0/24"));
        assertFalse(setHolds("ban4", "192.0.2.0/28"), "the /28 is inside the /24 and must wait outside the kernel");

        backend.apply(List.of(remove("192.0.2.0/24")));
        assertTrue(net.tcpConnects(CONTROL4, PROTECTED4), "the control address is outside the /28");
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4), "the /28 must be back when the /24 is lifted");

        backend.apply(List.of(remove("192.0.2.0/28")));
        assertTrue(net.tcpConnects(ATTACKER4, PROTECTED4));
    }

    @Test
    void removingWhatIsNotThereAndReAddingWhatIsThereSucceed()
    {
        backend.apply(List.of(add("192.0.2.2", 600), add("2001:db8::/64", 600)));
        backend.apply(List.of(add("192.0.2.2", 900), add("2001:db8::/64", 900)));
        assertTrue(setHolds("ban4_host", "192.0.2.2 timeout 15m"), "a re-add refreshes the timeout");

        // Expired in the kernel meanwhile: the delete must not fail the transaction.
        net.inProtected("nft", "flush", "set", "inet", "blocksync", "ban4_host");
        backend.apply(List.of(remove("192.0.2.2"), remove("2001:db8::/64"), remove("198.51.100.9")));
        assertFalse(setHolds("ban6_64", "2001:db8::"));
    }

    @Test
    void restartReconcileRemovesStaleElementsAndKeepsLiveOnesWithoutAGap() throws Exception
    {
        backend.apply(List.of(add("192.0.2.2", 600), add("198.51.100.7", 600), add("2001:db8:ffff::/48", 600)));

        final List<FirewallChange> live = new ArrayList<>(Bans.bulk(20_000, false, 600));
        live.add(add("192.0.2.2", 600));
        live.add(add("203.0.113.0/24", 600));

        final Process ping = new ProcessBuilder(NetworkNamespaces.inNamespace(net.attackerNs,
            List.of("ping", "-n", "-q", "-i", "0.002", "-c", "150", "-W", "0.2", "-I", ATTACKER4, PROTECTED4)))
            .redirectErrorStream(true).start();
        int reconciles = 0;
        while (ping.isAlive() || 0 == reconciles)
        {
            // As after a daemon restart: a new backend starts (re-creating its table) and reconciles.
            final NftablesBackend restarted = new NftablesBackend(
                inProtected(NftablesSettings.managed("blocksync")));
            restarted.start();
            restarted.reconcile(live);
            restarted.close();
            reconciles++;
        }
        final String summary = new String(ping.getInputStream().readAllBytes());
        ping.waitFor();

        assertTrue(summary.contains("150 packets transmitted, 0 received"),
            "pings from the banned host got through during " + reconciles + " restarts: " + summary);
        assertTrue(reconciles > 1, "restarted while pinging");
        assertFalse(setHolds("ban4_host", "198.51.100.7"), "stale host element removed");
        assertFalse(setHolds("ban6", "2001:db8:ffff::/48"), "stale prefix element removed");
        assertTrue(setHolds("ban4", "203.0.113.0/24"));
        assertTrue(setHolds("ban4_host", "10.0.78.31"));
        assertEquals(1, count(net.inProtected("nft", "list", "chain", "inet", "blocksync", "input").stdout(),
            "@ban4_host"), "the drop rule exists once");
    }

    @Test
    void existingSetModeOnlyTouchesTheNamedSets()
    {
        net.inProtected("nft", "add", "table", "ip", "operator");
        net.inProtected("nft", "add set ip operator blocked { type ipv4_addr; flags interval, timeout; }");
        net.inProtected("nft", "add set ip operator plain { type ipv4_addr; }");
        net.inProtected("nft", "add chain ip operator input { type filter hook input priority 0; }");
        net.inProtected("nft", "add rule ip operator input ip saddr @blocked drop");
        try
        {
            final NftablesBackend existing = new NftablesBackend(
                inProtected(NftablesSettings.existingSets("ip", "operator", "blocked", null)));
            existing.start();
            existing.apply(List.of(add("192.0.2.0/28", 600)));
            assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4));
            existing.apply(List.of(remove("192.0.2.0/28")));
            assertTrue(net.tcpConnects(ATTACKER4, PROTECTED4));

            final FirewallException ipv6 = assertThrows(FirewallException.class,
                () -> existing.apply(List.of(add("2001:db8::2", 60))));
            assertTrue(ipv6.getMessage().startsWith("no nftables set configured for IPv6 bans"), ipv6.getMessage());

            final FirewallException flags = assertThrows(FirewallException.class, () -> new NftablesBackend(
                inProtected(NftablesSettings.existingSets("ip", "operator", "plain", null))).start());
            assertEquals("nftables set 'ip operator plain' needs 'flags interval, timeout' (prefix bans and " +
                "kernel expiry depend on them)", flags.getMessage());
        }
        finally
        {
            net.inProtected("nft", "delete", "table", "ip", "operator");
        }
    }

    @Test
    void startFailsWithOneLineReasonWhenNftIsMissing()
    {
        assumeTrue(KernelSessionMode.PROCESS == mode, "the library session does not run the nft program");
        final FirewallException missing = assertThrows(FirewallException.class, () -> new NftablesBackend(
            NftablesSettings.managed("blocksync").nftProgram("nft-not-installed").kernelSession(mode)).start());
        assertEquals("nft-not-installed not found on PATH (install nftables)", missing.getMessage());
    }

    @Test
    void startFailsWithOneLineReasonWithoutPrivilege()
    {
        assumeTrue(KernelSessionMode.PROCESS == mode, "a command prefix is the tool path's");
        NamespacePair.assumeUnprivilegedUserNamespaces();
        final FirewallException unprivileged = assertThrows(FirewallException.class, () -> new NftablesBackend(
            NftablesSettings.managed("blocksync").commandPrefix(List.of("unshare", "-U", "-r")).kernelSession(mode))
            .start());
        assertTrue(unprivileged.getMessage().startsWith("nft: "), unprivileged.getMessage());
        assertTrue(unprivileged.getMessage().contains("Operation not permitted"), unprivileged.getMessage());
        assertFalse(unprivileged.getMessage().contains("\n"));
    }

    @Test
    void batcherAppliesOffersAndRemovesBansWhenTheirTimeIsUp()
    {
        // The batcher's clock stands still until the test moves it, so a loaded machine cannot expire the ban
        // before the kernel was checked.
        final AtomicLong nanos = new AtomicLong(System.nanoTime());
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().kernelGraceSeconds(30), nanos::get);
        batcher.start(List.of());
        try
        {
            assertTrue(batcher.offer(FirewallChange.Op.ADD, Bans.ban(ATTACKER6, Bans.SSH), 2));
            Poll.until("ban applied", Duration.ofSeconds(10), () -> setHolds("ban6_host", ATTACKER6));
            assertFalse(net.tcpConnects(ATTACKER6, PROTECTED6));
            assertTrue(setHolds("ban6_host", ATTACKER6 + " timeout 32s"), net.inProtected("nft", "list", "set", "inet", "blocksync", "ban6_host").stdout());

            // The kernel would keep it 30 s longer; the batcher removes it once its 2 s are up.
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(3));
            Poll.until("the batcher to remove the expired ban", Duration.ofSeconds(15),
                () -> !setHolds("ban6_host", ATTACKER6));
            // A connect attempt gives up after 0.5 s, too short on a loaded machine: retried until a deadline.
            Poll.until("TCP from the attacker to pass again", Duration.ofSeconds(10),
                () -> net.tcpConnects(ATTACKER6, PROTECTED6), () -> net.inProtected("nft", "list", "ruleset").stdout());
        }
        finally
        {
            batcher.close();
        }
    }

    @Test
    void theDaemonPortTakesDatagramsFromPeersOnlyAndOtherPortsAreUntouched()
    {
        net.assertPortGuard(new NftablesBackend(inProtected(NftablesSettings.managed("blocksync")), NamespacePair.controlHostAsPeer()),
            backend);
    }

    @Test
    void usesTheChosenPath()
    {
        assertEquals(KernelSessionMode.LIBRARY == mode ? "libnftables session" : "nft -f - process",
            backend.channelDescription());
    }

    @Test
    void afterAFlushOfTheWholeRulesetApplyFailsWithTheToolsMessageAndAReconcileRepairs()
    {
        backend.apply(List.of(add("192.0.2.2", 600)));
        net.inProtected("nft", "flush", "ruleset");
        assertTrue(net.tcpConnects(ATTACKER4, PROTECTED4), "the flush lifted the ban");

        final FirewallException failed = assertThrows(FirewallException.class,
            () -> backend.apply(List.of(add("198.51.100.7", 600))));
        assertTrue(failed.getMessage().startsWith("nft: Error: Could not process rule: No such file or directory") ||
            failed.getMessage().startsWith("nft: Error: No such file or directory"), failed.getMessage());

        backend.reconcile(List.of(add("192.0.2.2", 600), add("198.51.100.7", 600)));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4), "the reconcile rebuilt the table and its bans");
        assertTrue(setHolds("ban4_host", "198.51.100.7"));
    }

    private NftablesSettings inProtected(final NftablesSettings settings)
    {
        return settings.commandPrefix(net.inProtected()).networkNamespace(net.protectedPath()).kernelSession(mode);
    }

    private void assertBanWorks(final String ban, final String attacker, final String control, final String target)
    {
        assertTrue(net.tcpConnects(attacker, target), "before the ban");

        backend.apply(List.of(add(ban, 600)));
        assertFalse(net.tcpConnects(attacker, target), "TCP from " + attacker + " after banning " + ban);
        net.assertUdpDropped(attacker, control, target);

        backend.apply(List.of(remove(ban)));
        assertTrue(net.tcpConnects(attacker, target), "TCP from " + attacker + " after unbanning " + ban);
        net.assertUdpDelivered(attacker, target);
    }

    private boolean setHolds(final String set, final String text)
    {
        return net.inProtected("nft", "list", "set", "inet", "blocksync", set).stdout().contains(text);
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            count++;
        }
        return count;
    }
}
