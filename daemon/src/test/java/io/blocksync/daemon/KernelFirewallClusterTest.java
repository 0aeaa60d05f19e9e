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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three hosts on one segment, each in its own network namespace: node A (192.0.2.1), node B (192.0.2.2, nftables
 * backend, a TCP service on port 8080) and an attacker (192.0.2.3 / 2001:db8:a::3). A ban made at A ends up in
 * B's kernel, which then drops the attacker's connections to B; B's restart keeps the block without a gap; the
 * unban at A opens B again.
 */
class KernelFirewallClusterTest
{
    private static final String KEY_A = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    private static final String SETTINGS = "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\n" +
        "peer-suspect-after = 1s\npeer-down-after = 3s\n";

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private final List<Process> services = new ArrayList<>();
    private final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeEach
    void requireRoot()
    {
        final String reason = NetworkNamespaces.unavailableReason("nft", "socat");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft, socat on PATH; CI installs them)");
    }

    @AfterEach
    void tearDown()
    {
        nodes.forEach(NodeProcess::close);
        services.forEach(Process::destroyForcibly);
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void aBanMadeAtNodeAIsDroppedByNodeBsKernelSurvivesBsRestartAndIsLiftedByTheUnban() throws Exception
    {
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bsl");
        final String a = lan.host(1);
        final String b = lan.host(2);
        final String attacker = lan.host(3);
        services.add(namespaces.spawn(b, ProcessBuilder.Redirect.DISCARD,
            List.of("socat", "-u", "TCP4-LISTEN:8080,reuseaddr,fork", "OPEN:/dev/null")));
        services.add(namespaces.spawn(b, ProcessBuilder.Redirect.DISCARD,
            List.of("socat", "-u", "TCP6-LISTEN:8080,reuseaddr,fork,ipv6only=1", "OPEN:/dev/null")));
        Poll.until("the attacker can reach B's service", Duration.ofSeconds(10), () -> reachable(attacker, "192.0.2.2") && reachable(attacker, "[2001:db8:a::2]"));

        final Path configA = writeConfig("a.conf", 1, "192.0.2.1", 2, "192.0.2.2", KEY_A, KEY_B, "log");
        final Path configB = writeConfig("b.conf", 2, "192.0.2.2", 1, "192.0.2.1", KEY_B, KEY_A, "nftables");
        nodes.add(new NodeProcess(configA, dir.resolve("a"), NetworkNamespaces.inNamespace(a)).start().awaitReady());
        nodes.add(new NodeProcess(configB, dir.resolve("b"), NetworkNamespaces.inNamespace(b)).start().awaitReady());

        assertEquals(List.of("ok ban 192.0.2.3", "ok ban 2001:db8:a::3"),
            nodes.get(0).control(List.of("ban 192.0.2.3 3600 ssh 0 0", "ban 2001:db8:a::3/128 3600 ssh 0 0")));
        Poll.until("B's kernel drops the attacker over IPv4 and IPv6", Duration.ofSeconds(10),
            () -> !reachable(attacker, "192.0.2.2") && !reachable(attacker, "[2001:db8:a::2]"), this::diagnostics);
        assertTrue(namespaces.exec(b, "nft", "list", "set", "inet", "blocksync", "ban4_host").output()
            .contains("192.0.2.3"), diagnostics());
        final String input = namespaces.exec(b, "nft", "list", "chain", "inet", "blocksync", "input").output();
        assertTrue(input.contains("udp dport 7701 ip saddr 192.0.2.1 counter") && input.contains("udp dport 7701 counter"),
            "B's port is open to its peer A only, and A's ban got through it: " + input);

        // B restarts: the kernel set outlives the process and start-up reconciliation re-asserts it.
        assertEquals(143, nodes.get(1).stop(), "SIGTERM stops the node cleanly");
        assertTrue(!reachable(attacker, "192.0.2.2"), "still blocked while B is down");
        nodes.set(1, new NodeProcess(configB, dir.resolve("b"), NetworkNamespaces.inNamespace(b)).start().awaitReady());
        assertTrue(!reachable(attacker, "192.0.2.2") && !reachable(attacker, "[2001:db8:a::2]"), "still blocked after B's restart");

        assertEquals(List.of("ok unban 192.0.2.3", "ok unban 2001:db8:a::3"),
            nodes.get(0).control(List.of("unban 192.0.2.3", "unban 2001:db8:a::3/128")));
        Poll.until("B lets the attacker in again", Duration.ofSeconds(10),
            () -> reachable(attacker, "192.0.2.2") && reachable(attacker, "[2001:db8:a::2]"), this::diagnostics);
    }

    private boolean reachable(final String ns, final String host)
    {
        final String target = host.startsWith("[") ? "TCP6:" + host + ":8080,connect-timeout=1" : "TCP4:" + host + ":8080,connect-timeout=1";
        return namespaces.exec(Duration.ofSeconds(5), ns, "socat", "-u", "OPEN:/dev/null", target).succeeded();
    }

    private Path writeConfig(
        final String name, final int id, final String address, final int peerId, final String peerAddress,
        final String key, final String peerKey, final String backend) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "[node]\nid = " + id + "\nlisten = " + address + ":7701\nstate-dir = " +
            name.replace(".conf", "") + "\nkey = " + key + "\n\n[firewall]\nbackend = " + backend + "\n\n" + SETTINGS +
            "\n[peer " + peerId + "]\naddress = " + peerAddress + ":7701\nkey = " + io.blocksync.daemon.node.TestKeys.publicText(peerKey) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private String diagnostics()
    {
        final StringBuilder out = new StringBuilder();
        for (final NodeProcess node : nodes)
        {
            out.append("--- ").append(node.stateDir()).append(" ---\n").append(node.log()).append('\n');
        }
        return out.toString();
    }
}
