package io.blocksync.nativeio;

import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JNI NFLOG socket on the real kernel. A protected namespace logs SSH connection attempts with nftables
 * ({@code tcp dport 22 log group 7 prefix "bs-jni"}); an attacker namespace makes them; the {@link NflogSource}
 * reads the group inside the protected namespace (the socket is created there, the JVM's threads stay where they
 * are) and the events must name the attacker. Needs root, iproute2, nftables, bash and the built library.
 */
class NflogSourceKernelTest
{
    private static final int GROUP = 7;
    private static final String PREFIX = "bs-jni";
    private static final String NODE_ADDRESS = "192.0.2.1";
    private static final String ATTACKER_ADDRESS = "192.0.2.2";
    private static final int ATTEMPTS = 3;

    private static NetworkNamespaces namespaces;
    private static String node;
    private static String attacker;

    @BeforeAll
    static void createNodeAndAttackerNamespaces()
    {
        skipUnless(Tools.isRoot(), "the NFLOG socket test creates network namespaces and needs root");
        for (final String[] tool : new String[][]{ { "ip", "iproute2" }, { "nft", "nftables" }, { "bash", "bash" } })
        {
            skipUnless(Tools.installed(tool[0]), "'" + tool[0] + "' not found; install the Debian package " + tool[1]);
        }
        skipUnless(NativeLibrary.load(), NativeLibrary.unavailableMessage());

        namespaces = new NetworkNamespaces();
        try
        {
            node = namespaces.create("bsn-jni");
        }
        catch (final IllegalStateException ex)
        {
            skipUnless(false, "cannot create a network namespace here: " + ex.getMessage());
        }
        attacker = namespaces.create("bsn-att");
        namespaces.veth(node, "bsj-node", attacker, "bsj-attacker");
        namespaces.address(node, "bsj-node", NODE_ADDRESS + "/24");
        namespaces.address(attacker, "bsj-attacker", ATTACKER_ADDRESS + "/24");
        Command.of(NetworkNamespaces.inNamespace(node, "nft", "-f", "-")).stdin(
            "table inet blocksync_jni_test {\n" +
            "    chain input {\n" +
            "        type filter hook input priority 0; policy accept;\n" +
            "        tcp dport 22 log group " + GROUP + " prefix \"" + PREFIX + "\"\n" +
            "    }\n" +
            "}\n").mustSucceed();
    }

    @AfterAll
    static void deleteNamespaces()
    {
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void sshAttemptsFromTheAttackerArriveAsEventsThroughTheRing() throws IOException
    {
        final AttackEventRing ring = new AttackEventRing(256);
        final RingCollector loop = new RingCollector(ring);
        final LogLines log = new LogLines();
        final NflogSource source = new NflogSource(
            new NflogSourceSettings().name("nflog").group(GROUP).networkNamespace(namespacePath(node))
                .backoff(new Backoff(10, 100)),
            ring, log);
        source.start();
        try
        {
            Poll.until("group " + GROUP + " to be bound", source::isBound, log::toString);
            for (int i = 0; i < ATTEMPTS; i++)
            {
                // Nothing listens on port 22: each attempt is one SYN, answered by a reset.
                namespaces.exec(attacker, "bash", "-c", "exec 3<>/dev/tcp/" + NODE_ADDRESS + "/22");
            }
            loop.awaitAtLeast(ATTEMPTS, source, log);
        }
        finally
        {
            source.close();
        }
        loop.drain();

        assertEquals(ATTEMPTS, loop.events.size(), () -> loop.events.toString());
        final long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        final List<Integer> ports = new ArrayList<>();
        for (final SeenEvent event : loop.events)
        {
            assertEquals(DecodeResult.OK, event.result(), event.summary());
            assertEquals(LinkType.NFLOG, event.linkType());
            assertEquals(GROUP, event.group());
            assertEquals(PREFIX, event.logPrefix());
            assertEquals(TestPackets.TCP, event.protocol());
            assertEquals(ATTACKER_ADDRESS, event.source());
            assertEquals(NODE_ADDRESS, event.destination());
            assertEquals(22, event.destinationPort());
            assertTrue(event.timeNanos() > now - TimeUnit.MINUTES.toNanos(1) && event.timeNanos() <= now,
                event.summary());
            ports.add(event.sourcePort());
        }
        assertEquals(ATTEMPTS, ports.stream().distinct().count(), "one event per connection: " + ports);
        assertEquals(ATTEMPTS, source.counters().events());
        assertEquals(0, source.counters().malformed() + source.counters().dropped() + source.counters().failures());
        assertFalse(source.isBound(), "closed");
        assertTrue(log.contains("reading NFLOG group 7 in network namespace " + namespacePath(node)), log::toString);
    }

    @Test
    void thePcapPipeSourceReadsTheSameGroupThroughTcpdump() throws IOException
    {
        assumeTrue(Tools.installed("tcpdump"), "skipped: 'tcpdump' not found; install the Debian package tcpdump");
        final AttackEventRing ring = new AttackEventRing(256);
        final RingCollector loop = new RingCollector(ring);
        final LogLines log = new LogLines();
        final PcapPipeSource source = new PcapPipeSource("pcap-pipe",
            List.of("ip", "netns", "exec", node, "tcpdump", "-i", "nflog:" + GROUP, "-U", "-w", "-"),
            ring, log, new Backoff(10, 100));
        source.start();
        try
        {
            // Nothing says when tcpdump has bound the group, so attempts go on until they are seen.
            Poll.until(ATTEMPTS + " events through tcpdump",
                () ->
                {
                    namespaces.exec(attacker, "bash", "-c", "exec 3<>/dev/tcp/" + NODE_ADDRESS + "/22");
                    loop.drain();
                    return loop.events.size() >= ATTEMPTS;
                },
                log::toString);
        }
        finally
        {
            source.close();
        }

        for (final SeenEvent event : loop.events)
        {
            assertEquals(DecodeResult.OK, event.result(), event.summary());
            assertEquals(GROUP, event.group());
            assertEquals(PREFIX, event.logPrefix());
            assertEquals(ATTACKER_ADDRESS, event.source());
            assertEquals(22, event.destinationPort());
        }
        assertEquals(0, source.counters().malformed());
    }

    @Test
    void aGroupHeldByAnotherSocketIsRefusedAndFreedByClose() throws IOException
    {
        final int group = GROUP + 1;
        try (NflogSocket first = NflogSocket.open(group, 128, 50, namespacePath(node)))
        {
            assertTrue(first.isOpen());
            final IOException refused = assertThrows(IOException.class,
                () -> NflogSocket.open(group, 128, 50, namespacePath(node)).close());
            assertTrue(refused.getMessage().startsWith("cannot bind NFLOG group 8: "), refused.getMessage());
            assertTrue(refused.getMessage().contains("no other process may hold the group"), refused.getMessage());
        }

        try (NflogSocket again = NflogSocket.open(group, 128, 50, namespacePath(node)))
        {
            assertEquals(group, again.group());
        }
    }

    @Test
    void aReceiveWithNothingLoggedReturnsAfterTheTimeout() throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(NflogSocket.RECOMMENDED_BUFFER_LENGTH);
        try (NflogSocket socket = NflogSocket.open(GROUP + 2, 128, 50, namespacePath(node)))
        {
            final long start = System.nanoTime();
            assertEquals(0, socket.receive(buffer));
            final long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waitedMillis >= 40 && waitedMillis < 5_000, waitedMillis + " ms");
        }
        final IOException closed = assertThrows(IOException.class, () ->
        {
            final NflogSocket socket = NflogSocket.open(GROUP + 2, 128, 50, namespacePath(node));
            socket.close();
            socket.receive(buffer);
        });
        assertEquals("NFLOG socket for group 9 is closed", closed.getMessage());
    }

    @Test
    void openingInAnotherNamespaceLeavesTheCallersThreadWhereItWas() throws IOException
    {
        final Path self = Path.of("/proc/thread-self/ns/net");
        final Path before = Files.readSymbolicLink(self);
        try (NflogSocket socket = NflogSocket.open(GROUP + 3, 128, 50, namespacePath(node)))
        {
            assertTrue(socket.isOpen());
        }
        assertEquals(before, Files.readSymbolicLink(self));
    }

    @Test
    void theFamiliesAreBoundToNfnetlinkLogOnlyWhenAskedFor() throws IOException
    {
        final String before = defaultLoggers();
        NflogSocket.open(GROUP + 4, 128, 50, namespacePath(node)).close();
        assertEquals(before, defaultLoggers(), "the namespace's default loggers are left alone");

        NflogSocket.open(GROUP + 4, 128, 50, namespacePath(node), true).close();
        final String after = defaultLoggers();
        assertTrue(after.contains("\n 2 nfnetlink_log ") && after.contains("\n10 nfnetlink_log "), after);
    }

    @Test
    void aNamespaceThatDoesNotExistIsNamedInTheError()
    {
        final IOException missing = assertThrows(IOException.class,
            () -> NflogSocket.open(GROUP, 128, 50, "/run/netns/bsn-no-such-namespace").close());
        assertEquals("cannot open network namespace /run/netns/bsn-no-such-namespace: No such file or directory " +
            "(expected a path such as /run/netns/NAME)", missing.getMessage());
    }

    /**
     * Skip the class with a reason that shows in the build output: surefire reports a class skipped in
     * {@code @BeforeAll} as zero tests and drops the message.
     */
    private static void skipUnless(final boolean condition, final String reason)
    {
        if (!condition)
        {
            System.out.println("NflogSourceKernelTest skipped: " + reason);
        }
        assumeTrue(condition, () -> "skipped: " + reason);
    }

    /**
     * @return /proc/net/netfilter/nf_log in the node: each family's default logger, then those available.
     */
    private static String defaultLoggers()
    {
        final Command.Result result = namespaces.exec(node, "cat", "/proc/net/netfilter/nf_log");
        assertTrue(result.succeeded(), result::describe);
        return "\n" + result.stdout();
    }

    private static String namespacePath(final String name)
    {
        return "/run/netns/" + name;
    }
}
