package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a whole capture (a file, or a channel such as stdin) through a {@link PcapStreamDecoder}, blocking until
 * its end. For the CLI and tests; event sources that must not block feed the decoder themselves.
 * <pre>
 *   new CaptureFileReader(new CaptureEventDecoder(event -&gt; ...)).read(Path.of("pflog.pcap"));
 * </pre>
 */
public final class CaptureFileReader
{
    public static final int CHUNK_LENGTH = 64 * 1024;

    private final PcapStreamDecoder decoder;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_LENGTH);
    private final UnsafeBuffer view = new UnsafeBuffer(chunk);

    /**
     * @param handler receives every packet and error.
     */
    public CaptureFileReader(final PacketHandler handler)
    {
        decoder = new PcapStreamDecoder(handler);
    }

    /**
     * @return the decoder, for its format and counters.
     */
    public PcapStreamDecoder decoder()
    {
        return decoder;
    }

    /**
     * @param file a pcap or pcapng file.
     * @return packet records handed to the handler, truncated last record included.
     * @throws IOException if the file cannot be read; decoding errors go to the handler instead.
     */
    public long read(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            return read(channel);
        }
    }

    /**
     * Read until end of stream or a fatal decoding error, then report a partial last record.
     *
     * @param channel a blocking channel positioned at the start of a capture.
     * @return packet records handed to the handler, truncated last record included.
     * @throws IOException if reading fails.
     */
    public long read(final ReadableByteChannel channel) throws IOException
    {
        decoder.reset();
        final long before = decoder.packetCount() + decoder.truncatedCount();
        while (!decoder.isStopped())
        {
            chunk.clear();
            final int read = channel.read(chunk);
            if (read < 0)
            {
                break;
            }
            decoder.onBytes(view, 0, read);
        }
        decoder.onEndOfStream();

        return decoder.packetCount() + decoder.truncatedCount() - before;
    }
}
