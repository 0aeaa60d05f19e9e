package io.blocksync.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real namespaces: runs only as root with {@code ip} installed, and says why it skipped otherwise.
 */
class NetworkNamespacesTest
{
    @Test
    void aVethPairWithAddressesAProcessInsideAndEverythingGoneAfterClose()
    {
        assumeNamespaces();
        final String left;
        final String right;
        final Process sleeper;
        try (NetworkNamespaces namespaces = new NetworkNamespaces())
        {
            left = namespaces.create("bst-left");
            right = namespaces.create("bst-right");
            assertEquals(List.of("bst-left-" + namespaces.suffix(), "bst-right-" + namespaces.suffix()),
                List.of(left, right));
            namespaces.veth(left, "l0", right, "r0");
            namespaces.address(left, "l0", "192.0.2.1/24");
            namespaces.address(left, "l0", "2001:db8::1/64");

            final String shown = namespaces.must(left, "ip", "-o", "addr", "show", "dev", "l0").stdout();
            assertTrue(shown.contains("inet 192.0.2.1/24") && shown.contains("inet6 2001:db8::1/64"), shown);
            assertTrue(namespaces.must(right, "ip", "-o", "link", "show", "r0").stdout().contains("state UP"),
                "the peer end is up in the other namespace");
            assertFalse(Command.of("ip", "-o", "link", "show", "l0").run().succeeded(),
                "nothing is left in the caller's namespace");

            sleeper = namespaces.spawn(left, ProcessBuilder.Redirect.DISCARD, List.of("sleep", "600"));
            assertTrue(sleeper.isAlive());
            final Command.Result timedOut = namespaces.exec(Duration.ofMillis(200), right, "sleep", "600");
            assertTrue(timedOut.timedOut(), timedOut::describe);
        }

        assertFalse(sleeper.isAlive(), "close() killed the process started inside");
        final String remaining = Command.of("ip", "netns", "list").mustSucceed().stdout();
        assertFalse(remaining.contains(left) || remaining.contains(right), remaining);
    }

    @Test
    void hostsOnABridgeSegmentReachEachOtherOverIpv4AndIpv6()
    {
        assumeNamespaces("ping");
        try (NetworkNamespaces namespaces = new NetworkNamespaces())
        {
            final BridgeSegment lan = namespaces.bridge("bst-lan");
            final String one = lan.host(1);
            final String two = lan.host(2);
            assertEquals(List.of(lan.namespace(), one, two), namespaces.namespaces());

            for (final String target : List.of("192.0.2.2", "2001:db8:a::2"))
            {
                Poll.until("host 1 pings " + target, Duration.ofSeconds(20),
                    () -> namespaces.exec(Duration.ofSeconds(5), one, "ping", "-c", "1", "-W", "1", target).succeeded(),
                    () -> namespaces.exec(one, "ip", "addr").output());
            }
        }
    }

    @Test
    void onlyDocumentationAddressesAreConfigured()
    {
        try (NetworkNamespaces namespaces = new NetworkNamespaces())
        {
            // Refused before any command runs, so this holds without root too.
            assertThrows(IllegalArgumentException.class, () -> namespaces.address("unused", "eth0", "10.0.0.1/8"));
            assertThrows(IllegalArgumentException.class,
                () -> namespaces.ipBatch("unused", List.of("addr add 192.0.2.5/32 dev eth0", "addr add 8.8.8.8/32 dev eth0")));
        }
    }

    @Test
    void eachInstanceHasItsOwnSuffix()
    {
        try (NetworkNamespaces first = new NetworkNamespaces(); NetworkNamespaces second = new NetworkNamespaces())
        {
            assertTrue(first.suffix().matches("[0-9a-f]{6}"), first.suffix());
            assertNotEquals(first.suffix(), second.suffix());
        }
    }

    private static void assumeNamespaces(final String... tools)
    {
        final String reason = NetworkNamespaces.unavailableReason(tools);
        if (null != reason)
        {
            System.out.println("NetworkNamespacesTest skipped: " + reason);
        }
        assumeTrue(null == reason, () -> "skipped: " + reason);
    }
}
