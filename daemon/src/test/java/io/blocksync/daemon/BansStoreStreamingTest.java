package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.cli.BlockSyncCli;
import io.blocksync.daemon.store.BanStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bans --json} of a stopped node reads its store directly and streams it: 50,000 bans through a CLI JVM with
 * a 16 MB heap (the node-answers path is ControlListingTest's), with no stack trace.
 */
class BansStoreStreamingTest
{
    @TempDir
    Path dir;

    @Test
    void fiftyThousandBansOfAStoppedNodeStreamThroughASixteenMegabyteHeap() throws Exception
    {
        final int count = 50_000;
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final long now = System.currentTimeMillis();
        try (BanStore store = BanStore.openForDaemon(cluster.stateDir(1), 100_000))
        {
            final IpPrefix prefix = new IpPrefix();
            final Ban ban = new Ban();
            for (int i = 0; i < count; i++)
            {
                AddressText.parse("2001:db8:" + Integer.toHexString(i >>> 8) + ":" + Integer.toHexString(i & 255) + "::",
                    prefix, 32, 64);
                store.put(ban.reset().prefix(prefix).action(BanAction.BAN).originNodeId(2).originSequence(i + 1)
                    .originTimeMillis(now).durationSeconds(3600).expiresAtMillis(now + 3_600_000)
                    .reason(ReasonCode.of("ssh")).appliedAtMillis(now));
            }
        }

        final Path out = dir.resolve("bans.json");
        final Path err = dir.resolve("bans.err");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NodeProcess.jvmFlags());
        command.addAll(List.of("-Xmx16m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            BlockSyncCli.class.getName(), "bans", "-c", cluster.configFile(1).toString(), "--json"));
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the CLI finished");
        final String errors = Files.readString(err);
        assertEquals(0, process.exitValue(), errors);
        assertTrue(!errors.contains("Exception") && !errors.contains("\tat "), errors);
        try (var lines = Files.lines(out))
        {
            assertEquals(count, lines.filter(line -> line.contains("\"prefix\":\"2001:db8:")).count());
        }
    }
}
