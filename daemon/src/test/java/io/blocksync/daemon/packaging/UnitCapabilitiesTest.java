package io.blocksync.daemon.packaging;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * blocksync.service runs the documented pcap-pipe sources: tcpdump, started by the daemon as a non-root user with
 * the unit's capabilities (read from the unit's AmbientCapabilities= and CapabilityBoundingSet=), captures from an
 * NFLOG group and from an interface. With CAP_NET_ADMIN alone, the unit's old set, the interface capture is refused:
 * the check can fail. Script: src/test/resources/packaging/unit-capture.sh, in a network namespace of its own.
 */
class UnitCapabilitiesTest
{
    private static final Path UNIT = Path.of("../dist/systemd/blocksync.service");

    @TempDir
    Path work;

    /**
     * @return the unit's capabilities in setpriv's syntax, e.g. "-all,+net_admin,+net_raw"; the ambient and the
     * bounding set must agree (an ambient capability outside the bounding set is dropped).
     */
    private static String unitCapabilities() throws IOException
    {
        String ambient = null;
        String bounding = null;
        for (final String line : Files.readAllLines(UNIT))
        {
            ambient = line.startsWith("AmbientCapabilities=") ? line.substring(line.indexOf('=') + 1) : ambient;
            bounding = line.startsWith("CapabilityBoundingSet=") ? line.substring(line.indexOf('=') + 1) : bounding;
        }
        assertEquals(ambient, bounding, "AmbientCapabilities= and CapabilityBoundingSet= differ");
        final StringBuilder caps = new StringBuilder("-all");
        for (final String capability : ambient.split(" +"))
        {
            caps.append(",+").append(capability.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""));
        }
        return caps.toString();
    }

    private String capture(final String caps) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("unshare", "-n", "bash",
            HostScript.SCRIPTS.resolve("unit-capture.sh").toString(), caps, work.toString())
            .redirectErrorStream(true).start();
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "unit-capture.sh did not finish: " + output);
        assertEquals(0, process.exitValue(), output);

        return output;
    }

    @Test
    void tcpdumpCapturesNflogAndAnInterfaceWithTheUnitsCapabilitiesAsANonRootUser() throws Exception
    {
        assumeTrue(Tools.isRoot(), "skipped: needs root (network namespace, nft, setpriv)");
        final String missing = Tools.firstMissing("unshare", "setpriv", "tcpdump", "nft", "ping", "ip");
        assumeTrue(null == missing, "skipped: '" + missing + "' is not installed");

        final String caps = unitCapabilities();
        assertEquals("-all,+net_admin,+net_raw", caps);
        final String output = capture(caps);
        for (final String device : List.of("nflog:5", "lo"))
        {
            assertTrue(output.matches("(?s).*capture " + device + " exit 0 bytes [1-9]\\d{2,}\\n.*"),
                "tcpdump -i " + device + " as a non-root user with " + caps + ":\n" + output);
        }

        final String adminOnly = capture("-all,+net_admin");
        assertTrue(adminOnly.contains("capture lo exit 1 bytes 0\n"), adminOnly);
    }
}
