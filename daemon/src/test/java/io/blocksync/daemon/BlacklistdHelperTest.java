package io.blocksync.daemon;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * dist/blacklistd/blocksync-helper against the argument vectors blacklistd(8) hands its control program
 * ({@code add RULE PROTO ADDRESS MASK PORT}, {@code rem ... ID}, {@code flush RULE}; PROTO and PORT empty for any):
 * the system helper (a fake that records its argv and prints an id) gets exactly the same arguments and its output
 * and status are the shim's, and the node's control socket (a fake that records each request line and answers as
 * the node does) gets the matching request.
 */
class BlacklistdHelperTest
{
    private static final Path SHIM = Path.of("../dist/blacklistd/blocksync-helper");

    @TempDir
    Path dir;

    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private ServerSocketChannel server;
    private Thread serving;
    private volatile String answer = "ok";

    @BeforeEach
    void fakeNodeSocket() throws IOException
    {
        assumeTrue(Tools.installed("socat"), "skipped: needs socat (CI installs it)");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
        serving = new Thread(() ->
        {
            while (server.isOpen())
            {
                try (SocketChannel client = server.accept())
                {
                    final BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.US_ASCII));
                    final String line = in.readLine();
                    requests.add(line);
                    client.write(StandardCharsets.US_ASCII.encode(answer + " " + line + "\n"));
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        });
        serving.setDaemon(true);
        serving.start();
    }

    @AfterEach
    void close() throws Exception
    {
        if (null != server)
        {
            server.close();
            serving.join(5_000);
        }
    }

    @Test
    void eachBlacklistdCallRunsTheSystemHelperUnchangedAndSharesTheBlock() throws Exception
    {
        final Path systemHelper = fakeSystemHelper(0, "42");

        assertEquals(new Result(0, "42\n"), shim(systemHelper, "add", "blacklistd", "tcp", "192.0.2.80", "32", "22"));
        assertEquals(new Result(0, "42\n"), shim(systemHelper, "add", "blacklistd", "udp", "2001:db8::80", "64", "53"));
        assertEquals(new Result(0, "42\n"), shim(systemHelper, "add", "blacklistd", "", "198.51.100.80", "24", ""));
        assertEquals(new Result(0, "42\n"), shim(systemHelper, "rem", "blacklistd", "tcp", "192.0.2.80", "32", "22", "42"));
        assertEquals(new Result(0, "42\n"), shim(systemHelper, "flush", "blacklistd"));

        assertEquals(List.of(
            "add|blacklistd|tcp|192.0.2.80|32|22",
            "add|blacklistd|udp|2001:db8::80|64|53",
            "add|blacklistd||198.51.100.80|24|",
            "rem|blacklistd|tcp|192.0.2.80|32|22|42",
            "flush|blacklistd"), Files.readAllLines(dir.resolve("argv.txt")), "the system helper's argv, unchanged");
        assertEquals(List.of(
            "ban 192.0.2.80/32 default blacklistd 6 22",
            "ban 2001:db8::80/64 default blacklistd 17 53",
            "ban 198.51.100.80/24 default blacklistd 0 0",
            "unban 192.0.2.80/32",
            "flush blacklistd"), requests);
    }

    @Test
    void theSystemHelpersFailureStaysItsOwnAndARefusalByTheNodeIsOnlyLogged() throws Exception
    {
        final Result failed = shim(fakeSystemHelper(1, ""), "add", "blacklistd", "tcp", "192.0.2.81", "32", "22");
        assertEquals(1, failed.status());
        assertEquals(List.of("ban 192.0.2.81/32 default blacklistd 6 22"), requests, "shared even so");

        answer = "error";
        final Result refused = shim(fakeSystemHelper(0, "OK"), "add", "blacklistd", "tcp", "192.0.2.82", "32", "22");
        assertEquals(new Result(0, "OK\n"), new Result(refused.status(), refused.stdout()), "local behaviour unchanged");
        assertTrue(refused.stderr().contains("blocksync-helper: ban 192.0.2.82/32 default blacklistd 6 22: error"),
            refused.stderr());
    }

    @Test
    void withoutASystemHelperTheNodesAnswerDecides() throws Exception
    {
        assertEquals(new Result(0, "OK\n"), shim(Path.of("none"), "add", "blacklistd", "tcp", "192.0.2.83", "32", "22"));
        answer = "error";
        assertEquals(1, shim(Path.of("none"), "add", "blacklistd", "tcp", "192.0.2.84", "32", "22").status());
    }

    private record Result(int status, String stdout, String stderr)
    {
        Result(final int status, final String stdout)
        {
            this(status, stdout, "");
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Result r && r.status == status && r.stdout.equals(stdout);
        }

        @Override
        public int hashCode()
        {
            return status * 31 + stdout.hashCode();
        }
    }

    /** A system helper that appends its arguments, '|'-separated, to argv.txt, prints {@code output}, exits {@code status}. */
    private Path fakeSystemHelper(final int status, final String output) throws IOException
    {
        final Path helper = dir.resolve("system-helper-" + status + output);
        Files.writeString(helper, "#!/bin/sh\n(IFS='|'; echo \"$*\") >> '" + dir.resolve("argv.txt") + "'\n" +
            (output.isEmpty() ? "" : "echo " + output + "\n") + "exit " + status + "\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        return helper;
    }

    private Result shim(final Path systemHelper, final String... arguments) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("sh", SHIM.toString()));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BLOCKSYNC_SYSTEM_HELPER", systemHelper.toString());
        builder.environment().put("BLOCKSYNC_SOCKET", dir.resolve("control.sock").toString());
        final Process process = builder.start();
        final String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        return new Result(process.exitValue(), stdout, stderr);
    }
}
