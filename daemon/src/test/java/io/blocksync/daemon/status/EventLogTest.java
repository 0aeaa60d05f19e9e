package io.blocksync.daemon.status;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest
{
    private static final DateTimeFormatter ISO_MILLIS =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The timestamp is formatted once a second and the milliseconds per line: lines in the same second, across
     * second, day, month, leap-day and year boundaries, and at random times, read as java.time formats them.
     */
    @Test
    void timestampsMatchIsoFormattingAcrossSecondsAndDays()
    {
        final List<Long> times = new ArrayList<>();
        final long[] edges = {
            0, 999, 1000, 1001, 59_999, 60_000, 86_399_999, 86_400_000,
            Instant.parse("2024-02-28T23:59:59.999Z").toEpochMilli(), Instant.parse("2024-02-29T00:00:00.000Z").toEpochMilli(),
            Instant.parse("2024-03-01T00:00:00.007Z").toEpochMilli(), Instant.parse("2026-12-31T23:59:59.990Z").toEpochMilli(),
            Instant.parse("2027-01-01T00:00:00.010Z").toEpochMilli(), Instant.parse("2027-01-01T00:00:00.100Z").toEpochMilli(),
        };
        for (final long edge : edges)
        {
            times.add(edge);
            times.add(edge);
        }
        // 3,028 lines of 48 ring bytes: within the 256 KiB ring even if the writer thread never ran meanwhile.
        final SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 600; i++)
        {
            // Runs of lines a few ms apart, as a bulk logs them, and jumps, as a quiet node does.
            final long base = random.nextLong(0, 4_102_444_800_000L);
            for (int j = 0; j < 5; j++)
            {
                times.add(base + j * random.nextLong(0, 700));
            }
        }

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(out);
        final EventLog.Line line = log.newLine();
        final StringBuilder expected = new StringBuilder();
        for (final long time : times)
        {
            line.begin(time).append("x ").append(time).commit();
            expected.append(ISO_MILLIS.format(Instant.ofEpochMilli(time))).append(" x ").append(time).append('\n');
        }
        log.close();
        assertEquals(0, log.dropped());
        assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
    }

    /** A line begun without a time takes the log's clock's: a node's tests and tools can pin it. */
    @Test
    void linesAreStampedByTheLogsClock()
    {
        final long leapDay = 951_782_400_123L;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(out, () -> leapDay);
        log.newLine().begin().append("y").commit();
        log.close();
        assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(leapDay)) + " y\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("2000-02-29T00:00:00.123Z y\n", out.toString(StandardCharsets.UTF_8));
    }

    /**
     * An output that blocks (a full pipe) does not hang close, and close does not read the ring beside the writer
     * thread: once the output takes bytes again, every line is written once.
     */
    @Test
    void closeReturnsWhileTheOutputBlocksAndTheWriterWritesTheRestAfter() throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final OutputStream blocking = new OutputStream()
        {
            @Override
            public void write(final int b) throws IOException
            {
                write(new byte[]{ (byte)b }, 0, 1);
            }

            @Override
            public void write(final byte[] bytes, final int offset, final int length) throws IOException
            {
                entered.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new IOException(ex);
                }
                synchronized (written)
                {
                    written.write(bytes, offset, length);
                }
            }
        };
        final EventLog log = new EventLog(blocking);
        final EventLog.Line line = log.newLine();
        line.begin(0).append("line 0").commit();
        assertTrue(entered.await(60, TimeUnit.SECONDS), "the writer thread never wrote the first line");
        for (int i = 1; i <= 100; i++)
        {
            line.begin(0).append("line ").append(i).commit();
        }

        final Thread closer = new Thread(log::close, "closer");
        closer.start();
        closer.join(60_000);
        final boolean closed = !closer.isAlive();
        release.countDown();
        assertTrue(closed, "close waited for an output that blocks");

        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String text;
        do
        {
            synchronized (written)
            {
                text = written.toString(StandardCharsets.UTF_8);
            }
        }
        while (text.split("\n").length < 101 && System.nanoTime() < deadline && sleepBriefly());
        final String[] lines = text.split("\n");
        assertEquals(101, lines.length, "lines written after the output unblocked: " + text);
        for (int i = 0; i <= 100; i++)
        {
            assertTrue(lines[i].endsWith(" line " + i), lines[i]);
        }
    }

    private static boolean sleepBriefly()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        return true;
    }

    /** Close writes every line still queued, not only the first 256 (one read of the ring). */
    @Test
    void closeWritesEveryQueuedLine()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(out);
        final EventLog.Line line = log.newLine();
        for (int i = 0; i < 2_000; i++)
        {
            line.begin(0).append(i).commit();
        }
        log.close();
        assertEquals(0, log.dropped());
        final String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2_000, lines.length);
        assertEquals("1970-01-01T00:00:00.000Z 1999", lines[1_999]);
    }

    /** Characters beyond ASCII become '?', and a line is cut at 1,024 bytes, as before the bulk copy. */
    @Test
    void nonAsciiBecomesQuestionMarkAndLongLinesAreCut()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(out);
        final EventLog.Line line = log.newLine();
        line.begin(0).append("caf\u00e9 \u2713").commit();
        line.begin(0).append("y".repeat(2_000)).commit();
        log.close();
        final String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("1970-01-01T00:00:00.000Z caf? ?", lines[0]);
        assertEquals(1_024, lines[1].length());
    }

    /**
     * Every append reads as StringBuilder writes it (the line was built in one before it was formatted to bytes
     * directly): longs of every length and sign, null, prefixes and reasons; a number cut at the line's end keeps
     * its leading digits.
     */
    @Test
    void appendsReadAsStringBuilderWritesThem()
    {
        final List<Long> numbers = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, -10L, 99L, 100L, 1_000_000_007L,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, (long)Integer.MIN_VALUE));
        final SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 200; i++)
        {
            numbers.add(random.nextLong() >> random.nextInt(64));
        }
        final io.blocksync.codec.IpPrefix prefix = new io.blocksync.codec.IpPrefix();
        io.blocksync.codec.AddressText.parse("2001:db8:0:1::/64", prefix, 32, 64);
        final io.blocksync.codec.Ban ban = new io.blocksync.codec.Ban()
            .reason(io.blocksync.codec.ReasonCode.of("a-reason-longer-than-eight-bytes"));

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(out);
        final EventLog.Line line = log.newLine();
        final StringBuilder expected = new StringBuilder();
        for (final long number : numbers)
        {
            line.begin(0).append(number).append(' ').append((CharSequence)null).commit();
            expected.append("1970-01-01T00:00:00.000Z ").append(number).append(' ').append((CharSequence)null).append('\n');
        }
        line.begin(0).append(prefix).append(" reason ").appendReason(ban).commit();
        expected.append("1970-01-01T00:00:00.000Z 2001:db8:0:1::/64 reason a-reason-longer-than-eight-bytes\n");
        // 25 bytes of stamp, 994 of x: 1,019, so 5 of the number's 19 digits fit.
        line.begin(0).append("x".repeat(994)).append(Long.MAX_VALUE).commit();
        expected.append("1970-01-01T00:00:00.000Z ").append("x".repeat(994)).append("92233").append('\n');
        log.close();
        assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
    }

    /**
     * While lines keep coming the writer thread sleeps 10 ms between reads of the ring, not 1 ms as before (a write and
     * a wake-up per millisecond of a bulk); a full read is followed by another at once; quiet, it backs off to 100 ms.
     */
    @Test
    void writerSleepsLongerWhileLinesKeepComing()
    {
        assertEquals(10, EventLog.sleepAfter(1, 1));
        assertEquals(10, EventLog.sleepAfter(255, 100));
        assertEquals(0, EventLog.sleepAfter(256, 10));
        assertEquals(20, EventLog.sleepAfter(0, 10));
        assertEquals(2, EventLog.sleepAfter(0, 1));
        assertEquals(100, EventLog.sleepAfter(0, 80));
        assertEquals(100, EventLog.sleepAfter(0, 100));
        assertEquals(1, EventLog.sleepAfter(0, 0));
    }
}
