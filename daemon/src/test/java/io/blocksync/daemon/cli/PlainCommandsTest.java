package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain path ({@link PlainCommands}) of {@code bans}, {@code status}, {@code peers}, {@code ban} and
 * {@code unban} against a running node writes the same bytes on standard output and error, with the same exit
 * status, as the picocli path ({@link BlockSyncCli#run}); anything it does not fully understand goes to picocli; and
 * a CLI process taking it loads no picocli, BouncyCastle or Chronicle class.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PlainCommandsTest
{
    @TempDir
    static Path dir;

    private static LoopbackCluster files;
    private static OutputStream logOut;
    private static EventLog log;
    private static Node node;
    private static String config;

    /** The outcome of one call: exit status, standard output, standard error. */
    private record Outcome(int exit, String out, String err)
    {
    }

    @BeforeAll
    static void startNode() throws Exception
    {
        files = LoopbackCluster.write(dir, 2, "");
        config = files.configFile(1).toString();
        final NodeConfig nodeConfig = ConfigReader.read(files.configFile(1));
        final long now = System.currentTimeMillis();
        try (BanStore store = BanStore.openForDaemon(files.stateDir(1), nodeConfig.storeCapacity()))
        {
            // Permanent bans: no remaining time that could tick between the two paths' calls.
            for (int i = 0; i < 30; i++)
            {
                store.put(ban(i % 3 == 0 ? "2001:db8:5:" + i + "::" : "198.51.100." + i, 1 + i % 3, now, i % 2 == 0 ? "ssh" : "web.1",
                    i % 5 == 0 ? 6 : 0, i % 5 == 0 ? 22 : 0));
            }
            store.put(ban("203.0.113.10", 2, now, "gone", 0, 0).action(BanAction.UNBAN));
        }
        logOut = Files.newOutputStream(dir.resolve("node.log"));
        log = new EventLog(logOut);
        node = Node.start(nodeConfig, log);
        final Outcome[] seen = { null };
        Poll.until("every stored ban enforced", Duration.ofSeconds(90), () ->
        {
            seen[0] = picocli("bans", "-c", config, "--json");
            return seen[0].out().contains("\"enforced\":true") && !seen[0].out().contains("\"enforced\":false");
        }, () -> String.valueOf(seen[0]));
    }

    @AfterAll
    static void stopNode() throws Exception
    {
        if (null != node)
        {
            node.close();
            log.close();
            logOut.close();
        }
    }

    @Test
    void listingsAreTheSameBytesAsThroughPicocli()
    {
        for (final String[] args : List.of(
            new String[]{ "bans", "-c", config },
            new String[]{ "bans", "-c", config, "--json" },
            new String[]{ "bans", "--all", "--config", config },
            new String[]{ "bans", "--json", "--all", "--config=" + config },
            new String[]{ "peers", "-c", config },
            new String[]{ "peers", "--json", "-c", config }))
        {
            assertSame(args);
        }
    }

    @Test
    void statusIsTheSameBytesAsThroughPicocli()
    {
        assertSame("status", "-c", config);
        assertSame("status", "--json", "-c", config);
    }

    @Test
    void banAndUnbanAreTheSameBytesAndExitStatusAsThroughPicocli() throws Exception
    {
        final Path targets = dir.resolve("targets.txt");
        Files.writeString(targets, "# two\n198.51.100.201\n198.51.100.202 # web\n");
        for (final String[] args : List.of(
            new String[]{ "ban", "-c", config, "198.51.100.200" },
            new String[]{ "ban", "198.51.100.200", "-c", config, "--duration", "1h", "--reason", "ssh", "--proto", "tcp", "--port", "22" },
            new String[]{ "ban", "-c", config, "--duration=2h", "--reason=web.1", "198.51.100.200", "2001:db8:9::/48" },
            new String[]{ "ban", "-c", config, "--file", targets.toString() },
            new String[]{ "unban", "-c", config, "198.51.100.200" },
            new String[]{ "unban", "-c", config, "--file", targets.toString(), "2001:db8:9::/48" },
            // The commands' own refusals: exit 2 or 1, the same lines.
            new String[]{ "ban", "-c", config, "198.51.100.203", "--duration", "0" },
            new String[]{ "ban", "-c", config, "198.51.100.203", "--reason", "no_good!" },
            new String[]{ "ban", "-c", config, "198.51.100.203", "--proto", "sctpx" },
            new String[]{ "ban", "-c", config, "198.51.100.203", "--port", "70000" },
            new String[]{ "ban", "-c", config },
            new String[]{ "ban", "-c", config, "127.0.0.1" },
            new String[]{ "ban", "-c", config, "--file", dir.resolve("missing.txt").toString() },
            new String[]{ "unban", "-c", config },
            new String[]{ "unban", "-c", config, "192.0.2.250" }))
        {
            // Each path meets the same state: what an unban lifts is banned again before each call.
            final List<String> before = "unban".equals(args[0]) && !args[args.length - 1].equals("192.0.2.250") ?
                List.of("ban 198.51.100.200 1h manual 0 0", "ban 198.51.100.201 1h manual 0 0",
                    "ban 198.51.100.202 1h manual 0 0", "ban 2001:db8:9::/48 1h manual 0 0") : List.of();
            exchange(before);
            final Outcome plain = plain(args);
            assertTrue(PlainCommands.NOT_PLAIN != plain.exit(), "taken plainly: " + String.join(" ", args));
            exchange(before);
            final Outcome viaPicocli = picocli(args);
            assertEquals(viaPicocli, plain, String.join(" ", args));
        }
    }

    private static void exchange(final List<String> lines) throws Exception
    {
        if (!lines.isEmpty())
        {
            for (final String reply : ControlClient.exchange(files.stateDir(1), lines))
            {
                assertTrue(reply.startsWith("ok "), reply);
            }
        }
    }

    @Test
    void whatThePlainPathDoesNotFullyUnderstandGoesToPicocli() throws Exception
    {
        final Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, Files.readString(files.configFile(1)) + "\n[bans]\nmax-duration = 1h\n");
        final Path edited = dir.resolve("edited.conf");
        Files.copy(files.configFile(1), edited);
        // A copy that keeps (here: sets back) its modification time, as cp -p or rsync -a would; its change time is new
        // (review 8 finding 3).
        final Path oldTimes = dir.resolve("old-times.conf");
        Files.copy(files.configFile(1), oldTimes);
        Files.setLastModifiedTime(oldTimes, java.nio.file.attribute.FileTime.fromMillis(0));
        for (final String[] args : List.of(
            new String[]{ "bans", "-c", config, "--help" },
            new String[]{ "bans", "-c", config, "--jsn" },
            new String[]{ "bans", "-c", config, "--json", "--json" },
            new String[]{ "bans", "-c", config, "192.0.2.1" },
            new String[]{ "bans" },
            new String[]{ "bans", "-c" },
            new String[]{ "bans", "-c" + config },
            new String[]{ "bans", "--json=true", "-c", config },
            new String[]{ "status", "-c", config, "--watch", "--count", "1" },
            new String[]{ "ban", "-c", config, "198.51.100.9", "--port", "022" },
            new String[]{ "ban", "-c", config, "198.51.100.9", "--reason", "-x" },
            new String[]{ "ban", "-c", config, "@" + dir.resolve("args") },
            new String[]{ "ban", "-c", config, "--", "198.51.100.9" },
            new String[]{ "events", "-c", config },
            new String[]{ "--version" },
            // A config the node never read (it started before it was written): the full reader judges it.
            new String[]{ "bans", "-c", broken.toString() },
            new String[]{ "bans", "-c", edited.toString() },
            new String[]{ "bans", "-c", oldTimes.toString() },
            new String[]{ "status", "-c", dir.resolve("none.conf").toString() }))
        {
            final Outcome plain = plain(args);
            assertEquals(new Outcome(PlainCommands.NOT_PLAIN, "", ""), plain, String.join(" ", args));
        }
    }

    @Test
    void aCliProcessOnThePlainPathLoadsNoPicocliBouncyCastleOrChronicleClass() throws Exception
    {
        for (final String[] args : List.of(
            new String[]{ "bans", "--json", "-c", config },
            new String[]{ "status", "-c", config },
            new String[]{ "peers", "-c", config },
            new String[]{ "ban", "-c", config, "198.51.100.210" },
            new String[]{ "unban", "-c", config, "198.51.100.210" }))
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmFlags());
            command.addAll(List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:off",
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"), BlockSyncCli.class.getName()));
            command.addAll(List.of(args));
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the CLI finished");
            assertEquals(0, process.exitValue(), String.join(" ", args) + ": " + tail(output));
            assertTrue(output.contains("io.blocksync.daemon.cli.PlainCommands "), "took the plain path: " + tail(output));
            for (final String line : output.split("\n"))
            {
                assertTrue(!line.contains(" picocli.") && !line.contains(" org.bouncycastle.") &&
                    !line.contains(" net.openhft."), String.join(" ", args) + " loaded " + line);
            }
        }
    }

    private static void assertSame(final String... args)
    {
        // Node counters and peer states can move between two calls: equal on one of three tries, never different
        // in exit status.
        Outcome plain = null;
        Outcome viaPicocli = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            plain = plain(args);
            viaPicocli = picocli(args);
            assertEquals(viaPicocli.exit(), plain.exit(), String.join(" ", args) + ": " + plain + " / " + viaPicocli);
            if (viaPicocli.equals(plain))
            {
                return;
            }
        }
        assertEquals(viaPicocli, plain, String.join(" ", args));
    }

    private static Outcome plain(final String... args)
    {
        return capture(() -> PlainCommands.run(args));
    }

    private static Outcome picocli(final String... args)
    {
        return capture(() -> BlockSyncCli.run(args));
    }

    private interface Call
    {
        int run();
    }

    private static synchronized Outcome capture(final Call call)
    {
        final PrintStream savedOut = System.out;
        final PrintStream savedErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit;
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = call.run();
        }
        finally
        {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Ban ban(
        final String address, final int origin, final long now, final String reason, final int protocol, final int port)
    {
        final IpPrefix prefix = new IpPrefix();
        assertEquals(null, AddressText.parse(address, prefix, 32, 64));
        return new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(origin).originSequence(1).originTimeMillis(now)
            .durationSeconds(0).expiresAtMillis(0).reason(ReasonCode.of(reason).id()).protocol(protocol).port(port)
            .appliedAtMillis(now);
    }

    /** The daemon's module flags, as bin/blocksync passes them. */
    private static List<String> jvmFlags() throws Exception
    {
        final List<String> flags = new ArrayList<>(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        try (InputStream in = PlainCommandsTest.class.getResourceAsStream("/jvm-flags.txt"))
        {
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
            {
                if (!line.isBlank())
                {
                    flags.add(line.trim());
                }
            }
        }
        return flags;
    }

    private static String tail(final String text)
    {
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }
}
