package io.blocksync.daemon.cli;

import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.status.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status} exits 0 while the node runs and 3 once it stopped; {@code peers} shows "-" (JSON null) for a peer's
 * RTT before any sample, never 0.00 ms; {@code status --watch} refreshes the given number of times.
 */
class StatusAndPeersTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void statusExitsThreeForAStoppedNodeAndPeersShowNoRttBeforeASample() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final String config = cluster.configFile(1).toString();
        final EventLog log = new EventLog(OutputStream.nullOutputStream());
        // Node 2 never starts: node 1 never times a round trip to it.
        final Node node = Node.start(ConfigReader.read(cluster.configFile(1)), log);
        try
        {
            assertEquals(0, BlockSyncCli.run("status", "-c", config), output());
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("node 1 (pid "), output());

            out.reset();
            assertEquals(0, BlockSyncCli.run("peers", "-c", config), output());
            // No round trip and no ACK yet: "-" for both, not a 0 ms RTT or a raw stream position.
            assertTrue(Pattern.compile("\n2 +node2 +127\\.0\\.0\\.1:\\d+ +\\S+ +never +- +- +").matcher(out.toString(StandardCharsets.UTF_8))
                .find(), output());

            out.reset();
            assertEquals(0, BlockSyncCli.run("peers", "-c", config, "--json"), output());
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"rtt_ms\":null"), output());
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"lag_batches\":null"), output());

            out.reset();
            assertEquals(0, BlockSyncCli.run("status", "-c", config, "--watch", "--interval", "200ms", "--count", "2"), output());
            assertEquals(2, Pattern.compile("(?m)^node 1 \\(pid ").matcher(out.toString(StandardCharsets.UTF_8)).results().count(),
                output());
        }
        finally
        {
            node.close();
            log.close();
        }

        out.reset();
        assertEquals(StatusCommand.EXIT_NOT_RUNNING, BlockSyncCli.run("status", "-c", config), output());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("NOT running"), output());
        out.reset();
        assertEquals(StatusCommand.EXIT_NOT_RUNNING, BlockSyncCli.run("status", "-c", config, "--json"), output());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"running\":false"), output());
    }

    private String output()
    {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
