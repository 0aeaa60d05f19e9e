package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The {@code pflog-file} source: follows a capture file as pflogd writes it ({@code /var/log/pflog}), like
 * {@code tail -F}. New bytes are read as they appear, in pieces of any size; the decoder keeps a record that is
 * only partly written until the rest arrives.
 * <p>
 * Rotation: when the path names a different file (newsyslog renamed the old one and pflogd made a new one), the
 * old file is read to its end, then the new one from its start, pcap header included. A file that shrinks below
 * what was read (truncated in place) is read again from its start. Both count as restarts. A file that does not
 * exist yet is waited for. Truncation is noticed only if the file is shorter than the read position when polled.
 * <p>
 * History: unless told to read it, the content a file already has when {@link #start()} is called is decoded (to
 * find the record boundaries) but not reported. Note that pflogd buffers its writes (flag {@code -d}, 60 s by
 * default); for low latency read {@code pflog0} through {@link PcapPipeSource} with {@code tcpdump -U} instead.
 */
public final class PflogFileSource implements EventSource
{
    public static final long DEFAULT_POLL_INTERVAL_MILLIS = 100;
    public static final int CHUNK_LENGTH = 64 * 1024;

    private static final long STOP_WAIT_MILLIS = 5_000;

    private final String name;
    private final Path file;
    private final boolean readExisting;
    private final long pollIntervalMillis;
    private final Consumer<String> log;
    private final SourceCounters counters = new SourceCounters();
    private final RingEventPublisher publisher;
    private final PcapStreamDecoder decoder;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_LENGTH);
    private final UnsafeBuffer view = new UnsafeBuffer(chunk);
    private final SourceThread thread;

    private Object historyKey;
    private long historyLength;
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private long catchUpEnd;
    private boolean reportedMissing;

    /**
     * @param name               for logs and status.
     * @param file               the capture file to follow.
     * @param readExisting       true to report what the file holds at start too.
     * @param pollIntervalMillis how often to look for new bytes and rotation when idle.
     * @param ring               receives events.
     * @param log                receives operator lines: waiting, rotation, malformed records.
     */
    public PflogFileSource(
        final String name,
        final Path file,
        final boolean readExisting,
        final long pollIntervalMillis,
        final AttackEventRing ring,
        final Consumer<String> log)
    {
        if (pollIntervalMillis < 1)
        {
            throw new IllegalArgumentException(name + ": poll interval is " + pollIntervalMillis + " ms, expected >= 1");
        }
        this.name = name;
        this.file = file;
        this.readExisting = readExisting;
        this.pollIntervalMillis = pollIntervalMillis;
        this.log = log;
        this.publisher = new RingEventPublisher(name, ring, counters, log);
        this.decoder = new PcapStreamDecoder(new CaptureEventDecoder(publisher));
        this.thread = new SourceThread(name, this::run);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void start()
    {
        if (!readExisting)
        {
            try
            {
                final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                historyKey = attributes.fileKey();
                historyLength = attributes.size();
            }
            catch (final IOException ex)
            {
                historyKey = null;
                historyLength = 0;
            }
        }
        thread.start();
    }

    @Override
    public void close()
    {
        thread.stop(STOP_WAIT_MILLIS);
    }

    @Override
    public SourceCounters counters()
    {
        return counters;
    }

    /**
     * @return the followed path.
     */
    public Path file()
    {
        return file;
    }

    private void run()
    {
        try
        {
            while (thread.isRunning())
            {
                if (null == channel && !open())
                {
                    thread.idle(pollIntervalMillis);
                    continue;
                }

                final int read = read();
                if (read > 0)
                {
                    continue;
                }
                if (read < 0 || !followRotation())
                {
                    thread.idle(pollIntervalMillis);
                }
            }
        }
        finally
        {
            closeChannel();
        }
    }

    private boolean open()
    {
        try
        {
            final Object keyBefore = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            final FileChannel opened = FileChannel.open(file, StandardOpenOption.READ);
            final Object keyAfter = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (!Objects.equals(keyBefore, keyAfter))
            {
                // Replaced while opening: try again on the next poll.
                opened.close();
                return false;
            }

            channel = opened;
            fileKey = keyAfter;
            position = 0;
            decoder.reset();
            reportedMissing = false;
            catchUpEnd = null != historyKey && historyKey.equals(keyAfter) ? historyLength : 0;
            historyKey = null;
            publisher.muted(catchUpEnd > 0);
            if (catchUpEnd > 0)
            {
                log.accept(name + ": following " + file + " from its end; the " + catchUpEnd +
                    " bytes already there are history");
            }

            return true;
        }
        catch (final NoSuchFileException ex)
        {
            if (!reportedMissing)
            {
                reportedMissing = true;
                log.accept(name + ": " + file + " does not exist yet; waiting for pflogd to create it");
            }
        }
        catch (final IOException ex)
        {
            fail("cannot open " + file + ": " + ex);
        }

        return false;
    }

    /**
     * @return bytes read and decoded, 0 at the end of what is there, -1 after a read error.
     */
    private int read()
    {
        try
        {
            chunk.clear();
            if (catchUpEnd > position)
            {
                // Stop exactly at the end of the history so that no new record is muted.
                chunk.limit((int)Math.min(CHUNK_LENGTH, catchUpEnd - position));
            }

            final int read = channel.read(chunk, position);
            if (read <= 0)
            {
                return 0;
            }

            position += read;
            decoder.onBytes(view, 0, read);
            if (catchUpEnd > 0 && position >= catchUpEnd)
            {
                catchUpEnd = 0;
                publisher.muted(false);
            }

            return read;
        }
        catch (final IOException ex)
        {
            fail("cannot read " + file + " at byte " + position + ": " + ex);
            closeChannel();

            return -1;
        }
    }

    /**
     * At the end of the open file: switch to a new file at the path, or start again if truncated.
     *
     * @return true if there is a new stream to read now.
     */
    private boolean followRotation()
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        }
        catch (final IOException ex)
        {
            // Renamed away and not yet replaced: keep the old file, pflogd may still write to it.
            return false;
        }

        if (null != fileKey && !fileKey.equals(attributes.fileKey()))
        {
            // Bytes written between our last read and the rename are still in the old file.
            while (read() > 0)
            {
                continue;
            }
            endStream();
            closeChannel();
            log.accept(name + ": " + file + " was replaced (rotated); reading the new file from its start");
            open();
            counters.incrementRestarts();

            return true;
        }

        final long size;
        try
        {
            size = null == channel ? 0 : channel.size();
        }
        catch (final IOException ex)
        {
            fail("cannot stat " + file + ": " + ex);
            closeChannel();
            return false;
        }

        if (size < position)
        {
            endStream();
            counters.incrementRestarts();
            log.accept(name + ": " + file + " shrank from " + position + " to " + size +
                " bytes (truncated); reading it again from its start");
            position = 0;
            decoder.reset();

            return true;
        }

        return false;
    }

    private void endStream()
    {
        decoder.onEndOfStream();
        catchUpEnd = 0;
        publisher.muted(false);
    }

    private void fail(final String message)
    {
        if (SourceCounters.isWorthLogging(counters.incrementFailures()))
        {
            log.accept(name + ": " + message);
        }
    }

    private void closeChannel()
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                log.accept(name + ": closing " + file + ": " + ex);
            }
            channel = null;
        }
    }
}
