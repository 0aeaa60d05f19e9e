package io.blocksync.daemon;

import io.blocksync.daemon.cli.BlockSyncCli;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code blocksync import} reads the list formats (plain, comments, Spamhaus DROP, ipset save), reports each bad line
 * by number and goes on (exit 1), and with {@code --list NAME --replace} lifts what the new file no longer holds; the
 * control socket's {@code flush REASON} lifts one reason's bans of this node and no other's; a reason of 40
 * characters reaches the peer whole. Two nodes in this JVM; node 2 must hold what node 1 decided.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ImportAndFlushTest
{
    @TempDir
    Path dir;

    private InProcessCluster cluster;

    @BeforeEach
    void start() throws Exception
    {
        cluster = new InProcessCluster(dir, 2, "[bans]\nmax-duration = permanent\n", 2);
    }

    @AfterEach
    void stop() throws Exception
    {
        cluster.close();
    }

    @Test
    void importReadsTheListFormatsReportsBadLinesAndReplaceLiftsWhatTheNewListDropped() throws Exception
    {
        final Path first = Files.writeString(dir.resolve("drop.txt"), String.join("\n",
            "; Spamhaus DROP List 2026/11/30 - (c) 2026 The Spamhaus Project",
            "198.51.100.0/24 ; SBL000001",
            "# a comment",
            "",
            "192.0.2.5/24",
            "add blacklist 203.0.113.9 timeout 0",
            "create blacklist hash:net family inet",
            "2001:db8:bad::/48",
            "not-an-address",
            "192.0.2.66  # trailing words are ignored",
            ""));
        final String[] result = cli(1, "import", first.toString(), "--list", "spamhaus-drop", "--replace");
        assertEquals("1", result[2], result[0] + result[1]);
        assertTrue(result[1].contains("drop.txt:5: '192.0.2.5/24': host bits set") && result[1].contains("drop.txt:9: "),
            "each bad line by number: " + result[1]);
        assertTrue(result[0].contains("4 banned, 0 lifted, 2 bad or refused (reason spamhaus-drop)"), result[0]);
        awaitBansAt(2, "spamhaus-drop", "198.51.100.0/24", "203.0.113.9", "2001:db8:bad::/48", "192.0.2.66");

        final Path second = Files.writeString(dir.resolve("drop2.txt"), "198.51.100.0/24 ; SBL000001\n192.0.2.67\n");
        final String[] replaced = cli(1, "import", second.toString(), "--list", "spamhaus-drop", "--replace");
        assertEquals("0", replaced[2], replaced[0] + replaced[1]);
        assertTrue(replaced[0].contains("2 banned, 3 lifted, 0 bad or refused"), replaced[0]);
        awaitBansAt(2, "spamhaus-drop", "198.51.100.0/24", "192.0.2.67");
    }

    @Test
    void flushLiftsOneReasonsBansOfThisNodeOnlyAndALongReasonTravelsWhole() throws Exception
    {
        final String longReason = "crowdsecurity/http-admin-interface-probe";
        assertEquals(List.of("ok ban 192.0.2.10", "ok ban 192.0.2.11", "ok ban 192.0.2.12"),
            ControlClient.exchange(stateDir(1), List.of("ban 192.0.2.10 1h nginx-http-auth 0 0 3",
                "ban 192.0.2.11 -1 nginx-http-auth 6 443", "ban 192.0.2.12 1h " + longReason + " 0 0")));
        assertEquals(List.of("ok ban 192.0.2.13"), ControlClient.exchange(stateDir(2), List.of("ban 192.0.2.13 1h nginx-http-auth 0 0")));
        awaitBansAt(2, "nginx-http-auth", "192.0.2.10", "192.0.2.11", "192.0.2.13");
        awaitBansAt(2, longReason, "192.0.2.12");

        assertEquals(List.of("ok flush nginx-http-auth 2"), ControlClient.exchange(stateDir(1), List.of("flush nginx-http-auth")));
        awaitBansAt(2, "nginx-http-auth", "192.0.2.13");
        awaitBansAt(1, "nginx-http-auth", "192.0.2.13");
        assertEquals(List.of("error flush nginx-http-auth must be the only line of its request"),
            ControlClient.exchange(stateDir(1), List.of("flush nginx-http-auth", "ping")));
        // The event log is written by its own thread: its lines are polled for, not read at once.
        for (final String audit : List.of("ban 192.0.2.10 reason nginx-http-auth 1h origin node1 (3 hits)",
            "ban 192.0.2.11 reason nginx-http-auth permanent origin node1", "unban 192.0.2.10 reason nginx-http-auth origin node1"))
        {
            Poll.until("the audit line '" + audit + "'", Duration.ofSeconds(30), () -> cluster.log().contains(audit), cluster::log);
        }
    }

    private Path stateDir(final int node)
    {
        return cluster.configFile(node).resolveSibling("node" + node);
    }

    private void awaitBansAt(final int node, final String reason, final String... prefixes)
    {
        final TreeSet<String> expected = new TreeSet<>(List.of(prefixes));
        Poll.until("node " + node + " holds exactly " + expected + " under " + reason, Duration.ofSeconds(30),
            () -> expected.equals(bansAt(node, reason)), () -> bansAt(node, reason).toString());
    }

    private TreeSet<String> bansAt(final int node, final String reason)
    {
        final TreeSet<String> found = new TreeSet<>();
        try
        {
            ControlClient.stream(stateDir(node), "bans", row ->
            {
                final String[] words = row.split(" ");
                if (words.length > 8 && words[8].equals(reason))
                {
                    found.add(words[1]);
                }
            });
        }
        catch (final java.io.IOException ex)
        {
            found.add(ex.toString());
        }
        return found;
    }

    /** Run the CLI in this JVM against a node: stdout, stderr, exit status. */
    private synchronized String[] cli(final int node, final String... args)
    {
        final PrintStream savedOut = System.out;
        final PrintStream savedErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(1, List.of("-c", cluster.configFile(node).toString()));
        final int exit;
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = BlockSyncCli.run(arguments.toArray(new String[0]));
        }
        finally
        {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new String[]{ out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), Integer.toString(exit) };
    }
}
