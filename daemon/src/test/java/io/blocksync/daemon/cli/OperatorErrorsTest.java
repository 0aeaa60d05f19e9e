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
        expect(problems, 2, "missing.conf: cannot read", "status", "-c", missing);
        expect(problems, 2, "missing.conf: cannot read", "bans", "-c", missing);
        expect(problems, 2, "bad.conf:2:6: id: 'x' is not a whole number", "check-config", "-c", bad.toString());
        expect(problems, 2, "bad.conf:2:6:", "peers", "-c", bad.toString());
        expect(problems, 1, "/dev/null", "run", "-c", stateIsDevice.toString());
        expect(problems, 1, "missing.pcap", "events", "--pcap", dir.resolve("missing.pcap").toString());
        expect(problems, 2, "Unknown option", "status", "-c", neverRan, "--interval", "1s", "--watch", "--bogus");
        expect(problems, 2, "--interval '5ms': must be 200ms to 1h", "status", "-c", neverRan, "--watch", "--interval", "5ms");
        for (final String command : new CommandLine(new BlockSyncCli()).getSubcommands().keySet())
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
    void anExceptionACommandThrowsBecomesOneLineNamingTheFileAndExitOne()
    {
        assertEquals("/etc/blocksync/node.key: no such file or directory",
            OperatorErrors.describe(new java.io.UncheckedIOException(new NoSuchFileException("/etc/blocksync/node.key"))));
        assertEquals("unexpected IllegalStateException (set BLOCKSYNC_DEBUG=1 for details)",
            OperatorErrors.describe(new IllegalStateException()));
        assertEquals("a b", OperatorErrors.describe(new RuntimeException("a\nb")));
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
        if (text.contains("Exception") || text.contains("at java.") || text.contains("at io.") || text.contains("\tat "))
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
