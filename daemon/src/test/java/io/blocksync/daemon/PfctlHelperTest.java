package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.firewall.FirewallChange;
import io.blocksync.firewall.PfBackend;
import io.blocksync.nativeio.AttackEventRing;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import io.blocksync.nativeio.PfTableSource;
import io.blocksync.nativeio.PfTableSourceSettings;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dist/bsd/blocksync-pfctl, the root helper doas runs for the daemon, run by sh on Linux in a copy whose pfctl, table
 * file and trusted owner are rewritten to a fake pfctl and files in a temporary directory: every command line the
 * real PfBackend and PfTableSource make reaches the fake byte for byte, argv and stdin, and everything else is
 * refused with exit status 2, one line on stderr and nothing run.
 */
class PfctlHelperTest
{
    private static final Path HELPER = Path.of("../dist/bsd/blocksync-pfctl");
    private static final Path WRAPPER = Path.of("../dist/bsd/pfctl");
    private static final String TABLES =
        "# tables root lets BlockSync change\n" +
        "table blocksync\n" +
        "table brutessh\n" +
        "\n" +
        "table scan-v6.x   # a reason-table with every allowed punctuation\n" +
        "source bruteforce\n";

    @TempDir
    Path temp;

    private Path dir;
    private Path helper;
    private Path tableFile;
    private Path argvFile;
    private Path stdinFile;
    private Path pwned;

    private record Call(List<String> args, byte[] stdin)
    {
        @Override
        public String toString()
        {
            final String input = new String(stdin, StandardCharsets.US_ASCII);

            return String.join(" ", args) + " <<< " + input.replace("\n", "\\n");
        }
    }

    private record Result(int exitCode, String stdout, String stderr)
    {
    }

    @BeforeEach
    void install() throws IOException
    {
        // The helper checks ownership up to /; a real path has no symbolic links for it to refuse.
        dir = temp.toRealPath();
        argvFile = dir.resolve("pfctl.argv");
        stdinFile = dir.resolve("pfctl.stdin");
        pwned = dir.resolve("PWNED");
        final Path fake = dir.resolve("fake-pfctl");
        Files.writeString(fake, "#!/bin/sh\n" +
            "printf '%s\\000' \"$@\" > '" + argvFile + "'\n" +
            "cat > '" + stdinFile + "'\n" +
            "echo fake pfctl ran\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        Files.createDirectory(dir.resolve("etc"));
        tableFile = dir.resolve("etc/pfctl-tables");
        Files.writeString(tableFile, TABLES);
        Files.setPosixFilePermissions(tableFile, PosixFilePermissions.fromString("rw-r--r--"));

        final int uid = (Integer)Files.getAttribute(dir, "unix:uid");
        helper = dir.resolve("blocksync-pfctl");
        Files.writeString(helper, rewrite(Files.readString(HELPER), List.of(
            "PFCTL=/sbin/pfctl", "PFCTL=" + fake,
            "TABLE_FILES=\"/etc/blocksync/pfctl-tables /usr/local/etc/blocksync/pfctl-tables\"",
            "TABLE_FILES=\"" + dir.resolve("etc/missing") + " " + tableFile + "\"",
            "TRUSTED_UIDS=\"0\"", "TRUSTED_UIDS=\"0 " + uid + "\"")));
    }

    /**
     * @return text with each pair's first line replaced by its second; fails if a line is not there.
     */
    private static String rewrite(final String text, final List<String> pairs)
    {
        String result = text;
        for (int i = 0; i < pairs.size(); i += 2)
        {
            final String line = "\n" + pairs.get(i) + "\n";
            assertTrue(result.contains(line), "the script no longer has the line " + pairs.get(i));
            result = result.replace(line, "\n" + pairs.get(i + 1) + "\n");
        }

        return result;
    }

    /**
     * @return the shells to run the helper with: sh always, bash in POSIX mode too where installed.
     */
    private static List<List<String>> shells()
    {
        final List<List<String>> shells = new ArrayList<>(List.of(List.of("sh")));
        if (Tools.installed("bash"))
        {
            shells.add(List.of("bash", "--posix"));
        }

        return shells;
    }

    private Result run(final List<String> shell, final Path script, final List<String> args, final byte[] stdin)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(shell);
        command.add(script.toString());
        command.addAll(args);
        final Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        try (OutputStream in = process.getOutputStream())
        {
            in.write(stdin);
        }
        catch (final IOException ex)
        {
            // A refused call exits without reading its input: the pipe breaks, which is the point.
        }
        final String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");

        return new Result(process.exitValue(), stdout, stderr);
    }

    /**
     * @return the arguments after "pfctl" and the stdin of every command the real classes run for a mix of work.
     */
    private static List<Call> commandsBlockSyncMakes()
    {
        final List<Call> calls = new ArrayList<>();
        final CommandRunner recorder = CommandRunner.withInput((command, input) ->
        {
            assertEquals("pfctl", command.get(0));
            calls.add(new Call(List.copyOf(command.subList(1, command.size())), input.clone()));
            return new CommandResult(0, command.contains("show") ? "   192.0.2.7\n   2001:db8::/48\n" : "", "");
        });

        final PfBackend.Settings settings = new PfBackend.Settings()
            .reasonTable("ssh", "brutessh").reasonTable("scan", "scan-v6.x");
        final PfBackend backend = new PfBackend(settings, recorder);
        backend.start();
        backend.apply(List.of(
            change(FirewallChange.Op.ADD, "192.0.2.7", "ssh"),
            change(FirewallChange.Op.ADD, "2001:db8::/64", "ssh"),
            change(FirewallChange.Op.ADD, "2001:db8:0:1:2:3:4:5", "scan"),
            change(FirewallChange.Op.ADD, "::ffff:198.51.100.9", "scan"),
            change(FirewallChange.Op.ADD, "10.1.0.0/16", "other"),
            change(FirewallChange.Op.ADD, "fe80::1", "other"),
            change(FirewallChange.Op.REMOVE, "203.0.113.0/24", "ssh"),
            change(FirewallChange.Op.REMOVE, "2001:db8:ffff:ffff:ffff:ffff:ffff:0/112", "other")));

        final List<FirewallChange> live = new ArrayList<>();
        for (int i = 0; i < 3_000; i++)
        {
            // More than a pipe buffer of addresses on stdin.
            live.add(change(FirewallChange.Op.ADD, "10.2." + (i >> 8) + "." + (i & 0xFF), "ssh"));
        }
        backend.reconcile(live);
        new PfBackend(new PfBackend.Settings().managed(false), recorder).reconcile(live.subList(0, 2));
        backend.flush();

        final PfTableSource source = new PfTableSource(new PfTableSourceSettings()
            .name("pf-bruteforce").table("bruteforce").pollIntervalMillis(60_000).expireSeconds(86_400)
            .runner(recorder), new AttackEventRing(1024), (line) -> { });
        assertEquals(2, source.poll());

        return calls;
    }

    private static FirewallChange change(final FirewallChange.Op op, final String prefix, final String reason)
    {
        final IpPrefix parsed = new IpPrefix();
        assertEquals(null, AddressText.parse(prefix, parsed, 32, 128));

        return new FirewallChange().set(op, new Ban().prefix(parsed).reason(ReasonCode.of(reason).id()), 3600);
    }

    @Test
    void everyCommandLineBlockSyncMakesReachesPfctlUnchanged() throws Exception
    {
        final List<Call> calls = commandsBlockSyncMakes();
        // Pin the variety, so that a change in the classes cannot quietly shrink what is checked here.
        final List<String> shapes = calls.stream()
            .map((call) -> call.args().get(0) + " " + (call.args().size() > 3 ? call.args().get(3) : ""))
            .distinct()
            .toList();
        assertEquals(List.of("-s ", "-t delete", "-t add", "-k ", "-t replace", "-t flush", "-t show", "-t expire"),
            shapes);

        for (final List<String> shell : shells())
        {
            for (final Call call : calls)
            {
                Files.deleteIfExists(argvFile);
                Files.deleteIfExists(stdinFile);

                final Result result = run(shell, helper, call.args(), call.stdin());

                assertEquals(new Result(0, "fake pfctl ran\n", ""), result, shell + ": " + call);
                final byte[] argv = Files.readAllBytes(argvFile);
                assertEquals(String.join("\0", call.args()) + "\0", new String(argv, StandardCharsets.UTF_8),
                    shell + ": argv of " + call);
                assertArrayEquals(call.stdin(), Files.readAllBytes(stdinFile), shell + ": stdin of " + call);
            }
        }
    }

    @Test
    void everythingElseIsRefusedWithExitTwoAndNothingRuns() throws Exception
    {
        final String dollar = "$(touch " + pwned + ")";
        final List<List<String>> dangerous = List.of(
            List.of(),
            List.of("-d"),
            List.of("-e"),
            List.of("-F", "all"),
            List.of("-f", "/etc/pf.conf"),
            List.of("-f", "-"),
            List.of("-s", "rules"),
            List.of("-s", "info", "-v"),
            List.of("-sinfo"),
            List.of("-a", "blocksync", "-t", "blocksync", "-T", "flush"),
            List.of("-a", "anchor", "-f", "-"),
            List.of("-t", "blocksync", "-T", "add", "1.2.3.4;", "rm", "-rf", "/"),
            List.of("-t", "blocksync", "-T", "add", "1.2.3.4; rm -rf /"),
            List.of("-t", "blocksync", "-T", "add", "192.0.2.7"),
            List.of("-t", "blocksync", "-T", "add", "-f", "/etc/master.passwd"),
            List.of("-t", "blocksync", "-T", "replace", "-f", "-", "-q"),
            List.of("-t", "blocksync", "-T", "flush", "extra"),
            List.of("-t", "blocksync", "-T", "kill"),
            List.of("-t", "blocksync", "-T", "zero"),
            List.of("-t", "blocksync", "-T", "test", "192.0.2.7"),
            List.of("-t", "block sync", "-T", "flush"),
            List.of("-t", dollar, "-T", "flush"),
            List.of("-t", "`touch " + pwned + "`", "-T", "flush"),
            List.of("-t", "blocksync\n", "-T", "flush"),
            List.of("-t", "-d", "-T", "flush"),
            List.of("-t", "a".repeat(32), "-T", "flush"),
            List.of("-t", "trusted", "-T", "add", "-f", "-"),
            List.of("-t", "bruteforce", "-T", "add", "-f", "-"),
            List.of("-t", "bruteforce", "-T", "flush"),
            List.of("-t", "blocksync", "-T", "show"),
            List.of("-t", "blocksync", "-T", "expire", "60"),
            List.of("-t", "bruteforce", "-T", "expire", "1h"),
            List.of("-t", "bruteforce", "-T", "expire", "-1"),
            List.of("-t", "bruteforce", "-T", "expire", "12345678901"),
            List.of("-T", "flush", "-t", "blocksync"),
            List.of("-k", "example.com"),
            List.of("-k", "192.0.2.7; reboot"),
            List.of("-k", dollar),
            List.of("-k", "-d"),
            List.of("-k", "0.0.0.0/0"),
            List.of("-k", "::/0"),
            List.of("-k", "192.0.2.256"),
            List.of("-k", "192.0.2.07"),
            List.of("-k", "192.0.2"),
            List.of("-k", "192.0.2.7/33"),
            List.of("-k", "192.0.2.7/"),
            List.of("-k", "2001:db8::1%em0"),
            List.of("-k", "2001:db8::1/129"),
            List.of("-k", "1:2:3:4:5:6:7:8:9"),
            List.of("-k", "1::2::3"),
            List.of("-k", "12345::"),
            List.of("-k", "self"),
            List.of("-k", "192.0.2.7", "-k", "192.0.2.8"),
            List.of("-k", "192.0.2.7", "-K", "192.0.2.8"));

        for (final List<String> shell : shells())
        {
            for (final List<String> args : dangerous)
            {
                final Result result = run(shell, helper, args, "192.0.2.7\n".getBytes(StandardCharsets.US_ASCII));

                final String what = shell + " " + args;
                assertEquals(2, result.exitCode(), what);
                assertEquals("", result.stdout(), what);
                assertTrue(result.stderr().startsWith("blocksync-pfctl: refused: ") &&
                    result.stderr().indexOf('\n') == result.stderr().length() - 1, what + ": " + result.stderr());
                assertFalse(Files.exists(argvFile), what + " ran pfctl");
                assertFalse(Files.exists(pwned), what + " ran a command substitution");
            }
        }
    }

    @Test
    void theTableFileMustBeRootsAndWellFormed() throws Exception
    {
        final List<String> flush = List.of("-t", "blocksync", "-T", "flush");

        Files.setPosixFilePermissions(tableFile, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals(new Result(2, "", "blocksync-pfctl: refused: " + tableFile + " is writable by group or others\n"),
            run(List.of("sh"), helper, flush, new byte[0]));

        Files.setPosixFilePermissions(tableFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(tableFile.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(new Result(2, "", "blocksync-pfctl: refused: " + tableFile.getParent() +
            " is writable by group or others\n"), run(List.of("sh"), helper, flush, new byte[0]));
        Files.setPosixFilePermissions(tableFile.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));

        Files.writeString(tableFile, TABLES + "table blocksync extra\n");
        assertEquals(new Result(2, "", "blocksync-pfctl: refused: " + tableFile +
            ":7: expected 'table NAME' or 'source NAME'\n"), run(List.of("sh"), helper, flush, new byte[0]));

        Files.writeString(tableFile, "tables blocksync\n");
        assertEquals(2, run(List.of("sh"), helper, flush, new byte[0]).exitCode());

        Files.delete(tableFile);
        final Result missing = run(List.of("sh"), helper, flush, new byte[0]);
        assertEquals(2, missing.exitCode());
        assertTrue(missing.stderr().contains("no table file"), missing.stderr());
        // Neither -k nor -s info needs the table file.
        assertEquals(0, run(List.of("sh"), helper, List.of("-k", "192.0.2.7"), new byte[0]).exitCode());
        assertFalse(Files.exists(pwned));

        Files.writeString(tableFile, "table blocksync\n");
        assertEquals(new Result(0, "fake pfctl ran\n", ""), run(List.of("sh"), helper, flush, new byte[0]));
    }

    @Test
    void theWrapperHandsItsArgumentsToTheHelperThroughDoasAndNothingElse() throws Exception
    {
        final Path doasArgv = dir.resolve("doas.argv");
        final Path doas = dir.resolve("doas");
        Files.writeString(doas, "#!/bin/sh\nprintf '%s\\000' \"$@\" > '" + doasArgv + "'\n");
        Files.setPosixFilePermissions(doas, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path wrapper = dir.resolve("pfctl");
        Files.writeString(wrapper, rewrite(Files.readString(WRAPPER), List.of(
            "for helper in /opt/blocksync/libexec/blocksync-pfctl /usr/local/blocksync/libexec/blocksync-pfctl; do",
            "for helper in " + dir.resolve("missing") + " " + helper + "; do",
            "\tfor doas in /usr/bin/doas /usr/local/bin/doas; do", "\tfor doas in " + doas + "; do")));

        final List<String> args = List.of("-t", "blocksync", "-T", "add", "-f", "-");
        assertEquals(0, run(List.of("sh"), wrapper, args, new byte[0]).exitCode());

        final List<String> expected = new ArrayList<>(List.of("-n", helper.toString()));
        expected.addAll(args);
        assertEquals(expected, Arrays.asList(Files.readString(doasArgv).split("\0")));
        assertFalse(Files.exists(argvFile), "the wrapper must not run pfctl itself");
    }
}
