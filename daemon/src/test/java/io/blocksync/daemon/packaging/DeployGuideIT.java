package io.blocksync.daemon.packaging;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/DEPLOY.md's Linux half, run as written: its {@code ```sh deploy-linux LABEL} blocks, extracted here, run in
 * order as root on a fresh Debian host in a network namespace (deploy-guide.sh), with a second node standing in for
 * the OpenBSD host and an attacker namespace. The guide and this test cannot drift apart: a changed block is what
 * runs, and a block added or renamed fails the test until the script gives it its place.
 */
class DeployGuideIT
{
    private static final Path GUIDE = Path.of("../docs/DEPLOY.md");
    private static final Pattern BLOCK = Pattern.compile("```sh deploy-linux (\\S+)\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path work;

    /**
     * @return the labels of the blocks, in order, each written to {@code blocks/NN-LABEL.sh}.
     */
    private static List<String> extractBlocks(final Path blocks) throws IOException
    {
        Files.createDirectories(blocks);
        final List<String> labels = new ArrayList<>();
        final Matcher block = BLOCK.matcher(Files.readString(GUIDE));
        while (block.find())
        {
            labels.add(block.group(1));
            Files.writeString(blocks.resolve(String.format("%02d-%s.sh", labels.size(), block.group(1))),
                block.group(2));
        }
        return labels;
    }

    @Test
    void linuxHalfOfTheDeploymentGuideRunsAsWritten() throws Exception
    {
        final Path blocks = work.resolve("blocks");
        assertEquals(List.of("install", "keys", "config", "detection", "start", "check", "upgrade", "uninstall"),
            extractBlocks(blocks), "DEPLOY.md's deploy-linux blocks");
        HostScript.assumeDebianHost();
        final String missing = Tools.firstMissing("nft", "apt-get", "timeout");
        assumeTrue(null == missing, "skipped: '" + missing + "' is not installed");

        final String output = HostScript.succeeded(HostScript.run("deploy-guide.sh", 1200,
            HostScript.deb().toString(), work.resolve("hosts").toString(), blocks.toString()));

        // The manual ban reached fw2's store and kernel; the attacker was refused three times, then banned on both
        // hosts and dropped; the upgrade restarted the node; purge left no table, program or state.
        assertTrue(output.contains("\nfw2 bans 198.51.100.7\n") && output.contains("\nfw2 kernel 198.51.100.7\n"),
            output);
        assertTrue(output.contains("\ngw1 bans 203.0.113.9\n") && output.contains("\nfw2 bans 203.0.113.9\n"),
            output);
        assertTrue(output.contains("\nafter the ban: 124\n"), output);
        assertTrue(output.contains("\nupgraded to ") && output.contains("+upgrade1\n"), output);
        assertTrue(output.contains("\ngw1 clean\n"), output);
    }
}
