package io.blocksync.firewall;

import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.nativeio.IpsetSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static io.blocksync.firewall.NamespacePair.ATTACKER4;
import static io.blocksync.firewall.NamespacePair.ATTACKER6;
import static io.blocksync.firewall.NamespacePair.CONTROL4;
import static io.blocksync.firewall.NamespacePair.CONTROL6;
import static io.blocksync.firewall.NamespacePair.PROTECTED4;
import static io.blocksync.firewall.NamespacePair.PROTECTED6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ipset + iptables backend against the real kernel, inside a namespace pair; on the tool path
 * ({@code ipset restore}) here and on the libipset session by {@link IpsetBackendLibraryTest}.
 */
class IpsetBackendTest
{
    /** The tool path here; {@link IpsetBackendLibraryTest} runs every test again on the library session. */
    KernelSessionMode mode = KernelSessionMode.PROCESS;
    @RegisterExtension
    static final NamespacePairExtension NAMESPACES = new NamespacePairExtension("ipset", "iptables", "ip6tables", "ping");
    private static NamespacePair net;
    private IpsetBackend backend;

    @BeforeEach
    void startBackend()
    {
        net = NAMESPACES.pair();
        assumeTrue(KernelSessionMode.LIBRARY != mode || IpsetSession.available(), IpsetSession::unavailableReason);
        backend = new IpsetBackend(inProtected(IpsetSettings.managed("blocksync")));
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
    void ipv6PrefixBanDropsTheSubnet()
    {
        assertBanWorks("2001:db8::/64", ATTACKER6, CONTROL6, PROTECTED6);
    }

    @Test
    void overlappingPrefixesAreIndependentEntries()
    {
        backend.apply(List.of(add("192.0.2.0/28", 600), add("192.0.2.0/24", 600)));
        backend.apply(List.of(remove("192.0.2.0/24")));
        assertTrue(net.tcpConnects(CONTROL4, PROTECTED4));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4), "the /28 stays when the /24 goes");
    }

    @Test
    void kernelExpiresATwoSecondBanOnItsOwn()
    {
        backend.apply(List.of(add("2001:db8::2", 2)));
        assertFalse(net.tcpConnects(ATTACKER6, PROTECTED6), "banned host must not connect");

        Poll.until("the kernel to expire the 2 s ban", Duration.ofSeconds(6),
            () -> net.tcpConnects(ATTACKER6, PROTECTED6));
        net.assertUdpDelivered(ATTACKER6, PROTECTED6);
    }

    @Test
    void timeoutsAreClampedToTheIpsetMaximumAndZeroIsPermanent()
    {
        backend.apply(List.of(add("198.51.100.7", 50_000_000L), add("198.51.100.8", 0)));
        final String members = net.inProtected("ipset", "list", "blocksync4").stdout();
        assertTrue(members.contains("198.51.100.7 timeout 214748"), members);
        assertTrue(members.contains("198.51.100.8 timeout 0"), members);
    }

    @Test
    void restartReconcileSwapsInLiveBansWithoutAGapAndAddsTheRuleOnce() throws Exception
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
            final IpsetBackend restarted = new IpsetBackend(
                inProtected(IpsetSettings.managed("blocksync")));
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
        final String v4 = net.inProtected("ipset", "list", "blocksync4").stdout();
        assertFalse(v4.contains("198.51.100.7"), "stale entry removed");
        assertTrue(v4.contains("203.0.113.0/24"));
        assertTrue(v4.contains("Number of entries: 20002"), "live entries present");
        assertFalse(net.inProtected("ipset", "list", "blocksync6").stdout().contains("2001:db8:ffff::/48"));
        assertEquals(1, count(net.inProtected("iptables", "-S", "INPUT").stdout(), "--match-set blocksync4 src"));
        assertEquals(1, count(net.inProtected("ip6tables", "-S", "INPUT").stdout(), "--match-set blocksync6 src"));
        assertFalse(net.inProtected("ipset", "list", "-n").stdout().contains("-tmp"), "temporary sets destroyed");
    }

    @Test
    void existingSetModeChecksTheSetAndOnlyTouchesIt()
    {
        net.inProtected("ipset", "create", "operator4", "hash:net", "family", "inet", "timeout", "0");
        net.inProtected("ipset", "create", "plain4", "hash:net", "family", "inet");
        net.inProtected("iptables", "-w", "-I", "INPUT", "1", "-m", "set", "--match-set", "operator4", "src",
            "-j", "DROP");
        try
        {
            final IpsetBackend existing = new IpsetBackend(
                inProtected(IpsetSettings.existingSets("operator4", null)));
            existing.start();
            existing.apply(List.of(add("192.0.2.0/28", 600)));
            assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4));
            existing.apply(List.of(remove("192.0.2.0/28")));
            assertTrue(net.tcpConnects(ATTACKER4, PROTECTED4));

            final FirewallException noTimeout = assertThrows(FirewallException.class, () -> new IpsetBackend(
                inProtected(IpsetSettings.existingSets("plain4", null))).start());
            assertEquals("ipset set 'plain4' must be 'hash:net' created with 'timeout' (prefix bans and kernel " +
                "expiry depend on it)", noTimeout.getMessage());

            final FirewallException missing = assertThrows(FirewallException.class, () -> new IpsetBackend(
                inProtected(IpsetSettings.existingSets("nosuchset", null))).start());
            assertTrue(missing.getMessage().startsWith("ipset set 'nosuchset' cannot be read: ipset: "),
                missing.getMessage());
        }
        finally
        {
            net.inProtected("iptables", "-w", "-D", "INPUT", "-m", "set", "--match-set", "operator4", "src",
                "-j", "DROP");
            net.inProtected("ipset", "destroy", "operator4");
            net.inProtected("ipset", "destroy", "plain4");
        }
    }

    @Test
    void startFailsWithOneLineReasonWhenIpsetIsMissing()
    {
        assumeTrue(KernelSessionMode.PROCESS == mode, "the library session does not run the ipset program");
        final FirewallException missing = assertThrows(FirewallException.class, () -> new IpsetBackend(
            IpsetSettings.managed("blocksync").programs("ipset-not-installed", "iptables", "ip6tables")
                .kernelSession(mode)).start());
        assertEquals("ipset-not-installed not found on PATH (install ipset)", missing.getMessage());
    }

    @Test
    void startFailsWithOneLineReasonWithoutPrivilege()
    {
        assumeTrue(KernelSessionMode.PROCESS == mode, "a command prefix is the tool path's");
        NamespacePair.assumeUnprivilegedUserNamespaces();
        final FirewallException unprivileged = assertThrows(FirewallException.class, () -> new IpsetBackend(
            IpsetSettings.managed("blocksync").commandPrefix(List.of("unshare", "-U", "-r")).kernelSession(mode))
            .start());
        assertEquals("ipset: Kernel error received: Operation not permitted (run as root)",
            unprivileged.getMessage());
    }

    @Test
    void theDaemonPortTakesDatagramsFromPeersOnlyAndOtherPortsAreUntouched()
    {
        net.assertPortGuard(new IpsetBackend(inProtected(IpsetSettings.managed("blocksync")), NamespacePair.controlHostAsPeer()),
            backend);
    }

    @Test
    void usesTheChosenPath()
    {
        assertEquals(KernelSessionMode.LIBRARY == mode ? "libipset session" : "ipset restore -exist process",
            backend.channelDescription());
    }

    @Test
    void aSetDestroyedUnderTheBackendFailsTheBatchWithTheToolsMessageAndAReconcileRepairs()
    {
        backend.apply(List.of(add("192.0.2.2", 600)));
        net.inProtected("iptables", "-F", "INPUT");
        net.inProtected("ipset", "destroy", "blocksync4");

        final FirewallException failed = assertThrows(FirewallException.class,
            () -> backend.apply(List.of(add("198.51.100.7", 600))));
        assertEquals("ipset: Error in line 1: The set with the given name does not exist", failed.getMessage());

        backend.reconcile(List.of(add("192.0.2.2", 600), add("198.51.100.7", 600)));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4), "the reconcile made the set and its rule again");
    }

    private IpsetSettings inProtected(final IpsetSettings settings)
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
