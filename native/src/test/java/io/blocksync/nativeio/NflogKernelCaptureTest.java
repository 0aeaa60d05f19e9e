package io.blocksync.nativeio;

import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real kernel writes the NFLOG records: nftables in a fresh network namespace logs SSH connection attempts
 * from a second namespace to group 5, tcpdump captures the group to a file, and the decoder must find each
 * attempt in it. Needs root and the Debian packages iproute2, nftables and tcpdump; skips without them.
 */
class NflogKernelCaptureTest
{
    private static final int GROUP = 5;
    private static final String PREFIX = "bs-test";
    private static final String NODE_ADDRESS = "192.0.2.1";
    private static final String ATTACKER_ADDRESS = "192.0.2.2";
    private static final int ATTEMPTS = 3;

    private static NetworkNamespaces namespaces;
    private static String node;
    private static String attacker;
    private static Path work;

    @BeforeAll
    static void createNodeAndAttackerNamespaces() throws IOException
    {
        assumeTrue(Tools.isRoot(), "skipped: creating network namespaces needs root");
        for (final String[] tool : new String[][]{
            { "ip", "iproute2" }, { "nft", "nftables" }, { "tcpdump", "tcpdump" }, { "bash", "bash" } })
        {
            assumeTrue(Tools.installed(tool[0]),
                "skipped: '" + tool[0] + "' not found; install the Debian package " + tool[1]);
        }

        namespaces = new NetworkNamespaces();
        work = Files.createTempDirectory("bsn-" + namespaces.suffix());
        try
        {
            node = namespaces.create("bsn-node");
        }
        catch (final IllegalStateException ex)
        {
            assumeTrue(false, () -> "skipped: cannot create a network namespace here: " + ex.getMessage());
        }
        attacker = namespaces.create("bsn-attacker");
        namespaces.veth(node, "bsv-node", attacker, "bsv-attacker");
        namespaces.address(node, "bsv-node", NODE_ADDRESS + "/24");
        namespaces.address(attacker, "bsv-attacker", ATTACKER_ADDRESS + "/24");

        final Path ruleset = work.resolve("ruleset.nft");
        Files.writeString(ruleset,
            "table inet blocksync_test {\n" +
            "    chain input {\n" +
            "        type filter hook input priority 0; policy accept;\n" +
            "        tcp dport 22 log group " + GROUP + " prefix \"" + PREFIX + "\"\n" +
            "    }\n" +
            "}\n");
        namespaces.must(node, "nft", "-f", ruleset.toString());
    }

    @AfterAll
    static void deleteNamespaces() throws IOException
    {
        if (null != namespaces)
        {
            namespaces.close();
        }
        if (null != work)
        {
            try (Stream<Path> paths = Files.walk(work))
            {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void sshAttemptsLoggedByNftablesDecodeWithGroupPrefixAndAddresses() throws IOException, InterruptedException
    {
        final Path capture = work.resolve("nflog.pcap");
        final Path log = work.resolve("tcpdump.log");
        final Process tcpdump = namespaces.spawn(node, ProcessBuilder.Redirect.to(log.toFile()),
            List.of("tcpdump", "-i", "nflog:" + GROUP, "-U", "-w", capture.toString()));
        try
        {
            // tcpdump writes the file header once it has bound the group, so attempts after that are seen.
            Poll.until("tcpdump to start capturing", () -> !tcpdump.isAlive() || sizeOf(capture) >= 24);
            assumeTrue(tcpdump.isAlive(), () -> "skipped: tcpdump cannot capture NFLOG here (kernel without " +
                "nfnetlink_log?): " + readLog(log));

            for (int i = 0; i < ATTEMPTS; i++)
            {
                // Nothing listens on port 22, so each attempt is one SYN answered by a reset.
                namespaces.exec(attacker, "bash", "-c", "exec 3<>/dev/tcp/" + NODE_ADDRESS + "/22");
            }

            Poll.until(ATTEMPTS + " NFLOG records in the capture", () -> decode(capture).size() >= ATTEMPTS,
                () -> decode(capture) + "\n" + readLog(log));
        }
        finally
        {
            tcpdump.destroy();
            if (!tcpdump.waitFor(10, TimeUnit.SECONDS))
            {
                tcpdump.destroyForcibly();
            }
        }

        final List<SeenEvent> events = decode(capture);
        assertEquals(ATTEMPTS, events.size(), () -> events + "\n" + readLog(log));
        for (final SeenEvent event : events)
        {
            assertEquals(DecodeResult.OK, event.result(), event.summary());
            assertEquals(LinkType.NFLOG, event.linkType());
            assertEquals(GROUP, event.group());
            assertEquals(PREFIX, event.logPrefix());
            assertEquals(TestPackets.TCP, event.protocol());
            assertEquals(ATTACKER_ADDRESS, event.source());
            assertEquals(NODE_ADDRESS, event.destination());
            assertEquals(22, event.destinationPort());
            assertTrue(event.sourcePort() > 0, event.summary());
        }
    }

    /**
     * @return the complete records in the file so far; one tcpdump is still writing may be cut short.
     */
    private static List<SeenEvent> decode(final Path capture)
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        try
        {
            new CaptureFileReader(new CaptureEventDecoder(collector)).read(capture);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }

        final List<SeenEvent> complete = new ArrayList<>();
        for (final SeenEvent event : collector.events)
        {
            if (DecodeError.RECORD_TRUNCATED != event.error())
            {
                complete.add(event);
            }
        }
        return complete;
    }

    private static long sizeOf(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.size(file) : 0;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    private static String readLog(final Path log)
    {
        try
        {
            return Files.readString(log);
        }
        catch (final IOException ex)
        {
            return "(no tcpdump log: " + ex.getMessage() + ")";
        }
    }
}
