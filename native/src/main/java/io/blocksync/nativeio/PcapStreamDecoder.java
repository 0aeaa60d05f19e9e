package io.blocksync.nativeio;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Push-style reader of a pcap or pcapng byte stream that may arrive in pieces of any size (a pipe, a file being
 * written). Feed it with {@link #onBytes(DirectBuffer, int, int)}; it calls a {@link PacketHandler} for every packet
 * record and never allocates after construction.
 * <p>
 * This class reassembles units (file header, record, block) across chunk boundaries; the first 4 bytes choose the
 * format whose reader frames and decodes them: {@link PcapRecordReader} or {@link PcapngBlockReader}. A record that
 * arrives whole inside one call is handed over in place, from the caller's buffer; only a record split across calls
 * is gathered in a preallocated buffer of {@link #MAX_BLOCK_LENGTH} bytes. A record header that claims more than
 * that, or more than the snap length allows, is malformed beyond repair because the next record boundary cannot be
 * found: the decoder reports it once and ignores the rest of the stream until {@link #reset()}. Not thread safe.
 */
public final class PcapStreamDecoder
{
    /** Which container the stream turned out to be. */
    public enum Format
    {
        UNKNOWN, PCAP, PCAPNG
    }

    /** Largest captured length accepted in one record: 256 KiB, libpcap's largest snap length. */
    public static final int MAX_RECORD_LENGTH = 256 * 1024;

    /** Largest pcapng block accepted: a full record plus room for block fields and options. */
    public static final int MAX_BLOCK_LENGTH = MAX_RECORD_LENGTH + 4096;

    /** Bytes that tell pcap from pcapng. */
    public static final int MAGIC_LENGTH = 4;

    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    private final CaptureDelivery delivery;
    private final PcapRecordReader pcap;
    private final PcapngBlockReader pcapng;
    private final UnsafeBuffer pendingBuffer = new UnsafeBuffer(new byte[MAX_BLOCK_LENGTH]);

    private CaptureFormatReader reader;
    private Format format = Format.UNKNOWN;
    private int pendingLength;

    /**
     * @param handler receives packets and errors; called on the thread that feeds the decoder.
     */
    public PcapStreamDecoder(final PacketHandler handler)
    {
        delivery = new CaptureDelivery(handler);
        pcap = new PcapRecordReader(delivery);
        pcapng = new PcapngBlockReader(delivery);
    }

    /**
     * Consume the next bytes of the stream. Every record completed by these bytes is handed to the handler before
     * this returns; a record still incomplete is kept until more bytes arrive. After a fatal error the bytes are
     * ignored until {@link #reset()}.
     *
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes, 0 or more.
     * @return the number of packets handed to the handler, as a duty-cycle work count.
     */
    public int onBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        int delivered = 0;
        int position = offset;
        final int end = offset + length;

        while (!delivery.isStopped())
        {
            if (pendingLength > 0)
            {
                final int required = requiredLength(pendingBuffer, 0, pendingLength);
                if (required < 0)
                {
                    pendingLength = 0;
                    break;
                }

                if (pendingLength >= required)
                {
                    delivered += processUnit(pendingBuffer, 0, required);
                    pendingLength = 0;
                    continue;
                }

                if (position == end)
                {
                    break;
                }

                final int copy = Math.min(required - pendingLength, end - position);
                pendingBuffer.putBytes(pendingLength, buffer, position, copy);
                pendingLength += copy;
                position += copy;
            }
            else
            {
                final int available = end - position;
                if (0 == available)
                {
                    break;
                }

                final int required = requiredLength(buffer, position, available);
                if (required < 0)
                {
                    break;
                }

                if (required <= available)
                {
                    delivered += processUnit(buffer, position, required);
                    position += required;
                }
                else
                {
                    pendingBuffer.putBytes(0, buffer, position, available);
                    pendingLength = available;
                    position = end;
                }
            }
        }

        return delivered;
    }

    /**
     * The stream has ended (end of file, pipe closed, file rotated). A partial last record is reported through
     * {@link PacketHandler#onTruncatedPacket} when its record header is complete, otherwise through
     * {@link PacketHandler#onCaptureError}. The decoder is then {@link #reset()} for the next stream.
     *
     * @return the number of callbacks made: 0 or 1.
     */
    public int onEndOfStream()
    {
        int reported = 0;
        if (pendingLength > 0 && !delivery.isStopped())
        {
            if (null == reader)
            {
                delivery.report(DecodeError.TRUNCATED_FILE_HEADER, pendingLength, MAGIC_LENGTH);
            }
            else
            {
                reader.onIncompleteUnit(pendingBuffer, pendingLength);
            }
            reported = 1;
        }
        reset();

        return reported;
    }

    /**
     * Forget the current stream so that the next byte is the start of a new file. Counters are kept.
     */
    public void reset()
    {
        pendingLength = 0;
        reader = null;
        format = Format.UNKNOWN;
        pcap.reset();
        pcapng.reset();
        delivery.newStream();
    }

    /**
     * @return the container format, UNKNOWN until the first 4 bytes arrived.
     */
    public Format format()
    {
        return format;
    }

    /**
     * @return byte order of the pcap file or of the current pcapng section; little-endian until known.
     */
    public ByteOrder byteOrder()
    {
        return null == reader ? LITTLE_ENDIAN : reader.byteOrder();
    }

    /**
     * @return pcap: the file's link type; pcapng: the first interface's; -1 before it is known.
     */
    public int linkType()
    {
        return null == reader ? -1 : reader.linkType();
    }

    /**
     * @return pcap: the file's snap length; pcapng: the first interface's; 0 if unknown or unlimited.
     */
    public int snapLength()
    {
        return null == reader ? 0 : reader.snapLength();
    }

    /**
     * @return true after a fatal error, until {@link #reset()}.
     */
    public boolean isStopped()
    {
        return delivery.isStopped();
    }

    /**
     * @return the last error reported in any stream, {@link DecodeError#NONE} if none.
     */
    public DecodeError lastError()
    {
        return delivery.lastError();
    }

    /**
     * @return offset in the current stream of the first byte not yet part of a completed record or block.
     */
    public long streamOffset()
    {
        return delivery.streamOffset();
    }

    /**
     * @return bytes held for a record still incomplete.
     */
    public int pendingLength()
    {
        return pendingLength;
    }

    /**
     * @return complete packets handed over, over all streams.
     */
    public long packetCount()
    {
        return delivery.packetCount();
    }

    /**
     * @return truncated last records handed over, over all streams.
     */
    public long truncatedCount()
    {
        return delivery.truncatedCount();
    }

    /**
     * @return pcapng blocks of types that carry no packets, skipped silently, over all streams.
     */
    public long skippedBlockCount()
    {
        return pcapng.skippedBlockCount();
    }

    /**
     * @return errors reported through {@link PacketHandler#onCaptureError}, over all streams.
     */
    public long errorCount()
    {
        return delivery.errorCount();
    }

    private int requiredLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (null != reader)
        {
            return reader.requiredLength(buffer, offset, available);
        }

        if (available < MAGIC_LENGTH)
        {
            return MAGIC_LENGTH;
        }

        final int magic = buffer.getInt(offset, BIG_ENDIAN);
        if (PcapngBlockReader.isMagic(magic))
        {
            format = Format.PCAPNG;
            reader = pcapng;
        }
        else if (PcapRecordReader.isMagic(magic))
        {
            pcap.start(magic);
            format = Format.PCAP;
            reader = pcap;
        }
        else
        {
            return delivery.stop(DecodeError.UNKNOWN_FILE_FORMAT, magic & UINT32_MASK, 0);
        }

        return reader.requiredLength(buffer, offset, available);
    }

    private int processUnit(final DirectBuffer buffer, final int offset, final int length)
    {
        final int delivered = reader.onUnit(buffer, offset, length);
        delivery.advance(length);

        return delivered;
    }
}
