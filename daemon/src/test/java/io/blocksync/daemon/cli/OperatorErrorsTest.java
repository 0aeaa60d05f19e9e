package io.blocksync.daemon.cli;

import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.config.KeyText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No stack trace ever reaches an operator: every command, given bad input, says what is wrong in a line naming the
 * file or address, and exits 1 for a failed operation, 2 for bad usage or a config that does not validate
 * ({@link BlockSyncCli}), 3 for {@code status} of a node that is not running.
 */
class OperatorErrorsTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        savedOut = System.out;
        savedErr = System.err;
        // One stream for both, in the order written, as a terminal shows them.
        final PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
    }

    @AfterEach
    void restore()
    {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void everyCommandGivenBadInputSaysWhatIsWrongInOneLineWithoutAStackTrace() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final String neverRan = cluster.configFile(1).toString();
        final Path device = dir.resolve("device.conf");
        Files.writeString(device, "[node]\nid = 1\nlisten = 127.0.0.1:7901\nstate-dir = dev-state\nkey-file = /dev/null\n");
        final Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "[node]\nid = x\n");
        final Path stateIsDevice = dir.resolve("state-device.conf");
        Files.writeString(stateIsDevice, "[node]\nid = 1\nlisten = 127.0.0.1:7901\nstate-dir = /dev/null\nkey = " +
            KeyText.encode(NodeKey.generateSeed(new java.security.SecureRandom())) + "\n");
        final String missing = dir.resolve("missing.conf").toString();

        final List<String> problems = new ArrayList<>();
        expect(problems, 1, "no ban store in " + cluster.stateDir(1), "bans", "-c", neverRan);
        expect(problems, 1, "no ban store in " + cluster.stateDir(1), "bans", "-c", neverRan, "--json");
        expect(problems, 1, "no daemon status at", "status", "-c", neverRan);
        expect(problems, 1, "no daemon status at", "peers", "-c", neverRan);
        expect(problems, 1, "missing.txt", "ban", "-c", neverRan, "--file", dir.resolve("missing.txt").toString());
        expect(problems, 1, "missing.txt", "unban", "-c", neverRan, "--file", dir.resolve("missing.txt").toString());
        expect(problems, 1, "control.sock", "ban", "-c", neverRan, "192.0.2.1");
        expect(problems, 1, dir.resolve("no-such-dir/node.key") + ": no such file or directory",
            "keygen", "--out", dir.resolve("no-such-dir/node.key").toString());
        expect(problems, 1, "/dev/null", "keygen", "--out", "/dev/null");
        expect(problems, 1, "missing.key", "keygen", "--public", dir.resolve("missing.key").toString());
        expect(problems, 2, "key-file: /dev/null: refused: it is a character device", "check-config", "-c", device.toString());
        expect(problems, 2, "key-file: /dev/null", "run", "-c", device.toString());
        // A config that cannot be read is an operation that failed (1), like any other file; one that does not
        // validate is bad input (2).
        expect(problems, 1, "missing.conf: cannot read: no such file", "status", "-c", missing);
        expect(problems, 1, "missing.conf: cannot read: no such file", "bans", "-c", missing);
        expect(problems, 1, "missing.conf: cannot read: no such file", "check-config", "-c", missing);
        expect(problems, 1, "missing.conf: cannot read: no such file", "run", "-c", missing);
        expect(problems, 1, dir + ": cannot read: it is a directory", "ban", "-c", dir.toString(), "192.0.2.1");
        expect(problems, 2, "bad.conf:2:6: id: 'x' is not a whole number", "check-config", "-c", bad.toString());
        expect(problems, 2, "bad.conf:2:6:", "peers", "-c", bad.toString());
        expect(problems, 1, "/dev/null", "run", "-c", stateIsDevice.toString());
        expect(problems, 1, "missing.pcap", "events", "--pcap", dir.resolve("missing.pcap").toString());
        expect(problems, 2, "Unknown option", "status", "-c", neverRan, "--interval", "1s", "--watch", "--bogus");
        expect(problems, 2, "--interval '5ms': must be 200ms to 1h", "status", "-c", neverRan, "--watch", "--interval", "5ms");
        // A state directory that exists but cannot be looked into is not "the node never ran": the path and why.
        final Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory\n");
        final Path underFile = dir.resolve("under-file.conf");
        Files.writeString(underFile, Files.readString(cluster.configFile(1))
            .replaceAll("(?m)^state-dir = .*$", "state-dir = " + aFile.resolve("state")));
        final String stateUnderFile = aFile.resolve("state").toString();
        expect(problems, 1, stateUnderFile + "/status.dat: not a directory", "status", "-c", underFile.toString());
        expect(problems, 1, stateUnderFile + "/status.dat: not a directory", "peers", "-c", underFile.toString());
        expect(problems, 1, stateUnderFile + "/bans.cmap: not a directory", "bans", "-c", underFile.toString());
        expect(problems, 1, stateUnderFile + "/control.sock: not a directory", "ban", "-c", underFile.toString(), "192.0.2.1");
        expect(problems, 1, stateUnderFile + "/control.sock: not a directory", "unban", "-c", underFile.toString(), "192.0.2.1");
        // A UDP port another process holds, an address not this host's: the address, the reason, exit 1.
        try (java.net.DatagramSocket held = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            final Path inUse = dir.resolve("in-use.conf");
            Files.writeString(inUse, Files.readString(cluster.configFile(2))
                .replaceAll("(?m)^listen = .*$", "listen = 127.0.0.1:" + held.getLocalPort()));
            expect(problems, 1, "cannot start node 2: cannot bind UDP 127.0.0.1:" + held.getLocalPort() +
                ": address already in use", "run", "-c", inUse.toString());
            final Path notOurs = dir.resolve("not-ours.conf");
            Files.writeString(notOurs, Files.readString(cluster.configFile(2))
                .replaceAll("(?m)^listen = .*$", "listen = 192.0.2.1:7946"));
            expect(problems, 1, "cannot bind UDP 192.0.2.1:7946: cannot assign requested address", "run", "-c",
                notOurs.toString());
        }
        // Every option that reads a file: the file and the reason, never a class name.
        final String directory = dir.toString();
        expect(problems, 1, directory + ": is a directory", "ban", "-c", neverRan, "--file", directory);
        expect(problems, 1, directory + ": is a directory", "unban", "-c", neverRan, "--file", directory);
        expect(problems, 1, aFile + "/x: not a directory", "ban", "-c", neverRan, "--file", aFile + "/x");
        expect(problems, 1, directory + ": is a directory", "import", "-c", neverRan, directory);
        expect(problems, 1, "missing.txt: no such file or directory", "import", "-c", neverRan, dir.resolve("missing.txt").toString());
        expect(problems, 1, directory + ": is a directory", "events", "--pcap", directory);
        expect(problems, 1, aFile + "/x: not a directory", "events", "--pcap", aFile + "/x");
        expect(problems, 1, aFile + ": 0 events", "events", "--pcap", aFile.toString());
        expect(problems, 1, aFile + "/x: cannot read: not a directory", "keygen", "--public", aFile + "/x");
        expect(problems, 1, aFile + "/x: not a directory", "keygen", "--out", aFile + "/x");
        expect(problems, 1, aFile + "/x.conf: cannot read: not a directory", "check-config", "-c", aFile + "/x.conf");
        expect(problems, 2, "mutually exclusive", "keygen", "--out", dir.resolve("k").toString(), "--public",
            dir.resolve("k").toString());
        for (final String command : CommandLines.commandLine().getSubcommands().keySet())
        {
            if ("bench".equals(command))
            {
                // Its options are the bench runner's, which is absent before bench's own package phase: either way
                // one line naming the command.
                expect(problems, 2, "blocksync bench", command, "--no-such-flag");
            }
            else if (!"help".equals(command))
            {
                expect(problems, 2, "Usage: blocksync " + command, command, "--no-such-flag");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void statusWatchShowsAnErrorAsOneLinePerRefreshAndKeepsWatching() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        out.reset();
        final int status = BlockSyncCli.run("status", "-c", cluster.configFile(1).toString(), "--watch", "--interval",
            "200ms", "--count", "3");
        final String text = out.toString(StandardCharsets.UTF_8);
        final List<String> lines = text.lines().toList();
        assertEquals(1, status, text);
        assertEquals(3, lines.size(), "one line per refresh, no header above an error:\n" + text);
        for (final String line : lines)
        {
            assertTrue(line.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ {2}blocksync status: no daemon status at " +
                java.util.regex.Pattern.quote(cluster.stateDir(1).resolve("status.dat").toString()) + " .*"), line);
        }
    }

    /**
     * Root reads any directory, so the commands run in a child process without CAP_DAC_OVERRIDE and
     * CAP_DAC_READ_SEARCH (setpriv(1)), where a state directory of mode 000 denies root as it would the daemon's user.
     */
    @Test
    void aStateDirectoryThatCannotBeReadIsNamedWithItsReasonNotTakenForANodeThatNeverRan() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")) && io.blocksync.testkit.Tools.installed("setpriv"),
            "needs root and setpriv(1) to drop the capabilities that bypass file modes");
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final Path state = Files.createDirectories(cluster.stateDir(1));
        Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        final String config = cluster.configFile(1).toString();
        final List<String> problems = new ArrayList<>();
        expectWithoutDacOverride(problems, state.resolve("status.dat") + ": permission denied", "status", "-c", config);
        expectWithoutDacOverride(problems, state.resolve("bans.cmap") + ": permission denied", "bans", "-c", config);
        expectWithoutDacOverride(problems, state.resolve("control.sock") + ": permission denied", "ban", "-c", config,
            "192.0.2.1");
        assertEquals(List.of(), problems);
    }

    @Test
    void anExceptionACommandThrowsBecomesOneLineNamingTheFileAndExitOne()
    {
        assertEquals("/etc/blocksync/node.key: no such file or directory",
            OperatorErrors.describe(new java.io.UncheckedIOException(new NoSuchFileException("/etc/blocksync/node.key"))));
        assertEquals("unexpected IllegalStateException (set BLOCKSYNC_DEBUG=1 for details)",
            OperatorErrors.describe(new IllegalStateException()));
        assertEquals("a b", OperatorErrors.describe(new RuntimeException("a\nb")));
    }

    private static void expectWithoutDacOverride(final List<String> problems, final String says, final String... args)
        throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        // The launcher's own flags (Agrona's and Chronicle's module openings), as NodeProcess gives a node.
        try (java.io.InputStream in = OperatorErrorsTest.class.getResourceAsStream("/jvm-flags.txt"))
        {
            new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().filter(line -> !line.isBlank())
                .forEach(line -> command.add(line.trim()));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BlockSyncCli.class.getName()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        final String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", args) + " did not end");
        final String what = String.join(" ", args) + ": exit " + process.exitValue() + ":\n" + text;
        if (process.exitValue() != 1 || !text.contains(says) || text.contains("Exception") || text.contains("never") ||
            text.lines().filter(line -> !line.contains("warning")).count() != 1)
        {
            problems.add(what + "(expected exit 1 and one line saying '" + says + "')");
        }
    }

    /** Runs one command; a problem is a wrong exit status, a stack trace, or output that does not name what is wrong. */
    private void expect(final List<String> problems, final int exit, final String says, final String... args)
    {
        out.reset();
        final int status = BlockSyncCli.run(args);
        final String text = out.toString(StandardCharsets.UTF_8);
        final String command = String.join(" ", args);
        if (status != exit)
        {
            problems.add(command + ": exit " + status + ", expected " + exit + ":\n" + text);
        }
        if (text.contains("Exception") || text.contains("at java.") || text.contains("at io.") || text.contains("\tat ") ||
            java.util.regex.Pattern.compile("\\bjava\\.(io|nio|net|lang)\\.").matcher(text).find())
        {
            problems.add(command + ": stack trace or exception name:\n" + text);
        }
        if (!text.contains(says))
        {
            problems.add(command + ": does not say '" + says + "':\n" + text);
        }
        assertFalse(text.isBlank(), command + " said nothing");
    }
}
