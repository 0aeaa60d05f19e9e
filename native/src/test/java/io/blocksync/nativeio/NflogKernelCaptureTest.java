package io.blocksync.nativeio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
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
    private static final long DEADLINE_MILLIS = 20_000;

    private static String node;
    private static String attacker;
    private static Path work;

    @BeforeAll
    static void createNodeAndAttackerNamespaces() throws IOException
    {
        assumeTrue(isRoot(), "skipped: creating network namespaces needs root");
        for (final String[] tool : new String[][]{
            { "ip", "iproute2" }, { "nft", "nftables" }, { "tcpdump", "tcpdump" }, { "bash", "bash" } })
        {
            assumeTrue(null != findTool(tool[0]),
                "skipped: '" + tool[0] + "' not found; install the Debian package " + tool[1]);
        }

        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        work = Files.createTempDirectory("bsn-" + suffix);
        final Result created = run("ip", "netns", "add", "bsn-" + suffix + "-node");
        assumeTrue(created.ok(), () -> "skipped: cannot create a network namespace here: " + created.output());
        node = "bsn-" + suffix + "-node";
        must("ip", "netns", "add", "bsn-" + suffix + "-attacker");
        attacker = "bsn-" + suffix + "-attacker";

        must("ip", "-n", node, "link", "add", "bsv-node", "type", "veth", "peer", "name", "bsv-attacker",
            "netns", attacker);
        must("ip", "-n", node, "addr", "add", NODE_ADDRESS + "/24", "dev", "bsv-node");
        must("ip", "-n", attacker, "addr", "add", ATTACKER_ADDRESS + "/24", "dev", "bsv-attacker");
        for (final String[] link : new String[][]{
            { node, "lo" }, { node, "bsv-node" }, { attacker, "lo" }, { attacker, "bsv-attacker" } })
        {
            must("ip", "-n", link[0], "link", "set", link[1], "up");
        }

        final Path ruleset = work.resolve("ruleset.nft");
        Files.writeString(ruleset,
            "table inet blocksync_test {\n" +
            "    chain input {\n" +
            "        type filter hook input priority 0; policy accept;\n" +
            "        tcp dport 22 log group " + GROUP + " prefix \"" + PREFIX + "\"\n" +
            "    }\n" +
            "}\n");
        must("ip", "netns", "exec", node, "nft", "-f", ruleset.toString());
    }

    @AfterAll
    static void deleteNamespaces() throws IOException
    {
        if (null != attacker)
        {
            run("ip", "netns", "del", attacker);
        }
        if (null != node)
        {
            run("ip", "netns", "del", node);
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
        final Process tcpdump = new ProcessBuilder(
            "ip", "netns", "exec", node, "tcpdump", "-i", "nflog:" + GROUP, "-U", "-w", capture.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        try
        {
            // tcpdump writes the file header once it has bound the group, so attempts after that are seen.
            awaitCondition("tcpdump to start capturing", () -> !tcpdump.isAlive() || sizeOf(capture) >= 24);
            assumeTrue(tcpdump.isAlive(), () -> "skipped: tcpdump cannot capture NFLOG here (kernel without " +
                "nfnetlink_log?): " + readLog(log));

            for (int i = 0; i < ATTEMPTS; i++)
            {
                // Nothing listens on port 22, so each attempt is one SYN answered by a reset.
                run("ip", "netns", "exec", attacker, "bash", "-c", "exec 3<>/dev/tcp/" + NODE_ADDRESS + "/22");
            }

            awaitCondition(ATTEMPTS + " NFLOG records in the capture", () -> decode(capture).size() >= ATTEMPTS);
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

    private static void awaitCondition(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("timed out after " + DEADLINE_MILLIS + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
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

    private static boolean isRoot()
    {
        try
        {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return false;
        }
    }

    private static Path findTool(final String name)
    {
        final List<String> directories = new ArrayList<>(List.of(
            System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (final String directory : directories)
        {
            if (!directory.isEmpty())
            {
                final Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private record Result(int exitCode, String output)
    {
        boolean ok()
        {
            return 0 == exitCode;
        }
    }

    private static Result run(final String... command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": timed out\n" + output);
            }
            return new Result(process.exitValue(), output);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Result(-1, String.join(" ", command) + ": interrupted");
        }
    }

    private static void must(final String... command) throws IOException
    {
        final Result result = run(command);
        if (!result.ok())
        {
            fail(String.join(" ", command) + " exited with " + result.exitCode() + ": " + result.output());
        }
    }
}
