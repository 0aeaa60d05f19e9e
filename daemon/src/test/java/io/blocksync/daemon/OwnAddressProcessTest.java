package io.blocksync.daemon;

import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 11, failure 5: addresses added to an interface after the node started are its own at once. A node (nftables
 * backend) runs in namespace B (192.0.2.2 on eth0, a TCP service on port 8080 on every address); another host on the
 * segment (192.0.2.3, and 198.51.100.5) connects to it. Each step's deadline is the one second, counted from
 * {@code ip addr} returning:
 * <ol>
 *     <li>192.0.2.77/24 added to B's eth0: a {@code ban 192.0.2.77} at B is refused as protected;</li>
 *     <li>2001:db8:1:2::77/64 (a new /64) added: {@code ban 2001:db8:1:2::77} refused likewise;</li>
 *     <li>a ban of 198.51.100.0/24, enforced (the other host's 198.51.100.5 is dropped), then 198.51.100.9 added to
 *     B: the element leaves B's kernel set, B reaches itself at 198.51.100.9 and so does 198.51.100.5, while the
 *     ban stays in B's table;</li>
 *     <li>198.51.100.9 deleted: the ban is enforced again and 198.51.100.9 is bannable again.</li>
 * </ol>
 * With {@code -Dblocksync.own-addresses.poll=true} the same holds through the fallback's once-a-second re-read
 * ({@link #theFallbackReReadProtectsANewAddressToo}), with two seconds' deadline.
 */
class OwnAddressProcessTest
{
    private static final String KEY_B = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    private static final String KEY_A = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final Duration WITHIN = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private String b;
    private String other;
    private NodeProcess node;
    private final List<Process> services = new ArrayList<>();

    @BeforeEach
    void hosts()
    {
        final String reason = NetworkNamespaces.unavailableReason("nft", "socat");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft, socat on PATH)");
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bso");
        b = lan.host(2);
        other = lan.host(3);
        namespaces.address(other, "eth0", "198.51.100.5/24");
        services.add(namespaces.spawn(b, ProcessBuilder.Redirect.DISCARD,
            List.of("socat", "-u", "TCP4-LISTEN:8080,reuseaddr,fork", "OPEN:/dev/null")));
    }

    @AfterEach
    void tearDown()
    {
        if (null != node)
        {
            node.close();
        }
        services.forEach(Process::destroyForcibly);
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void addressesAddedAfterStartAreProtectedAndABanCoveringOneIsLiftedHereOnly() throws Exception
    {
        node = startNode(List.of());
        node.awaitLog("own addresses: followed live through rtnetlink");

        // (a) and (b): a new IPv4 address, and an IPv6 address in a new /64.
        namespaces.address(b, "eth0", "192.0.2.77/24");
        awaitLog("own address 192.0.2.77 on eth0 added", WITHIN);
        assertEquals(List.of("error 192.0.2.77: refused, protected (address of this host on eth0)"),
            node.control(List.of("ban 192.0.2.77 3600 ssh 0 0")));
        namespaces.address(b, "eth0", "2001:db8:1:2::77/64");
        awaitLog("own address 2001:db8:1:2::77 on eth0 added", WITHIN);
        assertEquals(List.of("error 2001:db8:1:2::77: refused, protected (address of this host on eth0)"),
            node.control(List.of("ban 2001:db8:1:2::77/128 3600 ssh 0 0")));

        // (c): an enforced ban that comes to cover an own address.
        assertEquals(List.of("ok ban 198.51.100.0/24"), node.control(List.of("ban 198.51.100.0/24 3600 ssh 0 0")));
        Poll.until("B's kernel drops 198.51.100.5", Duration.ofSeconds(10),
            () -> setHolds("198.51.100.0/24") && !reachable(other, "198.51.100.5", "192.0.2.2"), node::log);
        final long added = System.nanoTime();
        namespaces.address(b, "eth0", "198.51.100.9/24");
        Poll.until("198.51.100.0/24 gone from B's kernel set", WITHIN, () -> !setHolds("198.51.100.0/24"), this::seen);
        final long liftedMillis = (System.nanoTime() - added) / 1_000_000;
        assertTrue(reachable(b, null, "198.51.100.9"), "B reaches itself at its new address: " + seen());
        assertTrue(reachable(other, "198.51.100.5", "198.51.100.9"), "not dropped by B's rule any more: " + seen());
        assertTrue(StoreView.isBanned(node.stateDir(), "198.51.100.0/24"), "the ban stays in B's table");
        // The log thread writes the line after the kernel already changed: polled, not read at once.
        awaitLog("ban of 198.51.100.0/24 covers an address of this host", WITHIN);
        assertTrue(node.control(List.of("ban 198.51.100.0/24 3600 ssh 0 0")).get(0).contains("refused, protected"),
            "while it covers an own address it cannot be banned anew either");

        // (d): the address goes; the ban is enforced again and the address is bannable.
        namespaces.must(b, "ip", "addr", "del", "198.51.100.9/24", "dev", "eth0");
        Poll.until("198.51.100.0/24 back in B's kernel set", Duration.ofSeconds(10), () -> setHolds("198.51.100.0/24"), this::seen);
        assertFalse(reachable(other, "198.51.100.5", "192.0.2.2"), "dropped again: " + seen());
        assertEquals(List.of("ok ban 198.51.100.9"), node.control(List.of("ban 198.51.100.9 3600 ssh 0 0")));
        System.out.println("own address 198.51.100.9 added -> ban lifted in B's kernel: " + liftedMillis + " ms");
    }

    @Test
    void theFallbackReReadProtectsANewAddressToo() throws Exception
    {
        node = startNode(List.of("-Dblocksync.own-addresses.poll=true"));
        node.awaitLog("own addresses: re-read every 1000 ms (NetworkInterface)");
        namespaces.address(b, "eth0", "203.0.113.77/24");
        awaitLog("own address 203.0.113.77 on eth0 added", Duration.ofSeconds(2));
        assertEquals(List.of("error 203.0.113.77: refused, protected (address of this host on eth0)"),
            node.control(List.of("ban 203.0.113.77 3600 ssh 0 0")));
        namespaces.must(b, "ip", "addr", "del", "203.0.113.77/24", "dev", "eth0");
        awaitLog("own address 203.0.113.77 on eth0 removed", Duration.ofSeconds(2));
        assertEquals(List.of("ok ban 203.0.113.77"), node.control(List.of("ban 203.0.113.77 3600 ssh 0 0")));
    }

    private NodeProcess startNode(final List<String> jvmProperties) throws Exception
    {
        final Path config = dir.resolve("b.conf");
        Files.writeString(config, "[node]\nid = 2\nlisten = 192.0.2.2:7701\nstate-dir = b\nkey = " + KEY_B +
            "\n\n[firewall]\nbackend = nftables\n\n[peer 1]\naddress = 192.0.2.1:7701\nkey = " +
            io.blocksync.daemon.node.TestKeys.publicText(KEY_A) + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        final List<String> prefix = new ArrayList<>(NetworkNamespaces.inNamespace(b));
        return new NodeProcess(config, dir.resolve("b"), prefix).jvmProperties(jvmProperties).start().awaitReady();
    }

    private void awaitLog(final String text, final Duration within)
    {
        Poll.until("the node's log says '" + text + "'", within, () -> node.log().contains(text), node::log);
    }

    private boolean setHolds(final String element)
    {
        return namespaces.exec(b, "nft", "list", "set", "inet", "blocksync", "ban4").output().contains(element);
    }

    /** A TCP connection to port 8080, from {@code source} (null: the kernel picks) in namespace {@code ns}. */
    private boolean reachable(final String ns, final String source, final String host)
    {
        final String target = "TCP4:" + host + ":8080,connect-timeout=1" + (null == source ? "" : ",bind=" + source);
        return namespaces.exec(Duration.ofSeconds(5), ns, "socat", "-u", "OPEN:/dev/null", target).succeeded();
    }

    private String seen()
    {
        return namespaces.exec(b, "nft", "list", "set", "inet", "blocksync", "ban4").output() + "\n" +
            namespaces.exec(b, "ip", "addr").output() + "\n" + node.log();
    }
}
