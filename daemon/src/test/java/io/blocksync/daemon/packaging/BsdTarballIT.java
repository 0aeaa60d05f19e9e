package io.blocksync.daemon.packaging;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The BSD tarball (daemon/target/blocksync-VERSION-bsd.tar.gz) unpacks as the blocksync/ directory the rc.d scripts
 * expect under /opt (OpenBSD) or /usr/local (FreeBSD), with the rc.d scripts, the pfctl wrapper and helper, the man
 * pages, the integration shims and pages docs/INTEGRATIONS.md installs from, and no Linux JNI library; its launcher
 * runs the Java that JAVA_HOME names, as the rc.d scripts set it.
 */
class BsdTarballIT
{
    @TempDir
    Path work;

    private record Output(int exitCode, String text)
    {
    }

    private static Output run(final List<String> command, final Map<String, String> environment)
        throws IOException, InterruptedException
    {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        final Process process = builder.start();
        process.getOutputStream().close();
        final String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), command + " did not finish: " + text);
        return new Output(process.exitValue(), text);
    }

    private static Path tarball() throws IOException
    {
        try (Stream<Path> files = Files.list(HostScript.TARGET))
        {
            final List<Path> found = files.filter(file -> file.getFileName().toString().endsWith("-bsd.tar.gz"))
                .toList();
            assertEquals(1, found.size(), "one target/blocksync-*-bsd.tar.gz from the package phase: " + found);
            return found.get(0).toAbsolutePath();
        }
    }

    @Test
    void tarballHoldsWhatTheRcScriptsRunAndItsLauncherRunsJavaHome() throws Exception
    {
        assumeTrue(Tools.installed("tar"), "skipped: tar is not installed");

        final Output list = run(List.of("tar", "-tzvf", tarball().toString()), Map.of());
        assertEquals(0, list.exitCode(), list.text());
        for (final String executable : List.of("blocksync/bin/blocksync", "blocksync/libexec/pfctl",
            "blocksync/libexec/blocksync-pfctl", "blocksync/rc.d/openbsd/blocksync", "blocksync/rc.d/freebsd/blocksync",
            // docs/INTEGRATIONS.md installs these from the unpacked tarball.
            "blocksync/integrations/sshguard/sshg-fw-blocksync", "blocksync/integrations/blacklistd/blocksync-helper"))
        {
            assertTrue(list.text().matches("(?s).*-rwxr-xr-x root/wheel .* " + executable + "\\n.*"),
                executable + " root:wheel 0755 in\n" + list.text());
        }
        for (final String file : List.of("blocksync/man/man8/blocksync.8", "blocksync/man/man5/blocksync.conf.5",
            "blocksync/lib/jvm-flags.txt", "blocksync/doc/DEPLOY.md", "blocksync/doc/METRICS.md",
            "blocksync/doc/CONTROL.md", "blocksync/doc/INTEGRATIONS.md",
            "blocksync/integrations/fail2ban/action.d/blocksync.conf", "blocksync/integrations/fail2ban/jail.local"))
        {
            assertTrue(list.text().contains(" " + file + "\n"), file + " in\n" + list.text());
        }
        assertTrue(list.text().matches("(?s).* blocksync/lib/blocksync-daemon-[^/]*\\.jar\\n.*"), list.text());
        assertFalse(list.text().contains("lib/native"), "no Linux JNI library for the BSDs:\n" + list.text());
        assertTrue(list.text().lines().allMatch(line -> line.contains(" blocksync/")), "one top directory");

        final Output unpack = run(List.of("tar", "-xzf", tarball().toString(), "-C", work.toString()), Map.of());
        assertEquals(0, unpack.exitCode(), unpack.text());
        // The launcher runs $JAVA_HOME/bin/java, not the java on PATH: a stand-in there says so.
        final Path stubHome = work.resolve("stub-jdk");
        Files.createDirectories(stubHome.resolve("bin"));
        Files.writeString(stubHome.resolve("bin/java"), "#!/bin/sh\necho \"stand-in java: $*\"\n");
        assertTrue(stubHome.resolve("bin/java").toFile().setExecutable(true));
        final Output stub = run(List.of(work.resolve("blocksync/bin/blocksync").toString(), "--version"),
            Map.of("JAVA_HOME", stubHome.toString()));
        assertEquals(0, stub.exitCode(), stub.text());
        assertTrue(stub.text().startsWith("stand-in java: ") &&
            stub.text().contains(" io.blocksync.daemon.cli.BlockSyncCli --version"), stub.text());
        final Output version = run(List.of(work.resolve("blocksync/bin/blocksync").toString(), "--version"),
            Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertEquals(0, version.exitCode(), version.text());
        assertTrue(version.text().startsWith("blocksync "), version.text());
        final Output keygen = run(List.of(work.resolve("blocksync/bin/blocksync").toString(), "keygen"),
            Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertEquals(0, keygen.exitCode(), keygen.text());
        assertTrue(keygen.text().contains("base64:"), keygen.text());
    }
}
