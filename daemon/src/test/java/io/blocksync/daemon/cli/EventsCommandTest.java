package io.blocksync.daemon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `blocksync events --pcap FILE --json` on the real third-party captures in ../shared/testdata; the expected
 * values come from each capture's own test suite (see that folder's README).
 */
class EventsCommandTest
{
    private static final Path TESTDATA = Path.of(System.getProperty("blocksync.testdata", "../../shared/testdata"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        assumeTrue(Files.isDirectory(TESTDATA),
            "skipped: no shared test captures at " + TESTDATA.toAbsolutePath() + " (set -Dblocksync.testdata=DIR)");
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        if (null != savedOut)
        {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void openBsdPflogDropDecodesToOneEventWithEveryKey()
    {
        final List<String> lines = events("pflog/openbsd-tcp-drop.pcap", 0);
        assertEquals(List.of("{\"time\":\"2020-12-07T13:13:45.511869Z\",\"ifname\":\"vio0\",\"action\":\"block\",\"rule\":5," +
            "\"group\":null,\"prefix\":null,\"proto\":\"tcp\",\"src\":\"10.200.200.254\",\"sport\":41917," +
            "\"dst\":\"10.200.200.154\",\"dport\":23}"), lines);
    }

    @Test
    void tcpdumpNflogGivesFourEventsOfGroupTwenty()
    {
        final List<String> lines = events("nflog/tcpdump-nflog.pcap", 0);
        assertEquals(4, lines.size());
        for (final String line : lines)
        {
            assertTrue(line.contains("\"group\":20") && line.contains("\"src\":\"74.82.42.42\"") &&
                line.contains("\"dst\":\"10.0.0.20\"") && line.contains("\"action\":null") && line.contains("\"ifname\":null"), line);
        }
        assertTrue(lines.get(0).contains("\"dport\":42585"), lines.get(0));
    }

    @Test
    void malformedAndTruncatedRecordsBecomeErrorObjectsAndTheRunGoesOn()
    {
        final List<String> bad = events("nflog/zeek-bad-tlv-len.pcap", 0);
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("{\"error\":\"") && bad.get(0).contains("TLV claims 256 bytes"), bad.get(0));

        final List<String> truncated = events("pflog/openbsd-udp-truncated.pcap", 0);
        assertEquals(1, truncated.size());
        assertTrue(truncated.get(0).startsWith("{\"error\":\"") && truncated.get(0).contains("130"), truncated.get(0));
    }

    private List<String> events(final String capture, final int expectedExit)
    {
        out.reset();
        assertEquals(expectedExit, BlockSyncCli.run("events", "--pcap", TESTDATA.resolve(capture).toString(), "--json"));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
