package io.blocksync.daemon;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The service files in dist/ run the daemon without root: systemd as user blocksync with CAP_NET_ADMIN and
 * CAP_NET_RAW only, the BSD rc.d scripts as _blocksync with pfctl through doas and the blocksync-pfctl helper; and
 * they name the files docs/CONFIG.md names. PackageInstallIT installs the unit from the .deb and runs it.
 */
class DistTest
{
    // Surefire runs in the module directory; dist/ and docs/ live at the repository root.
    private static final Path UNIT = Path.of("../dist/systemd/blocksync.service");
    private static final Path SYSUSERS = Path.of("../dist/systemd/blocksync.sysusers");
    private static final Path FREEBSD = Path.of("../dist/freebsd/blocksync");
    private static final Path OPENBSD = Path.of("../dist/openbsd/blocksync");
    private static final Path PFCTL_WRAPPER = Path.of("../dist/bsd/pfctl");
    private static final Path PFCTL_HELPER = Path.of("../dist/bsd/blocksync-pfctl");
    private static final Path CONFIG_MD = Path.of("../docs/CONFIG.md");
    private static final String INSTALLED_PROGRAM = "/usr/bin/blocksync";
    private static final String CONFIG = "/etc/blocksync/blocksync.conf";
    private static final Path MAN_PAGES = Path.of("../dist/man");
    /** doas lets _blocksync run the helper, never pfctl itself (PfctlHelperTest runs the helper). */
    private static final String DOAS_RULE =
        "permit nopass _blocksync as root cmd /opt/blocksync/libexec/blocksync-pfctl";
    private static final String FREEBSD_DOAS_RULE =
        "permit nopass _blocksync as root cmd /usr/local/blocksync/libexec/blocksync-pfctl";

    @TempDir
    Path temp;

    private record Output(int exitCode, String text)
    {
    }

    private static Output run(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        final String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");

        return new Output(process.exitValue(), text);
    }

    /**
     * @return every value of {@code key} in the unit, in order.
     */
    private static List<String> values(final List<String> unit, final String key)
    {
        final List<String> values = new ArrayList<>();
        for (final String line : unit)
        {
            if (line.startsWith(key + "="))
            {
                values.add(line.substring(key.length() + 1));
            }
        }

        return values;
    }

    @Test
    void unitRunsTheDaemonAsBlocksyncWithNetAdminAndNetRawOnly() throws IOException
    {
        final List<String> unit = Files.readAllLines(UNIT);

        assertEquals(List.of("blocksync"), values(unit, "User"));
        assertEquals(List.of("blocksync"), values(unit, "Group"));
        assertEquals(List.of("CAP_NET_ADMIN CAP_NET_RAW"), values(unit, "AmbientCapabilities"));
        assertEquals(List.of("CAP_NET_ADMIN CAP_NET_RAW"), values(unit, "CapabilityBoundingSet"));
        // ServiceReadiness runs systemd-notify, a child: NotifyAccess=main would drop its READY=1.
        assertEquals(List.of("notify"), values(unit, "Type"));
        assertEquals(List.of("all"), values(unit, "NotifyAccess"));
        assertEquals(List.of("man:blocksync(8) man:blocksync.conf(5) file:///usr/share/doc/blocksync/DEPLOY.md"),
            values(unit, "Documentation"));
        assertTrue(Files.isRegularFile(MAN_PAGES.resolve("blocksync.8")) &&
            Files.isRegularFile(MAN_PAGES.resolve("blocksync.conf.5")) &&
            Files.isRegularFile(Path.of("../docs/DEPLOY.md")), "Documentation= names files the packages ship");
        assertEquals(List.of("yes"), values(unit, "NoNewPrivileges"));
        assertEquals(List.of("blocksync"), values(unit, "StateDirectory"));
        assertEquals(List.of("0700"), values(unit, "StateDirectoryMode"));
        assertEquals(List.of("blocksync"), values(unit, "ConfigurationDirectory"));
        assertEquals(List.of(INSTALLED_PROGRAM + " check-config -c " + CONFIG), values(unit, "ExecStartPre"));
        assertEquals(List.of(INSTALLED_PROGRAM + " run -c " + CONFIG), values(unit, "ExecStart"));
        assertTrue(Files.readString(SYSUSERS).contains("\nu blocksync - "), "sysusers file must create blocksync");
    }

    @Test
    void unitAndSysusersFilePassSystemdsOwnChecks() throws Exception
    {
        assumeTrue(Tools.installed("systemd-analyze"),
            "systemd-analyze is not installed (apt package systemd): the unit file is not verified");

        // verify insists that ExecStart's program exists: point it at a stand-in.
        final Path program = temp.resolve("blocksync");
        Files.writeString(program, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path unit = temp.resolve("blocksync.service");
        Files.writeString(unit, Files.readString(UNIT).replace(INSTALLED_PROGRAM, program.toString()));

        // verify runs man for each man: page of Documentation=: give it the shipped pages.
        final Path man = temp.resolve("man");
        Files.createDirectories(man.resolve("man8"));
        Files.createDirectories(man.resolve("man5"));
        Files.copy(MAN_PAGES.resolve("blocksync.8"), man.resolve("man8/blocksync.8"));
        Files.copy(MAN_PAGES.resolve("blocksync.conf.5"), man.resolve("man5/blocksync.conf.5"));
        final Output verify = run(List.of("env", "MANPATH=" + man, "systemd-analyze", "verify", unit.toString()));
        assertEquals(new Output(0, ""), verify, "systemd-analyze verify must accept the unit without a word");

        assumeTrue(Tools.installed("systemd-sysusers"), "systemd-sysusers is not installed");
        final Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        final Output sysusers = run(List.of(
            "systemd-sysusers", "--root=" + root, SYSUSERS.toAbsolutePath().toString()));
        assertEquals(0, sysusers.exitCode(), sysusers.text());
        assertTrue(Files.readString(root.resolve("etc/passwd")).startsWith("blocksync:x:"), sysusers.text());
    }

    @Test
    void docsNameTheFilesTheUnitUses() throws IOException
    {
        final String docs = Files.readString(CONFIG_MD);

        assertTrue(docs.contains("# " + CONFIG + "\n"), "CONFIG.md's complete example is the unit's file");
        assertFalse(docs.contains("/etc/blocksync/node.conf"), "CONFIG.md names the file the unit reads, " + CONFIG);
        assertTrue(docs.contains("state-dir = /var/lib/blocksync "), "CONFIG.md's state-dir is StateDirectory=");
        assertTrue(docs.contains(DOAS_RULE), "CONFIG.md gives the doas rule for pfctl");
    }

    @Test
    void bsdScriptsRunTheJvmAsUnderscoreBlocksyncAndPfctlThroughDoasAndTheHelper() throws Exception
    {
        for (final Path script : List.of(FREEBSD, OPENBSD, PFCTL_WRAPPER, PFCTL_HELPER))
        {
            final Output syntax = run(List.of("sh", "-n", script.toString()));
            assertEquals(new Output(0, ""), syntax, script + " must parse");
        }

        assertTrue(Files.readString(FREEBSD).contains(": ${blocksync_runas:=\"_blocksync\"}"));
        assertTrue(Files.readString(FREEBSD).contains("-u ${blocksync_runas}"));
        assertTrue(Files.readString(OPENBSD).contains("daemon_user=\"_blocksync\""));
        // Where each system's package installs Java 17 (OpenBSD: pkg_add jdk%17; FreeBSD: pkg install openjdk17),
        // handed to the launcher as JAVA_HOME for both check-config and run.
        final String openbsd = Files.readString(OPENBSD);
        assertTrue(openbsd.contains("\nblocksync_java_home=\"/usr/local/jdk-17\"\n"), openbsd);
        assertEquals(2, openbsd.split("JAVA_HOME=\\$\\{blocksync_java_home} ", -1).length - 1, openbsd);
        final String freebsd = Files.readString(FREEBSD);
        assertTrue(freebsd.contains("\n: ${blocksync_java_home:=\"/usr/local/openjdk17\"}\n"), freebsd);
        assertEquals(2, freebsd.split("JAVA_HOME=\\$\\{blocksync_java_home} ", -1).length - 1, freebsd);
        assertTrue(openbsd.contains("daemon_flags=\"-c /etc/blocksync/blocksync.conf\""), openbsd);
        assertTrue(freebsd.contains(": ${blocksync_config:=\"/usr/local/etc/blocksync/blocksync.conf\"}"), freebsd);
        assertTrue(Files.readString(OPENBSD).contains("'" + DOAS_RULE + "' >> /etc/doas.conf"));
        assertTrue(Files.readString(FREEBSD).contains("'" + FREEBSD_DOAS_RULE + "' >> /usr/local/etc/doas.conf"));
        final String wrapper = Files.readString(PFCTL_WRAPPER);
        assertTrue(wrapper.contains(DOAS_RULE) && wrapper.contains(FREEBSD_DOAS_RULE) &&
            wrapper.contains("exec \"$doas\" -n \"$helper\" \"$@\""), wrapper);
        assertTrue(Files.readString(PFCTL_HELPER).contains(DOAS_RULE));
        assertTrue(Files.readString(PFCTL_HELPER).contains("\nPFCTL=/sbin/pfctl\n"));
        assertTrue(Files.isExecutable(PFCTL_HELPER) && Files.isExecutable(PFCTL_WRAPPER), "dist/bsd scripts are 0755");

        // No file tells the operator to let _blocksync run pfctl itself as root any more.
        for (final Path file : List.of(FREEBSD, OPENBSD, PFCTL_WRAPPER, PFCTL_HELPER, CONFIG_MD))
        {
            assertFalse(Files.readString(file).contains("cmd /sbin/pfctl"), file + " still allows pfctl through doas");
        }
    }
}
