package io.blocksync.nativeio;

import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Following a pflog file the way pflogd and newsyslog treat it: written in pieces that split records anywhere,
 * renamed away while still being written, replaced by a new file, truncated in place. Every record must arrive
 * exactly once and in order.
 */
class PflogFileSourceTest
{
    private static final long SEED = System.nanoTime();
    private static final int HEADER_LENGTH = PcapRecordReader.FILE_HEADER_LENGTH;

    @TempDir
    Path directory;

    private final Random random = new Random(SEED);
    private final AttackEventRing ring = new AttackEventRing(1024);
    private final RingCollector loop = new RingCollector(ring);
    private final LogLines log = new LogLines();
    private PflogFileSource source;

    @AfterEach
    void closeSource()
    {
        if (null != source)
        {
            source.close();
        }
    }

    @Test
    void recordsWrittenInPiecesAcrossRotationAndTruncationArriveExactlyOnce() throws IOException
    {
        System.out.println("random seed " + SEED);
        final Path file = directory.resolve("pflog");
        source = new PflogFileSource("pflog-file", file, false, 5, ring, log);
        source.start();
        Poll.until("the source to notice the file is missing", () -> log.contains("does not exist yet"));

        // pflogd creates the file and writes; the source must open it and find the records.
        final OutputStream pflogd = new FileOutputStream(file.toFile());
        writeInPieces(pflogd, capture(0, 100));
        loop.awaitAtLeast(1, source, log);

        // newsyslog renames the file; pflogd writes a little more to the old one before its SIGHUP.
        Files.move(file, directory.resolve("pflog.0"), StandardCopyOption.ATOMIC_MOVE);
        writeInPieces(pflogd, records(100, 150));
        pflogd.close();
        try (OutputStream reopened = new FileOutputStream(file.toFile()))
        {
            writeInPieces(reopened, capture(150, 250));
        }
        loop.awaitAtLeast(250, source, log);
        assertEquals(1, source.counters().restarts(), log::toString);

        // Truncated in place (copytruncate), then pflogd starts a new capture in the same file.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(0);
        }
        Poll.until("the truncation to be noticed", () -> source.counters().restarts() == 2, log::toString);
        try (OutputStream same = new FileOutputStream(file.toFile(), true))
        {
            writeInPieces(same, capture(250, 350));
        }
        loop.awaitAtLeast(350, source, log);

        assertEquals(IntStream.range(0, 350).boxed().collect(Collectors.toList()), loop.sourcePorts(),
            "seed " + SEED);
        for (final SeenEvent event : loop.events)
        {
            assertEquals(DecodeResult.OK, event.result(), event.summary());
            assertEquals(LinkType.PFLOG, event.linkType());
            assertEquals("em0", event.ifname());
            assertEquals("192.0.2.10", event.source());
            assertEquals(22, event.destinationPort());
        }
        assertEquals(350, source.counters().events());
        assertEquals(0, source.counters().malformed());
        assertEquals(0, source.counters().dropped());
        assertEquals(2, source.counters().restarts());
        assertTrue(log.contains("was replaced (rotated)"), log::toString);
        assertTrue(log.contains("shrank from"), log::toString);
    }

    @Test
    void whatTheFileHoldsAtStartIsHistoryUnlessAskedFor() throws IOException
    {
        final byte[] before = capture(0, 11);
        // The file ends inside record 10: its end is written after the start, so it is new.
        final int cut = before.length - 9;
        final Path file = directory.resolve("pflog");
        Files.write(file, Arrays.copyOf(before, cut));

        source = new PflogFileSource("pflog-file", file, false, 5, ring, log);
        source.start();
        Poll.until("the history to be read", () -> log.contains("history"));
        try (OutputStream pflogd = new FileOutputStream(file.toFile(), true))
        {
            pflogd.write(before, cut, before.length - cut);
            writeInPieces(pflogd, records(11, 20));
        }
        loop.awaitAtLeast(10, source, log);
        source.close();
        loop.drain();

        assertEquals(IntStream.range(10, 20).boxed().collect(Collectors.toList()), loop.sourcePorts());

        final AttackEventRing everything = new AttackEventRing(64);
        final RingCollector all = new RingCollector(everything);
        source = new PflogFileSource("pflog-file-all", file, true, 5, everything, log);
        source.start();
        all.awaitAtLeast(20, source, log);
        assertEquals(IntStream.range(0, 20).boxed().collect(Collectors.toList()), all.sourcePorts());
    }

    @Test
    void aFileThatIsNotACaptureIsReportedAndARotatedOneIsReadAfresh() throws IOException
    {
        final Path file = directory.resolve("pflog");
        Files.writeString(file, "this is a syslog file, not a pcap\n");
        source = new PflogFileSource("pflog-file", file, true, 5, ring, log);
        source.start();
        Poll.until("the bad file to be reported", () -> log.contains("not a pcap or pcapng stream"), log::toString);
        assertEquals(1, source.counters().malformed());

        final Path next = directory.resolve("pflog.new");
        Files.write(next, capture(0, 5));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        loop.awaitAtLeast(5, source, log);

        assertEquals(List.of(0, 1, 2, 3, 4), loop.sourcePorts());
        assertEquals(1, source.counters().restarts());
    }

    @Test
    void theSharedPflogCapturesDecodeTheSameWhenFollowed() throws IOException
    {
        SharedTestData.assumePresent();
        final Path file = directory.resolve("pflog");
        source = new PflogFileSource("pflog-file", file, true, 5, ring, log);
        source.start();

        final List<String> expected = new ArrayList<>();
        int pendingUntilRotation = 0;
        int rotations = 0;
        for (final String name : SharedTestData.ALL_CAPTURES)
        {
            if (!name.startsWith("pflog/"))
            {
                continue;
            }
            pendingUntilRotation = 0;
            for (final SeenEvent event : SharedTestData.decode(name).events)
            {
                if (null != event.source() &&
                    (DecodeResult.OK == event.result() || DecodeResult.TRUNCATED == event.result()))
                {
                    expected.add(event.summary());
                    // A partial last record may still be being written: it is decoded once the file is replaced.
                    pendingUntilRotation += DecodeError.RECORD_TRUNCATED == event.error() ? 1 : 0;
                }
            }
            rotations += replaceWith(file, SharedTestData.bytes(name));
            final int rotated = rotations;
            // The next replacement must not come before the source has opened this file.
            Poll.until("rotation " + rotated, () -> source.counters().restarts() == rotated, log::toString);
            loop.awaitAtLeast(expected.size() - pendingUntilRotation, source, log);
        }
        final int rotated = rotations + replaceWith(file, header());
        loop.awaitAtLeast(expected.size(), source, log);
        Poll.until("the last rotation", () -> source.counters().restarts() == rotated, log::toString);

        final List<String> summaries = new ArrayList<>();
        for (final SeenEvent event : loop.events)
        {
            summaries.add(event.summary());
        }
        assertEquals(expected, summaries);
        assertTrue(expected.size() >= 4, expected::toString);
    }

    /**
     * @return 1 if a file was replaced, 0 if there was none.
     */
    private int replaceWith(final Path file, final byte[] content) throws IOException
    {
        final Path next = directory.resolve("next");
        try (OutputStream out = new FileOutputStream(next.toFile()))
        {
            writeInPieces(out, content);
        }
        final int replaced = Files.exists(file) ? 1 : 0;
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        return replaced;
    }

    private void writeInPieces(final OutputStream out, final byte[] bytes) throws IOException
    {
        int position = 0;
        while (position < bytes.length)
        {
            final int piece = Math.min(bytes.length - position, 1 + random.nextInt(90));
            out.write(bytes, position, piece);
            out.flush();
            position += piece;
        }
    }

    /**
     * @return a pcap file header followed by records with source ports from to to - 1.
     */
    static byte[] capture(final int from, final int to)
    {
        return TestPackets.concat(header(), records(from, to));
    }

    static byte[] header()
    {
        return Arrays.copyOf(CaptureBuilder.pcap(LITTLE_ENDIAN, false, 160, LinkType.PFLOG).toArray(), HEADER_LENGTH);
    }

    static byte[] records(final int from, final int to)
    {
        final CaptureBuilder.Pcap pcap = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 160, LinkType.PFLOG);
        for (int port = from; port < to; port++)
        {
            pcap.record(1_700_000_000L + port, 0, TestPackets.pflog(61, LITTLE_ENDIAN, 2, 1, "em0", "", 3, 1,
                TestPackets.ipv4("192.0.2.10", "198.51.100.1", TestPackets.TCP, TestPackets.tcp(port, 22))));
        }
        final byte[] whole = pcap.toArray();
        return Arrays.copyOfRange(whole, HEADER_LENGTH, whole.length);
    }
}
