package io.blocksync.daemon.status;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import org.agrona.BufferUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log lines written by the event loop without allocating or blocking: each thread formats into its own
 * {@link Line} and commits the bytes to a ring buffer; one daemon thread drains the ring and writes to the output.
 * When the ring is full a line is dropped and counted rather than stalling the loop.
 */
public final class EventLog implements AutoCloseable
{
    private static final int MESSAGE_TYPE = 1;
    /**
     * 256 KiB: about 2,800 lines of ~90 bytes, over a second of the default origin rate's lines while the drainer
     * sleeps at most {@value #MAX_IDLE_SLEEP_MILLIS} ms; the ring is zeroed at allocation, so all of it is resident
     * (1 MiB before, PERFORMANCE.md "Issue 12: footprint"). A line that does not fit is dropped and counted.
     */
    private static final int CAPACITY = 256 * 1024;
    private static final long MAX_IDLE_SLEEP_MILLIS = 100;
    /**
     * The writer thread's sleep while lines keep coming: about 100 wake-ups and writes a second instead of 1,000 during
     * a bulk (PERFORMANCE.md "a receiving peer per ban, again"); the ring holds over 50 ms of lines at one every 20 µs.
     */
    private static final long BUSY_SLEEP_MILLIS = 10;
    private static final int LINES_PER_READ = 256;
    /** Longest line, in bytes: a longer one is cut. */
    private static final int MAX_LINE_BYTES = 1024;

    private final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    private final AtomicLong dropped = new AtomicLong();
    private final org.agrona.concurrent.MessageHandler writer = this::writeLine;
    private final PrintStream out;
    private final EpochClock clock;
    private final byte[] lineBytes = new byte[MAX_LINE_BYTES + 1];
    private final Thread drainer;
    private volatile boolean running = true;

    public EventLog(final OutputStream output)
    {
        this(output, SystemEpochClock.INSTANCE);
    }

    /**
     * @param clock stamps every line begun with {@link Line#begin()} (epoch ms, printed as ISO-8601 UTC).
     */
    public EventLog(final OutputStream output, final EpochClock clock)
    {
        this.clock = clock;
        this.out = new PrintStream(new java.io.BufferedOutputStream(output, 64 * 1024), false, StandardCharsets.UTF_8);
        drainer = new Thread(this::drainLoop, "blocksync-log");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** For code that logs whole messages from any thread (event sources, backends); not for the loop. */
    public java.util.function.Consumer<String> threadSafeConsumer()
    {
        final Line line = new Line();
        return message ->
        {
            synchronized (line)
            {
                line.begin().append(message).commit();
            }
        };
    }

    /** A line builder for one thread; reuse it for every line that thread writes. */
    public Line newLine()
    {
        return new Line();
    }

    public long dropped()
    {
        return dropped.get();
    }

    /** Write whatever is queued, then stop the writer thread. */
    public void close()
    {
        running = false;
        try
        {
            drainer.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (!drainer.isAlive())
        {
            // It drained before it stopped, unless it died or was interrupted: then what is left is written here.
            drainAll();
            out.flush();
        }
        // Else its output blocks (a full pipe): reading the ring here too would break its single reader, and writing or
        // flushing would wait on the stream's lock; it writes the rest when the output takes it.
    }

    /** All of it: one read takes at most {@value #LINES_PER_READ} lines. */
    private void drainAll()
    {
        while (drainOnce() > 0)
        {
            // drained
        }
    }

    private void drainLoop()
    {
        long sleepMillis = 1;
        while (running)
        {
            final int lines = drainOnce();
            sleepMillis = sleepAfter(lines, sleepMillis);
            if (0 == sleepMillis)
            {
                continue;
            }
            out.flush();
            try
            {
                Thread.sleep(sleepMillis);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
        drainAll();
        out.flush();
    }

    /**
     * The writer thread's sleep after a read of the ring found {@code lines}: none when the read was full (the ring may
     * hold more); {@link #BUSY_SLEEP_MILLIS} while lines keep coming, rather than a wake-up and a write per millisecond
     * (a bulk logs a line per ban); when quiet, twice the last, up to {@link #MAX_IDLE_SLEEP_MILLIS}: an idle router
     * should not pay for its log.
     *
     * @return ms; 0: read again at once.
     */
    static long sleepAfter(final int lines, final long lastSleepMillis)
    {
        if (lines >= LINES_PER_READ)
        {
            return 0;
        }
        return lines > 0 ? BUSY_SLEEP_MILLIS : Math.max(1, Math.min(MAX_IDLE_SLEEP_MILLIS, lastSleepMillis * 2));
    }

    private int drainOnce()
    {
        return ring.read(writer, LINES_PER_READ);
    }

    private void writeLine(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length)
    {
        buffer.getBytes(index, lineBytes, 0, length);
        lineBytes[length] = '\n';
        out.write(lineBytes, 0, length + 1);
    }

    /**
     * Formats one line at a time: {@code line.begin().append("...").append(prefix).commit()}. Characters go straight
     * into the line's bytes (ASCII; any other character becomes {@code '?'}), cut at {@value #MAX_LINE_BYTES} bytes:
     * a bulk writes an audit line per ban on the loop, where building it in a {@code StringBuilder} and copying it out
     * to bytes took twice the time (PERFORMANCE.md "a receiving peer per ban, again").
     */
    public final class Line
    {
        private final byte[] encoded = new byte[MAX_LINE_BYTES];
        private final UnsafeBuffer bytes = new UnsafeBuffer(encoded);
        private int length;
        // For what the codec formats into a StringBuilder (addresses, reasons), copied from there.
        private final StringBuilder scratch = new StringBuilder(64);
        // The timestamp up to its milliseconds ("2026-11-30T09:12:01."), formatted once a second: a bulk import logs
        // a line per ban on the loop.
        private final StringBuilder stamp = new StringBuilder(32);
        private final byte[] stampBytes = new byte[32];
        private int stampLength;
        private long stampSecond = Long.MIN_VALUE;

        private Line()
        {
        }

        /** Start a line with the log's clock's time as an ISO-8601 UTC timestamp, formatted without allocating. */
        public Line begin()
        {
            return begin(clock.time());
        }

        /** As {@link #begin()}, stamped with the given time (epoch ms). */
        Line begin(final long epochMillis)
        {
            length = 0;
            appendTimestamp(epochMillis);
            put(' ');
            return this;
        }

        /** As {@link StringBuilder#append(CharSequence)} writes it: null reads {@code null}. */
        public Line append(final CharSequence value)
        {
            if (null == value)
            {
                return append("null");
            }
            for (int i = 0, n = value.length(); i < n; i++)
            {
                put(value.charAt(i));
            }
            return this;
        }

        public Line append(final char value)
        {
            put(value);
            return this;
        }

        /** As {@link StringBuilder#append(long)} writes it. */
        public Line append(final long value)
        {
            if (value == Long.MIN_VALUE)
            {
                return append("-9223372036854775808");
            }
            long left = value;
            if (left < 0)
            {
                put('-');
                left = -left;
            }
            int digits = 1;
            for (long rest = left; rest >= 10; rest /= 10)
            {
                digits++;
            }
            final int end = length + digits;
            for (int i = end - 1; i >= length; i--)
            {
                if (i < MAX_LINE_BYTES)
                {
                    encoded[i] = (byte)('0' + left % 10);
                }
                left /= 10;
            }
            length = Math.min(end, MAX_LINE_BYTES);
            return this;
        }

        public Line append(final IpPrefix prefix)
        {
            scratch.setLength(0);
            AddressText.append(prefix, scratch);
            return append(scratch);
        }

        /** A ban's reason text (see codec's ReasonCode). */
        public Line appendReason(final io.blocksync.codec.Ban ban)
        {
            scratch.setLength(0);
            ban.appendReason(scratch);
            return append(scratch);
        }

        public void commit()
        {
            if (!ring.write(MESSAGE_TYPE, bytes, 0, length))
            {
                dropped.incrementAndGet();
            }
        }

        private void put(final char c)
        {
            if (length < MAX_LINE_BYTES)
            {
                encoded[length++] = (byte)(c < 0x80 ? c : '?');
            }
        }

        private void appendTimestamp(final long epochMillis)
        {
            final long second = Math.floorDiv(epochMillis, 1000);
            if (second != stampSecond)
            {
                stampSecond = second;
                stamp.setLength(0);
                appendSecond(second * 1000);
                stampLength = Math.min(stamp.length(), stampBytes.length);
                for (int i = 0; i < stampLength; i++)
                {
                    stampBytes[i] = (byte)stamp.charAt(i);
                }
            }
            final long millis = Math.floorMod(epochMillis, 1000);
            // At the line's start, where it always fits.
            System.arraycopy(stampBytes, 0, encoded, length, stampLength);
            length += stampLength;
            put((char)('0' + millis / 100));
            put((char)('0' + millis / 10 % 10));
            put((char)('0' + millis % 10));
            put('Z');
        }

        /** Into {@link #stamp}: the date and time of a whole second, with the dot before its milliseconds. */
        private void appendSecond(final long epochMillis)
        {
            final long days = Math.floorDiv(epochMillis, 86_400_000L);
            final long millisOfDay = Math.floorMod(epochMillis, 86_400_000L);
            // Civil-from-days (Howard Hinnant): no java.time objects on the loop.
            final long z = days + 719_468;
            final long era = Math.floorDiv(z, 146_097);
            final long doe = z - era * 146_097;
            final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            final long mp = (5 * doy + 2) / 153;
            final long day = doy - (153 * mp + 2) / 5 + 1;
            final long month = mp < 10 ? mp + 3 : mp - 9;
            final long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
            stamp.append(year).append('-');
            pad2(month).append('-');
            pad2(day).append('T');
            pad2(millisOfDay / 3_600_000).append(':');
            pad2((millisOfDay / 60_000) % 60).append(':');
            pad2((millisOfDay / 1000) % 60).append('.');
        }

        private StringBuilder pad2(final long value)
        {
            return stamp.append(value < 10 ? "0" : "").append(value);
        }
    }
}
