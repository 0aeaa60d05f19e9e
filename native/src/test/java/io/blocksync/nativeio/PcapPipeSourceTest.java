package io.blocksync.nativeio;

import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real child process writes the capture to its standard output, as {@code tcpdump -U -w -} would; the source
 * decodes it, logs the child's standard error, and starts the command again with backoff when it exits.
 * (A shell is used here to script the child; the source itself never uses one.)
 */
class PcapPipeSourceTest
{

    @TempDir
    Path directory;

    /** Delays of 10, 20, 40, 40 ... ms instead of 1 s doubling to 60 s; each source needs its own. */
    private final Backoff fast = new Backoff(10, 40);
    private final AttackEventRing ring = new AttackEventRing(1024);
    private final RingCollector loop = new RingCollector(ring);
    private final LogLines log = new LogLines();
    private PcapPipeSource source;

    @AfterEach
    void closeSource()
    {
        if (null != source)
        {
            source.close();
        }
    }

    @Test
    void decodesTheCommandsOutputAndStartsItAgainWhenItExits() throws IOException
    {
        final Path capture = directory.resolve("capture.pcap");
        Files.write(capture, PflogFileSourceTest.capture(0, 50));
        source = new PcapPipeSource("pcap-pipe",
            List.of("sh", "-c", "cat \"$0\"; echo 'tcpdump: pflog0: That device is not up' >&2; exit 3",
                capture.toString()),
            // A long maximum: a run of the maximum or more resets the delay, and a loaded machine makes cat slow.
            ring, log, new Backoff(10, 60_000));
        source.start();

        loop.awaitAtLeast(150, source, log);
        Poll.until("the third start", () -> source.counters().restarts() >= 2, log::toString);

        final List<Integer> ports = loop.sourcePorts();
        final List<Integer> once = IntStream.range(0, 50).boxed().collect(Collectors.toList());
        assertEquals(once, ports.subList(0, 50));
        assertEquals(once, ports.subList(50, 100));
        assertEquals(once, ports.subList(100, 150));
        assertEquals(0, source.counters().malformed());
        assertTrue(source.counters().failures() >= 2, source.counters()::toString);
        assertTrue(log.contains("pcap-pipe: tcpdump: pflog0: That device is not up"), log::toString);
        assertTrue(log.contains("exited with status 3 after"), log::toString);
        assertTrue(log.contains("starting it again in 10 ms"), log::toString);
        assertTrue(log.contains("starting it again in 20 ms"), log::toString);
    }

    @Test
    void aRecordSplitAcrossWritesOfTheCommandIsDecodedWhole() throws IOException
    {
        final byte[] bytes = PflogFileSourceTest.capture(0, 3);
        final Path first = directory.resolve("first");
        final Path second = directory.resolve("second");
        final int cut = bytes.length - 30;
        Files.write(first, Arrays.copyOf(bytes, cut));
        Files.write(second, Arrays.copyOfRange(bytes, cut, bytes.length));
        final Path go = directory.resolve("go");
        // The second half is written only once the test has seen the first two records.
        source = new PcapPipeSource("pcap-pipe",
            List.of("sh", "-c", "cat \"$0\"; while [ ! -e \"$2\" ]; do sleep 0.01; done; cat \"$1\"; exec sleep 600",
                first.toString(), second.toString(), go.toString()),
            ring, log, fast);
        source.start();

        loop.awaitAtLeast(2, source, log);
        assertEquals(2, loop.events.size());
        Files.createFile(go);
        loop.awaitAtLeast(3, source, log);

        assertEquals(List.of(0, 1, 2), loop.sourcePorts());
        assertEquals(0, source.counters().restarts());
    }

    @Test
    void outputThatIsNotACaptureStopsTheCommandAndSaysWhy()
    {
        source = new PcapPipeSource("pcap-pipe",
            List.of("sh", "-c", "echo '12:00:00.000000 rule 3/0(match): block in on em0: 192.0.2.10 > 198.51.100.1';" +
                " exec sleep 600"),
            ring, log, fast);
        source.start();

        Poll.until("the command to be stopped", () -> log.contains("is not a pcap or pcapng stream"), log::toString);
        assertTrue(log.contains("tcpdump needs -w -"), log::toString);
        assertTrue(source.counters().malformed() >= 1);
        assertEquals(0, source.counters().events());
    }

    @Test
    void aCommandThatCannotStartIsRetriedWithGrowingDelays()
    {
        source = new PcapPipeSource("pcap-pipe", List.of("/nonexistent/blocksync-test/tcpdump", "-w", "-"),
            ring, log, fast);
        source.start();

        Poll.until("the third failed start", () -> log.contains("starting it again in 40 ms"), log::toString);
        assertTrue(log.contains("cannot start [/nonexistent/blocksync-test/tcpdump, -w, -]"), log::toString);
        assertTrue(log.contains("starting it again in 10 ms"), log::toString);
        assertTrue(log.contains("starting it again in 20 ms"), log::toString);
        assertTrue(source.counters().failures() >= 3, source.counters()::toString);
        assertEquals(0, source.counters().events());
    }

    @Test
    void closeEndsTheCommand() throws IOException
    {
        final Path capture = directory.resolve("capture.pcap");
        Files.write(capture, PflogFileSourceTest.capture(0, 5));
        // A duration no other process here will have: the way to find this command among the JVM's children.
        final String marker = "600." + (System.nanoTime() % 1_000_000_000L);
        source = new PcapPipeSource("pcap-pipe",
            List.of("sh", "-c", "cat \"$0\"; exec sleep " + marker, capture.toString()), ring, log, fast);
        source.start();
        loop.awaitAtLeast(5, source, log);
        Poll.until("the command to be sleeping", () -> !childrenRunning(marker).isEmpty());
        final Set<Long> children = childrenRunning(marker);
        assertEquals(1, children.size(), "the command runs: " + children);

        source.close();

        assertFalse(ProcessHandle.of(children.iterator().next()).map(ProcessHandle::isAlive).orElse(false),
            "the command was ended by close()");
        assertEquals(0, source.counters().restarts());
    }

    private static Set<Long> childrenRunning(final String marker)
    {
        final Set<Long> pids = new HashSet<>();
        ProcessHandle.current().descendants()
            .filter(process -> process.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
            .forEach(process -> pids.add(process.pid()));
        return pids;
    }
}
