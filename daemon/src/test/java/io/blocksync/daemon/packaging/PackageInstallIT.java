package io.blocksync.daemon.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .deb that {@code mvn package} builds (daemon/target/blocksync_VERSION_ARCH.deb) installs with {@code dpkg -i}
 * into a fresh host and runs a node from its files as its systemd unit would.
 * <p>
 * The host is an overlay of this machine's root filesystem with its changes in a tmpfs (host.sh), not an empty
 * {@code dpkg --root} directory: dpkg runs maintainer scripts chrooted into the root, so an empty one has no shell
 * to run them and no package database to check Depends against (the JRE) — the install would either fail or need
 * --force flags that skip exactly what this test is for. The overlay gives the real thing (dpkg's dependency check,
 * postinst creating the user with systemd-sysusers, man-db's trigger) and leaves this machine untouched. No systemd
 * runs there, as in a container, so the maintainer scripts' systemctl calls are skipped; readiness (Type=notify) is
 * checked by a stand-in notification socket (notify-receiver.py) that also completes systemd-notify's barrier.
 * <p>
 * Script: src/test/resources/packaging/install-deb.sh.
 */
class PackageInstallIT
{
    @TempDir
    Path work;

    @Test
    void debInstallsRunsANodeAsBlocksyncAndRemovesCleanly() throws Exception
    {
        HostScript.assumeDebianHost();

        final String output = HostScript.succeeded(
            HostScript.run("install-deb.sh", 600, HostScript.deb().toString(), work.toString()));

        // postinst: the user, its 0700 state directory, the conffile; twice and thrice without a word.
        assertTrue(output.contains("\nblocksync:x:"), output);
        assertTrue(output.contains("stat blocksync:blocksync 700 /var/lib/blocksync\n"), output);
        assertTrue(output.contains("stat root:root 644 /etc/blocksync/blocksync.conf\n"), output);
        assertTrue(output.contains("conffiles  /etc/blocksync/blocksync.conf "), output);
        assertTrue(output.contains("depends java17-runtime-headless"), output);
        // postinst made the class-data archive for the installed jars, and the launcher's classes come from it.
        assertTrue(output.contains("stat root:root 644 /var/cache/blocksync/blocksync.jsa\n"), output);
        assertTrue(output.contains("io.blocksync.daemon.cli.BlockSyncCli source: shared objects file\n"), output);
        // A JRE upgrade (a package under /usr/lib/jvm) runs the dpkg trigger, which makes the archive again.
        assertTrue(output.contains("Processing triggers for blocksync"), output);
        assertTrue(output.contains("\ntrigger: archive made again for the upgraded JVM and used\n"), output);
        // Debian Policy 12.5's copyright file, and every document the man pages and DEPLOY.md point at.
        for (final String doc : new String[]{ "copyright", "METRICS.md", "DEPLOY.md" })
        {
            assertTrue(output.contains("installed /usr/share/doc/blocksync/" + doc + "\n"), output);
        }
        assertTrue(output.contains("stat root:root 644 /usr/share/doc/blocksync/copyright\n"), output);
        // The shims and pages docs/INTEGRATIONS.md installs from, where it says they are (issue 14).
        for (final String doc : new String[]{ "CONTROL.md", "INTEGRATIONS.md" })
        {
            assertTrue(output.contains("installed /usr/share/doc/blocksync/" + doc + "\n"), output);
        }
        final String integrations = "/usr/share/blocksync/integrations/";
        assertTrue(output.contains("stat root:root 755 " + integrations + "sshguard/sshg-fw-blocksync\n"), output);
        assertTrue(output.contains("stat root:root 755 " + integrations + "blacklistd/blocksync-helper\n"), output);
        assertTrue(output.contains("stat root:root 644 " + integrations + "fail2ban/action.d/blocksync.conf\n"), output);
        assertTrue(output.contains("installed " + integrations + "fail2ban/jail.local\n"), output);
        // Type=notify: READY=1 from the JVM's pid, through systemd-notify.
        assertTrue(Pattern.compile("notify READY=1 STATUS=node 1 listening on UDP port 7701 MAINPID=\\d+ BARRIER=1")
            .matcher(output).find(), output);
        // The ban, listed by the unit's user and by root.
        assertTrue(Pattern.compile("-- bans as blocksync\\n.*\\n198\\.51\\.100\\.7 +ssh +1 self")
            .matcher(output).find(), output);
        assertTrue(Pattern.compile("-- bans as root\\n.*\\n198\\.51\\.100\\.7 +ssh +1 self")
            .matcher(output).find(), output);
        assertTrue(output.contains("node exit 143\n") || output.contains("node exit 0\n"), output);
        assertTrue(output.contains("firewall add 198.51.100.7 reason ssh"), output);
    }
}
