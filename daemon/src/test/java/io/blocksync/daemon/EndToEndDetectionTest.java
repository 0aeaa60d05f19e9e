package io.blocksync.daemon;

import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.testkit.Tools;
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
 * The whole product on real kernels. Four hosts on one segment, each in its own network namespace: node A
 * (192.0.2.1) logs new connections to its port 22 with an nftables {@code log group 5 prefix "bs-ssh"} rule and its
 * daemon reads them; node B (192.0.2.2) protects a service on port 8080 with the nftables backend; an attacker
 * (192.0.2.3) knocks on A's port 22 three times; a bystander (192.0.2.4) checks B's service is up. A's detector
 * bans the attacker, B learns it, and B's kernel drops the attacker's very first packets to B.
 */
class EndToEndDetectionTest
{
    private static final String KEY_A = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

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
    void nflogReadNativelyAtNodeABlocksTheAttackerAtNodeB() throws Exception
    {
        assumeTrue(nativeNflogAvailable(), "skipped: the NFLOG JNI library was not built on this machine (no gcc?)");
        attackAndExpectBlock("[source kernel]\ntype = nflog\ngroup = 5\n");
    }

    @Test
    void nflogReadThroughTcpdumpAtNodeABlocksTheAttackerAtNodeB() throws Exception
    {
        assumeTrue(Tools.installed("tcpdump"), "skipped: tcpdump is not installed");
        attackAndExpectBlock("[source kernel]\ntype = pcap-pipe\ncommand = tcpdump -i nflog:5 -U -w -\n");
    }

    private void attackAndExpectBlock(final String source) throws Exception
    {
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bsl");
        final String a = lan.host(1);
        final String b = lan.host(2);
        final String attacker = lan.host(3);
        final String bystander = lan.host(4);
        nft(a, "add table inet watch");
        nft(a, "add chain inet watch input { type filter hook input priority 0; policy accept; }");
        // queue-threshold 1: otherwise the kernel holds NFLOG messages up to a second for tcpdump (libpcap does not
        // set the threshold; the native source does).
        nft(a, "add rule inet watch input tcp dport 22 ct state new log group 5 prefix \"bs-ssh\" queue-threshold 1");
        services.add(namespaces.spawn(b, ProcessBuilder.Redirect.DISCARD,
            List.of("socat", "-u", "TCP4-LISTEN:8080,reuseaddr,fork", "OPEN:/dev/null")));
        Poll.until("B's service is up for a bystander", Duration.ofSeconds(10), () -> reachable(bystander, "192.0.2.2", 8080));

        final String rule = "\n[rule ssh]\nsource = kernel\nlog-prefix = \"bs-ssh\"\nprotocol = tcp\nport = 22\nnfail = 3\n" +
            "window = 1m\nduration = 1h\n";
        final Path configA = writeConfig("a.conf", 1, "192.0.2.1", 2, "192.0.2.2", KEY_A, KEY_B, "log", source + rule);
        final Path configB = writeConfig("b.conf", 2, "192.0.2.2", 1, "192.0.2.1", KEY_B, KEY_A, "nftables", "");
        nodes.add(new NodeProcess(configA, dir.resolve("a"), NetworkNamespaces.inNamespace(a)).start().awaitReady());
        nodes.add(new NodeProcess(configB, dir.resolve("b"), NetworkNamespaces.inNamespace(b)).start().awaitReady());
        // Knocks on A's closed ssh port, each SYN logged to NFLOG group 5, until A's detector has counted three of
        // them (the source may take a moment to attach after the daemon answers its control socket).
        Poll.until("A's detector banned the attacker", Duration.ofSeconds(30), () ->
        {
            reachable(attacker, "192.0.2.1", 22);
            return StoreView.isBanned(dir.resolve("a"), "192.0.2.3");
        }, this::diagnostics);
        Poll.until("B's kernel holds the ban", Duration.ofSeconds(10), () -> namespaces.exec(
            b, "nft", "list", "set", "inet", "blocksync", "ban4_host").output().contains("192.0.2.3"), this::diagnostics);

        assertTrue(!reachable(attacker, "192.0.2.2", 8080), "the attacker's first connection to B is dropped");
        assertTrue(reachable(bystander, "192.0.2.2", 8080), "everyone else still reaches B");
        assertEquals(1, ClusterProcessTest.counter(dir.resolve("a"), "detector_bans"), diagnostics());
    }

    private static boolean nativeNflogAvailable()
    {
        return io.blocksync.nativeio.NativeLibrary.load(message -> { });
    }

    private void nft(final String ns, final String command)
    {
        final List<String> argv = new ArrayList<>(List.of("nft"));
        argv.addAll(List.of(command.split(" (?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")));
        final Command.Result result = namespaces.exec(Duration.ofSeconds(10), ns, argv.toArray(String[]::new));
        assertEquals(0, result.exitCode(), () -> "nft " + command + ": " + result.output());
    }

    private boolean reachable(final String ns, final String host, final int port)
    {
        return namespaces.exec(Duration.ofSeconds(5), ns, "socat", "-u", "OPEN:/dev/null",
            "TCP4:" + host + ":" + port + ",connect-timeout=1").succeeded();
    }

    private Path writeConfig(
        final String name, final int id, final String address, final int peerId, final String peerAddress,
        final String key, final String peerKey, final String backend, final String extra) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "[node]\nid = " + id + "\nlisten = " + address + ":7701\nstate-dir = " +
            name.replace(".conf", "") + "\nkey = " + key + "\n\n[firewall]\nbackend = " + backend + "\nflush-delay = 0\n\n" +
            "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\npeer-suspect-after = 1s\npeer-down-after = 3s\n\n" +
            "[peer " + peerId + "]\naddress = " + peerAddress + ":7701\nkey = " + io.blocksync.daemon.node.TestKeys.publicText(peerKey) + "\n\n" + extra);
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
