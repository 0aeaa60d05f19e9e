package io.blocksync.daemon;

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
 * A node process in its own namespace over a real ipset set: issue 11 failure 1 as an
 * operator meets it, through the control socket. The store keeps one entry per prefix, so a second ban of the same
 * address with another reason replaces the first; the firewall keeps its bans per prefix and reason. Also an own
 * address flapping on and off leaves the kernel matching its last state.
 */
class KernelMatchesTheNodeStateProcessTest
{
    private static final String KEY = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private String ns;
    private NodeProcess node;

    @BeforeEach
    void startNode() throws Exception
    {
        final String reason = NetworkNamespaces.unavailableReason("nft", "ipset");
        assumeTrue(null == reason, () -> "skipped: " + reason);
        namespaces = new NetworkNamespaces();
        ns = namespaces.create("bs-r11");
        namespaces.must(ns, "ipset", "create", "r4", "hash:net", "family", "inet", "timeout", "0");
        final Path config = dir.resolve("r.conf");
        Files.writeString(config, "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = r\nkey = " + KEY +
            "\n\n[firewall]\nbackend = ipset\nmode = existing\nset4 = r4\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        node = new NodeProcess(config, dir.resolve("r"), NetworkNamespaces.inNamespace(ns)).start().awaitReady();
        nodes.add(node);
    }

    @AfterEach
    void tearDown()
    {
        nodes.forEach(NodeProcess::close);
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void anAddressBannedForTwoReasonsAndThenUnbannedLeavesTheKernel() throws Exception
    {
        assertEquals(List.of("ok ban 198.51.100.7"), node.control(List.of("ban 198.51.100.7 1h aa 0 0")));
        assertEquals(List.of("ok ban 198.51.100.7"), node.control(List.of("ban 198.51.100.7 2h bb 0 0")));
        Poll.until("the ban in the kernel", Duration.ofSeconds(3), () -> kernelHolds("198.51.100.7"), this::listing);

        final List<String> reply = node.control(List.of("unban 198.51.100.7"));
        assertTrue(reply.get(0).startsWith("ok"), reply.toString());
        Poll.until("the lifted ban to leave the kernel", Duration.ofSeconds(5), () -> !kernelHolds("198.51.100.7"),
            () -> listing() + node.log());
    }

    @Test
    void aLongBanReplacedByAShortOneWithAnotherReasonLeavesTheKernelWhenTheShortOneEnds() throws Exception
    {
        assertEquals(List.of("ok ban 198.51.100.8"), node.control(List.of("ban 198.51.100.8 1h aa 0 0")));
        assertEquals(List.of("ok ban 198.51.100.8"), node.control(List.of("ban 198.51.100.8 3s bb 0 0")));
        Poll.until("the ban in the kernel", Duration.ofSeconds(3), () -> kernelHolds("198.51.100.8"), this::listing);

        Poll.until("the ban to leave the kernel once the table's entry (3 s, reason bb) ended", Duration.ofSeconds(20),
            () -> !kernelHolds("198.51.100.8"), () -> listing() + node.log());
    }

    @Test
    void anOwnAddressFlappingEndsWithTheKernelMatchingTheLastState() throws Exception
    {
        namespaces.must(ns, "ip", "link", "set", "lo", "up");
        assertEquals(List.of("ok ban 198.51.100.0/24"), node.control(List.of("ban 198.51.100.0/24 1h aa 0 0")));
        Poll.until("the ban in the kernel", Duration.ofSeconds(3), () -> kernelHolds("198.51.100.0/24"), this::listing);

        for (int i = 0; i < 10; i++)
        {
            namespaces.must(ns, "ip", "addr", "add", "198.51.100.9/32", "dev", "lo");
            namespaces.must(ns, "ip", "addr", "del", "198.51.100.9/32", "dev", "lo");
        }
        Poll.until("the ban enforced again (the address is gone)", Duration.ofSeconds(3),
            () -> kernelHolds("198.51.100.0/24"), () -> listing() + node.log());

        for (int i = 0; i < 5; i++)
        {
            namespaces.must(ns, "ip", "addr", "add", "198.51.100.9/32", "dev", "lo");
            namespaces.must(ns, "ip", "addr", "del", "198.51.100.9/32", "dev", "lo");
        }
        namespaces.must(ns, "ip", "addr", "add", "198.51.100.9/32", "dev", "lo");
        Poll.until("the ban lifted here (the address is ours)", Duration.ofSeconds(3),
            () -> !kernelHolds("198.51.100.0/24"), () -> listing() + node.log());
        final List<String> enforced = node.control(List.of("enforced 198.51.100.0/24"));
        assertTrue(enforced.get(0).contains("false"), enforced.toString());

        namespaces.must(ns, "ip", "addr", "del", "198.51.100.9/32", "dev", "lo");
        Poll.until("the ban enforced again", Duration.ofSeconds(3), () -> kernelHolds("198.51.100.0/24"),
            () -> listing() + node.log());
    }

    private boolean kernelHolds(final String address)
    {
        return listing().contains("\n" + address + " ");
    }

    private String listing()
    {
        return namespaces.must(ns, "ipset", "list", "r4").output();
    }
}
