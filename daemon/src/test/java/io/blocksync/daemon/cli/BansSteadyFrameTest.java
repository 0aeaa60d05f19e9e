package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.store.BanStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code blocksync bans} reads remaining times in the frame the node stored them in: after the wall clock stepped
 * back a day under a running node, its steady clock (and the expiries) are a day ahead of the wall clock, and the
 * node recorded that offset in its progress file.
 */
class BansSteadyFrameTest
{
    private static final long DAY = 86_400_000;

    @TempDir
    Path dir;

    @Test
    void remainingTimeAndExpiryAreReadInTheNodesSteadyFrame() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final Path stateDir = cluster.stateDir(1);
        final long wall = System.currentTimeMillis();
        final long steady = wall + DAY;
        try (BanStore store = BanStore.openForDaemon(stateDir, 1000, System.err::println, false, steady);
            ProgressFile progress = ProgressFile.open(stateDir, 1, wall))
        {
            final IpPrefix prefix = new IpPrefix();
            AddressText.parse("198.51.100.7", prefix, 32, 64);
            store.put(new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(2).originSequence(1).originTimeMillis(wall)
                .durationSeconds(3600).expiresAtMillis(steady + 3_600_000).reason(ReasonCode.of("ssh").id()).appliedAtMillis(steady));
            progress.frameOffsetMillis(DAY);
            progress.frameTimeMillis(steady);
        }

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            assertEquals(0, BlockSyncCli.run("bans", "-c", cluster.configFile(1).toString(), "--json"));
        }
        finally
        {
            System.setOut(saved);
        }
        final String json = out.toString(StandardCharsets.UTF_8);
        final Matcher remaining = Pattern.compile("\"remaining_seconds\":(\\d+)").matcher(json);
        assertTrue(remaining.find(), json);
        final long seconds = Long.parseLong(remaining.group(1));
        assertTrue(seconds > 3590 && seconds <= 3600, "an hour left, not a day and an hour: " + json);
        final Matcher expires = Pattern.compile("\"expires\":\"([^\"]+)\"").matcher(json);
        assertTrue(expires.find(), json);
        final long expiresWall = Instant.parse(expires.group(1)).toEpochMilli();
        assertEquals(wall + 3_600_000, expiresWall, "shown on the wall clock: " + json);
    }
}
