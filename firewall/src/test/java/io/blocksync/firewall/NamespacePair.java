package io.blocksync.firewall;

import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.testkit.Tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two network namespaces joined by a veth pair (built on the testkit's {@link NetworkNamespaces}), created for one
 * test class and always deleted afterwards:
 * <pre>
 * protected  192.0.2.1/24  2001:db8::1/64  2001:db8:1::1/64   TCP listener :7001, UDP recorder :7002
 * attacker   192.0.2.2/24  2001:db8::2/64  2001:db8:1::2/64   (the banned host)
 *            192.0.2.100/24                                   (a control source outside the test prefixes)
 * </pre>
 * The backend under test runs inside "protected" through the command prefix {@code ip netns exec NS}. A drop is
 * proven positively: a datagram from the banned source is followed by one from a control source over the same link,
 * and once the control datagram has arrived the banned one must not have.
 */
final class NamespacePair implements AutoCloseable
{
    static final String PROTECTED4 = "192.0.2.1";
    static final String PROTECTED6 = "2001:db8::1";
    static final String PROTECTED6_CONTROL_NET = "2001:db8:1::1";
    static final String ATTACKER4 = "192.0.2.2";
    static final String ATTACKER6 = "2001:db8::2";
    static final String CONTROL4 = "192.0.2.100";
    static final String CONTROL6 = "2001:db8:1::2";
    static final int TCP_PORT = 7001;
    static final int UDP_PORT = 7002;

    // Generous: each datagram is sent by a socat process, which a loaded 2-core CI machine may start late.
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(30);

    final String protectedNs;
    final String attackerNs;
    private final NetworkNamespaces namespaces;
    private final Path udpLog;
    private int markers;

    private NamespacePair(final NetworkNamespaces namespaces, final Path udpLog)
    {
        this.namespaces = namespaces;
        this.udpLog = udpLog;
        this.protectedNs = namespaces.create("bs-prot");
        this.attackerNs = namespaces.create("bs-att");
    }

    /**
     * @return why namespace tests cannot run here (not root, or a needed tool missing), or null if they can. The
     * reason is also printed, so a skipped run says why on the console.
     */
    static String unavailableReason(final Class<?> testClass, final String... tools)
    {
        final List<String> needed = new ArrayList<>(List.of("socat"));
        needed.addAll(List.of(tools));
        String reason = NetworkNamespaces.unavailableReason(needed.toArray(String[]::new));
        if (null != reason)
        {
            reason = "skipped " + testClass.getSimpleName() + ": " + reason;
            System.err.println(reason);
        }

        return reason;
    }

    /**
     * Skips the calling test when {@code unshare -U -r} (an unprivileged user namespace, used to run a tool without
     * privilege) is not allowed on this machine.
     */
    static void assumeUnprivilegedUserNamespaces()
    {
        assumeTrue(Tools.installed("unshare") && Command.of("unshare", "-U", "-r", "true").run().succeeded(),
            "skipped: unprivileged user namespaces (unshare -U -r) are not available");
    }

    static NamespacePair create() throws IOException
    {
        final NetworkNamespaces namespaces = new NetworkNamespaces();
        NamespacePair pair = null;
        try
        {
            pair = new NamespacePair(namespaces, Files.createTempFile("blocksync-udp-", ".log"));
            pair.build();
            pair.startListeners();
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            if (null == pair)
            {
                namespaces.close();
            }
            else
            {
                pair.close();
            }
            throw ex;
        }
        return pair;
    }

    List<String> inProtected()
    {
        return List.of("ip", "netns", "exec", protectedNs);
    }

    /**
     * @return the protected namespace's file, which a library kernel session enters.
     */
    String protectedPath()
    {
        return "/run/netns/" + protectedNs;
    }

    Command.Result inProtected(final String... argv)
    {
        return namespaces.exec(protectedNs, argv);
    }

    Command.Result inAttacker(final String... argv)
    {
        return namespaces.exec(attackerNs, argv);
    }

    /**
     * The daemon's UDP port ({@link #UDP_PORT}) takes datagrams from the peer (the control host, over IPv4 and IPv6)
     * only; a non-peer's are dropped by the kernel, and TCP is not the guard's business.
     */
    void assertUdpPortOpenToThePeerOnly()
    {
        assertUdpDelivered(CONTROL4, PROTECTED4);
        assertUdpDropped(ATTACKER4, CONTROL4, PROTECTED4);
        assertUdpDelivered(CONTROL6, PROTECTED6);
        assertUdpDropped(ATTACKER6, CONTROL6, PROTECTED6);
        assertTrue(tcpConnects(ATTACKER4, PROTECTED4), "TCP from a non-peer is not the guard's business");
    }

    /** Without the guard the port is open to everyone again. */
    void assertUdpPortOpenToAll()
    {
        assertUdpDelivered(ATTACKER4, PROTECTED4);
        assertUdpDelivered(ATTACKER6, PROTECTED6);
    }

    /** The control host, over IPv4 and IPv6, as the one peer of the daemon's {@link #UDP_PORT}. */
    static PeerPort controlHostAsPeer()
    {
        return PeerPort.of(UDP_PORT, List.of(Bans.prefix(CONTROL4), Bans.prefix(CONTROL6)));
    }

    /**
     * Start {@code guarded} (a managed backend closing the port to all but {@link #controlHostAsPeer()}), check the
     * port takes the peer only, then restart {@code unguarded} and check the port is open to all again.
     */
    void assertPortGuard(final FirewallBackend guarded, final FirewallBackend unguarded)
    {
        guarded.start();
        try
        {
            assertUdpPortOpenToThePeerOnly();
        }
        finally
        {
            unguarded.start();
        }
        assertUdpPortOpenToAll();
    }

    /**
     * @return true if a TCP connection from the source address reaches the protected listener within half a second.
     */
    boolean tcpConnects(final String source, final String destination)
    {
        final boolean ipv6 = destination.contains(":");
        final String address = ipv6 ? "TCP6:[" + destination + "]:" + TCP_PORT : "TCP4:" + destination + ":" + TCP_PORT;
        final String bind = ipv6 ? "[" + source + "]" : source;
        return inAttacker("socat", "-u", "OPEN:/dev/null", address + ",bind=" + bind + ",connect-timeout=0.5")
            .succeeded();
    }

    /**
     * Sends a datagram from the source and waits until the protected host has received it.
     */
    void assertUdpDelivered(final String source, final String destination)
    {
        final String marker = sendUdp(source, destination);
        Poll.until("datagram " + marker + " from " + source, DELIVERY_TIMEOUT, () -> received(marker));
    }

    /**
     * Sends a datagram from the banned source, then one from the control source; once the control datagram has
     * arrived, the banned one must not have.
     */
    void assertUdpDropped(final String source, final String controlSource, final String destination)
    {
        final String dropped = sendUdp(source, destination);
        assertUdpDelivered(controlSource, destination);
        assertFalse(received(dropped), "datagram from banned " + source + " was delivered");
    }

    @Override
    public void close()
    {
        namespaces.close();
        try
        {
            Files.deleteIfExists(udpLog);
        }
        catch (final IOException ignore)
        {
            // Temporary file; nothing else to do.
        }
    }

    private void build()
    {
        final String hostSide = "bsp" + namespaces.suffix();
        final String attackerSide = "bsa" + namespaces.suffix();
        namespaces.veth(protectedNs, hostSide, attackerNs, attackerSide);
        for (final String address : List.of(PROTECTED4 + "/24", PROTECTED6 + "/64", PROTECTED6_CONTROL_NET + "/64"))
        {
            namespaces.address(protectedNs, hostSide, address);
        }
        for (final String address : List.of(ATTACKER4 + "/24", ATTACKER6 + "/64", CONTROL6 + "/64", CONTROL4 + "/24"))
        {
            namespaces.address(attackerNs, attackerSide, address);
        }
    }

    private void startListeners()
    {
        namespaces.spawn(protectedNs, ProcessBuilder.Redirect.DISCARD,
            List.of("socat", "TCP6-LISTEN:" + TCP_PORT + ",ipv6only=0,reuseaddr,fork", "OPEN:/dev/null"));
        namespaces.spawn(protectedNs, ProcessBuilder.Redirect.DISCARD,
            List.of("socat", "-u", "UDP6-RECV:" + UDP_PORT + ",ipv6only=0", "OPEN:" + udpLog + ",creat,append"));

        Poll.until("TCP listener in " + protectedNs, LISTENER_TIMEOUT, () -> tcpConnects(CONTROL4, PROTECTED4));
        // The UDP listener starts on its own: a datagram sent before it bound is lost, so send again (at most every
        // 200 ms) until one has arrived.
        final List<String> sent = new ArrayList<>();
        final long[] lastSentNanos = { 0 };
        Poll.until("UDP listener in " + protectedNs, LISTENER_TIMEOUT, () ->
        {
            if (sent.stream().anyMatch(this::received))
            {
                return true;
            }
            if (System.nanoTime() - lastSentNanos[0] >= 200_000_000L)
            {
                sent.add(sendUdp(CONTROL4, PROTECTED4));
                lastSentNanos[0] = System.nanoTime();
            }
            return false;
        }, () -> sent.size() + " datagrams sent from " + CONTROL4 + ", none received");
    }

    private String sendUdp(final String source, final String destination)
    {
        final String marker = "m" + (++markers) + "-" + source + "|";
        final boolean ipv6 = destination.contains(":");
        final String address = ipv6 ?
            "UDP6-SENDTO:[" + destination + "]:" + UDP_PORT + ",bind=[" + source + "]" :
            "UDP4-SENDTO:" + destination + ":" + UDP_PORT + ",bind=" + source;
        final Command.Result result = Command.of(NetworkNamespaces.inNamespace(attackerNs, "socat", "-u", "STDIN", address))
            .stdin(marker).run();
        if (!result.succeeded())
        {
            throw new IllegalStateException("sending UDP from " + source + " failed: " + result.stderr());
        }
        return marker;
    }

    private boolean received(final String marker)
    {
        try
        {
            return Files.readString(udpLog, StandardCharsets.US_ASCII).contains(marker);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
