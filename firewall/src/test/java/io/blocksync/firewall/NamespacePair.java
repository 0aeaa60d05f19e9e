package io.blocksync.firewall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two network namespaces joined by a veth pair, created for one test class and always deleted afterwards:
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

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

    final String protectedNs;
    final String attackerNs;
    private final Path udpLog;
    private final List<Process> listeners = new ArrayList<>();
    private int markers;

    private NamespacePair(final String protectedNs, final String attackerNs, final Path udpLog)
    {
        this.protectedNs = protectedNs;
        this.attackerNs = attackerNs;
        this.udpLog = udpLog;
    }

    /**
     * @return why namespace tests cannot run here (not root, or a needed tool missing), or null if they can. The
     * reason is also printed, so a skipped run says why on the console.
     */
    static String unavailableReason(final Class<?> testClass, final String... tools)
    {
        String reason = null;
        if (!"root".equals(System.getProperty("user.name")) && !isUid0())
        {
            reason = "creating network namespaces needs root";
        }
        for (final String tool : concat(List.of("ip", "socat"), List.of(tools)))
        {
            if (null == reason && !onPath(tool))
            {
                reason = "'" + tool + "' is not installed";
            }
        }
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
        assumeTrue(onPath("unshare") && run(List.of("unshare", "-U", "-r", "true"), "").succeeded(),
            "skipped: unprivileged user namespaces (unshare -U -r) are not available");
    }

    static NamespacePair create() throws IOException
    {
        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        final NamespacePair pair = new NamespacePair(
            "bs-prot-" + suffix, "bs-att-" + suffix, Files.createTempFile("blocksync-udp-", ".log"));
        try
        {
            pair.build(suffix);
            pair.startListeners();
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            pair.close();
            throw ex;
        }
        return pair;
    }

    List<String> inProtected()
    {
        return List.of("ip", "netns", "exec", protectedNs);
    }

    CommandResult inProtected(final String... argv)
    {
        return run(concat(inProtected(), List.of(argv)), "");
    }

    CommandResult inAttacker(final String... argv)
    {
        return run(concat(List.of("ip", "netns", "exec", attackerNs), List.of(argv)), "");
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
        Poll.until(DELIVERY_TIMEOUT, "datagram " + marker + " from " + source, () -> received(marker));
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
        for (final Process process : listeners)
        {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        run(List.of("ip", "netns", "del", protectedNs), "");
        run(List.of("ip", "netns", "del", attackerNs), "");
        try
        {
            Files.deleteIfExists(udpLog);
        }
        catch (final IOException ignore)
        {
            // Temporary file; nothing else to do.
        }
    }

    private void build(final String suffix)
    {
        final String hostSide = "bsp" + suffix;
        final String attackerSide = "bsa" + suffix;
        must("ip", "netns", "add", protectedNs);
        must("ip", "netns", "add", attackerNs);
        must("ip", "link", "add", hostSide, "netns", protectedNs, "type", "veth", "peer", "name", attackerSide,
            "netns", attackerNs);
        for (final String[] side : new String[][]{
            { protectedNs, hostSide, PROTECTED4, PROTECTED6, PROTECTED6_CONTROL_NET },
            { attackerNs, attackerSide, ATTACKER4, ATTACKER6, CONTROL6 } })
        {
            final String ns = side[0];
            must("ip", "-n", ns, "link", "set", "lo", "up");
            must("ip", "-n", ns, "addr", "add", side[2] + "/24", "dev", side[1]);
            must("ip", "-n", ns, "addr", "add", side[3] + "/64", "dev", side[1], "nodad");
            must("ip", "-n", ns, "addr", "add", side[4] + "/64", "dev", side[1], "nodad");
            must("ip", "-n", ns, "link", "set", side[1], "up");
        }
        must("ip", "-n", attackerNs, "addr", "add", CONTROL4 + "/24", "dev", attackerSide);
    }

    private void startListeners() throws IOException
    {
        listeners.add(new ProcessBuilder(concat(inProtected(), List.of(
            "socat", "TCP6-LISTEN:" + TCP_PORT + ",ipv6only=0,reuseaddr,fork", "OPEN:/dev/null")))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        listeners.add(new ProcessBuilder(concat(inProtected(), List.of(
            "socat", "-u", "UDP6-RECV:" + UDP_PORT + ",ipv6only=0", "OPEN:" + udpLog + ",creat,append")))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());

        Poll.until(DELIVERY_TIMEOUT, "TCP listener in " + protectedNs, () -> tcpConnects(CONTROL4, PROTECTED4));
        assertUdpDelivered(CONTROL4, PROTECTED4);
    }

    private String sendUdp(final String source, final String destination)
    {
        final String marker = "m" + (++markers) + "-" + source + "|";
        final boolean ipv6 = destination.contains(":");
        final String address = ipv6 ?
            "UDP6-SENDTO:[" + destination + "]:" + UDP_PORT + ",bind=[" + source + "]" :
            "UDP4-SENDTO:" + destination + ":" + UDP_PORT + ",bind=" + source;
        final CommandResult result = run(
            concat(List.of("ip", "netns", "exec", attackerNs), List.of("socat", "-u", "STDIN", address)), marker);
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

    private void must(final String... argv)
    {
        final CommandResult result = run(List.of(argv), "");
        if (!result.succeeded())
        {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + result.stderr().trim());
        }
    }

    private static CommandResult run(final List<String> argv, final String stdin)
    {
        try
        {
            return new ProcessCommandRunner(30_000).run(argv, stdin.getBytes(StandardCharsets.US_ASCII));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(String.join(" ", argv) + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean isUid0()
    {
        try
        {
            return "0".equals(run(List.of("id", "-u"), "").stdout().trim());
        }
        catch (final IllegalStateException ex)
        {
            return false;
        }
    }

    static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            if (Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }

    static List<String> concat(final List<String> first, final List<String> second)
    {
        final List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
