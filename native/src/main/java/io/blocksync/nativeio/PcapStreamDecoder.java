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
 * A record that arrives whole inside one call is handed over in place, from the caller's buffer; only a record
 * split across calls is gathered in a preallocated buffer of {@link #MAX_BLOCK_LENGTH} bytes. A record header that
 * claims more than that, or more than the snap length allows, is malformed beyond repair because the next record
 * boundary cannot be found: the decoder reports it once and ignores the rest of the stream until {@link #reset()}.
 * <p>
 * pcap: both byte orders, microsecond and nanosecond magic, any snap length, link type from the file header.
 * pcapng: every section's byte order; interface description blocks give each interface's link type, snap length
 * and timestamp resolution; enhanced, simple and obsolete packet blocks carry packets; other block types are
 * skipped. Not thread safe.
 */
public final class PcapStreamDecoder
{
    /** Which container the stream turned out to be. */
    public enum Format
    {
        UNKNOWN, PCAP, PCAPNG
    }

    public static final int PCAP_MAGIC_MICROS = 0xA1B2C3D4;
    public static final int PCAP_MAGIC_NANOS = 0xA1B23C4D;
    public static final int PCAPNG_SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    public static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    public static final int PCAPNG_INTERFACE_DESCRIPTION_BLOCK = 1;
    public static final int PCAPNG_OBSOLETE_PACKET_BLOCK = 2;
    public static final int PCAPNG_SIMPLE_PACKET_BLOCK = 3;
    public static final int PCAPNG_ENHANCED_PACKET_BLOCK = 6;

    /** Largest captured length accepted in one record: 256 KiB, libpcap's largest snap length. */
    public static final int MAX_RECORD_LENGTH = 256 * 1024;

    /** How far a pcap record may exceed the file's snap length before it is taken as garbage. */
    public static final int SNAP_LENGTH_SLACK = 4096;

    /** Largest pcapng block accepted: a full record plus room for block fields and options. */
    public static final int MAX_BLOCK_LENGTH = MAX_RECORD_LENGTH + 4096;

    /** Interfaces remembered per pcapng section; packets on later ones are skipped and reported. */
    public static final int MAX_INTERFACES = 64;

    public static final int MAGIC_LENGTH = 4;
    public static final int PCAP_FILE_HEADER_LENGTH = 24;
    public static final int PCAP_SNAP_LENGTH_OFFSET = 16;
    public static final int PCAP_LINK_TYPE_OFFSET = 20;
    public static final int PCAP_RECORD_HEADER_LENGTH = 16;
    public static final int PCAP_SECONDS_OFFSET = 0;
    public static final int PCAP_FRACTION_OFFSET = 4;
    public static final int PCAP_CAPTURED_LENGTH_OFFSET = 8;
    public static final int PCAP_ORIGINAL_LENGTH_OFFSET = 12;

    public static final int BLOCK_TYPE_OFFSET = 0;
    public static final int BLOCK_LENGTH_OFFSET = 4;
    public static final int BLOCK_HEADER_LENGTH = 8;
    public static final int BLOCK_TRAILER_LENGTH = 4;
    public static final int MIN_BLOCK_LENGTH = BLOCK_HEADER_LENGTH + BLOCK_TRAILER_LENGTH;

    public static final int SHB_BYTE_ORDER_MAGIC_OFFSET = 8;
    public static final int SHB_MAJOR_VERSION_OFFSET = 12;
    public static final int SHB_MIN_LENGTH = 28;
    public static final int PCAPNG_MAJOR_VERSION = 1;

    public static final int IDB_LINK_TYPE_OFFSET = 8;
    public static final int IDB_SNAP_LENGTH_OFFSET = 12;
    public static final int IDB_OPTIONS_OFFSET = 16;
    public static final int IDB_MIN_LENGTH = 20;
    public static final int OPTION_END = 0;
    public static final int OPTION_IF_TSRESOL = 9;
    public static final int OPTION_IF_TSOFFSET = 14;

    public static final int EPB_INTERFACE_OFFSET = 8;
    public static final int EPB_TIMESTAMP_HIGH_OFFSET = 12;
    public static final int EPB_TIMESTAMP_LOW_OFFSET = 16;
    public static final int EPB_CAPTURED_LENGTH_OFFSET = 20;
    public static final int EPB_ORIGINAL_LENGTH_OFFSET = 24;
    public static final int EPB_DATA_OFFSET = 28;
    public static final int EPB_MIN_LENGTH = EPB_DATA_OFFSET + BLOCK_TRAILER_LENGTH;

    public static final int SPB_ORIGINAL_LENGTH_OFFSET = 8;
    public static final int SPB_DATA_OFFSET = 12;
    public static final int SPB_MIN_LENGTH = SPB_DATA_OFFSET + BLOCK_TRAILER_LENGTH;

    private static final int DEFAULT_TIMESTAMP_RESOLUTION = 6;
    private static final int LINK_TYPE_MASK = 0x03FFFFFF;
    private static final long UINT32_MASK = 0xFFFF_FFFFL;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L };

    private static final int PHASE_START = 0;
    private static final int PHASE_FILE_HEADER = 1;
    private static final int PHASE_RECORDS = 2;
    private static final int PHASE_STOPPED = 3;

    private final PacketHandler handler;
    private final CaptureRecord record = new CaptureRecord();
    private final UnsafeBuffer pendingBuffer = new UnsafeBuffer(new byte[MAX_BLOCK_LENGTH]);
    private final int[] interfaceLinkType = new int[MAX_INTERFACES];
    private final int[] interfaceSnapLength = new int[MAX_INTERFACES];
    private final int[] interfaceTimestampResolution = new int[MAX_INTERFACES];
    private final long[] interfaceTimestampOffsetSeconds = new long[MAX_INTERFACES];

    private int pendingLength;
    private int phase = PHASE_START;
    private Format format = Format.UNKNOWN;
    private ByteOrder byteOrder = LITTLE_ENDIAN;
    private boolean nanosecondTimestamps;
    private int linkType = -1;
    private int snapLength;
    private long recordLengthLimit = MAX_RECORD_LENGTH;
    private int interfaceCount;
    private long streamOffset;
    private long recordIndex;
    private DecodeError lastError = DecodeError.NONE;

    private long packetCount;
    private long truncatedCount;
    private long skippedBlockCount;
    private long errorCount;

    /**
     * @param handler receives packets and errors; called on the thread that feeds the decoder.
     */
    public PcapStreamDecoder(final PacketHandler handler)
    {
        this.handler = handler;
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

        while (PHASE_STOPPED != phase)
        {
            if (pendingLength > 0)
            {
                final int required = requiredLength(pendingBuffer, 0, pendingLength);
                if (required < 0)
                {
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
        if (pendingLength > 0 && PHASE_STOPPED != phase)
        {
            reportIncompleteUnit();
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
        phase = PHASE_START;
        format = Format.UNKNOWN;
        byteOrder = LITTLE_ENDIAN;
        nanosecondTimestamps = false;
        linkType = -1;
        snapLength = 0;
        recordLengthLimit = MAX_RECORD_LENGTH;
        interfaceCount = 0;
        streamOffset = 0;
        recordIndex = 0;
    }

    /**
     * @return the container format, UNKNOWN until the first 4 bytes arrived.
     */
    public Format format()
    {
        return format;
    }

    /**
     * @return byte order of the pcap file or of the current pcapng section.
     */
    public ByteOrder byteOrder()
    {
        return byteOrder;
    }

    /**
     * @return pcap: the file's link type; pcapng: the first interface's; -1 before it is known.
     */
    public int linkType()
    {
        if (Format.PCAPNG == format)
        {
            return interfaceCount > 0 ? interfaceLinkType[0] : -1;
        }

        return linkType;
    }

    /**
     * @return pcap: the file's snap length; pcapng: the first interface's; 0 if unknown or unlimited.
     */
    public int snapLength()
    {
        if (Format.PCAPNG == format)
        {
            return interfaceCount > 0 ? interfaceSnapLength[0] : 0;
        }

        return snapLength;
    }

    /**
     * @return true after a fatal error, until {@link #reset()}.
     */
    public boolean isStopped()
    {
        return PHASE_STOPPED == phase;
    }

    /**
     * @return the last error reported in any stream, {@link DecodeError#NONE} if none.
     */
    public DecodeError lastError()
    {
        return lastError;
    }

    /**
     * @return offset in the current stream of the first byte not yet part of a completed record or block.
     */
    public long streamOffset()
    {
        return streamOffset;
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
        return packetCount;
    }

    /**
     * @return truncated last records handed over, over all streams.
     */
    public long truncatedCount()
    {
        return truncatedCount;
    }

    /**
     * @return pcapng blocks of types that carry no packets, skipped silently, over all streams.
     */
    public long skippedBlockCount()
    {
        return skippedBlockCount;
    }

    /**
     * @return errors reported through {@link PacketHandler#onCaptureError}, over all streams.
     */
    public long errorCount()
    {
        return errorCount;
    }

    /**
     * Convert a pcapng timestamp to nanoseconds since the epoch.
     *
     * @param timestamp     in units of the resolution.
     * @param resolution    the if_tsresol byte: top bit clear for 10^-n seconds, set for 2^-n seconds.
     * @param offsetSeconds the if_tsoffset value.
     * @return nanoseconds since the epoch.
     */
    public static long pcapngTimestampNanos(final long timestamp, final int resolution, final long offsetSeconds)
    {
        final int exponent = resolution & 0x7F;
        final long nanos;
        if (0 == (resolution & 0x80))
        {
            if (exponent <= 9)
            {
                nanos = timestamp * POWERS_OF_TEN[9 - exponent];
            }
            else if (exponent - 9 < POWERS_OF_TEN.length)
            {
                nanos = Long.divideUnsigned(timestamp, POWERS_OF_TEN[exponent - 9]);
            }
            else
            {
                nanos = 0;
            }
        }
        else if (exponent >= Long.SIZE)
        {
            nanos = 0;
        }
        else
        {
            final long seconds = timestamp >>> exponent;
            final long fraction = timestamp & ((1L << exponent) - 1);
            // A 30-bit factor keeps fraction * 10^9 inside 64 bits up to 2^-33 resolution.
            final long fractionNanos = exponent <= 33 ?
                (fraction * NANOS_PER_SECOND) >>> exponent :
                (long)Math.scalb((double)fraction * NANOS_PER_SECOND, -exponent);
            nanos = seconds * NANOS_PER_SECOND + fractionNanos;
        }

        return nanos + offsetSeconds * NANOS_PER_SECOND;
    }

    /**
     * @return bytes the unit starting at offset needs in total, as far as the bytes present tell; -1 if the
     * stream was stopped.
     */
    private int requiredLength(final DirectBuffer buffer, final int offset, final int available)
    {
        switch (phase)
        {
            case PHASE_START:
                return requiredStartLength(buffer, offset, available);

            case PHASE_FILE_HEADER:
                return PCAP_FILE_HEADER_LENGTH;

            case PHASE_RECORDS:
                return Format.PCAP == format ?
                    requiredRecordLength(buffer, offset, available) :
                    requiredBlockLength(buffer, offset, available);

            default:
                return -1;
        }
    }

    private int requiredStartLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < MAGIC_LENGTH)
        {
            return MAGIC_LENGTH;
        }

        final int magic = buffer.getInt(offset, BIG_ENDIAN);
        if (PCAPNG_SECTION_HEADER_BLOCK == magic)
        {
            format = Format.PCAPNG;
            phase = PHASE_RECORDS;
            return requiredBlockLength(buffer, offset, available);
        }

        if (PCAP_MAGIC_MICROS == magic || PCAP_MAGIC_NANOS == magic)
        {
            byteOrder = BIG_ENDIAN;
        }
        else if (Integer.reverseBytes(PCAP_MAGIC_MICROS) == magic || Integer.reverseBytes(PCAP_MAGIC_NANOS) == magic)
        {
            byteOrder = LITTLE_ENDIAN;
        }
        else
        {
            return stop(DecodeError.UNKNOWN_FILE_FORMAT, magic & UINT32_MASK, 0);
        }

        nanosecondTimestamps = PCAP_MAGIC_NANOS == buffer.getInt(offset, byteOrder);
        format = Format.PCAP;
        phase = PHASE_FILE_HEADER;

        return PCAP_FILE_HEADER_LENGTH;
    }

    private int requiredRecordLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < PCAP_RECORD_HEADER_LENGTH)
        {
            return PCAP_RECORD_HEADER_LENGTH;
        }

        final long captured = buffer.getInt(offset + PCAP_CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        if (captured > recordLengthLimit)
        {
            return stop(DecodeError.RECORD_LENGTH_INVALID, captured, recordLengthLimit);
        }

        return PCAP_RECORD_HEADER_LENGTH + (int)captured;
    }

    private int requiredBlockLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < BLOCK_HEADER_LENGTH)
        {
            return BLOCK_HEADER_LENGTH;
        }

        ByteOrder order = byteOrder;
        if (PCAPNG_SECTION_HEADER_BLOCK == buffer.getInt(offset + BLOCK_TYPE_OFFSET, BIG_ENDIAN))
        {
            // A new section may change the byte order, and its own length is written in the new order.
            if (available < SHB_BYTE_ORDER_MAGIC_OFFSET + 4)
            {
                return SHB_BYTE_ORDER_MAGIC_OFFSET + 4;
            }

            order = sectionByteOrder(buffer, offset);
            if (null == order)
            {
                return stop(
                    DecodeError.PCAPNG_BYTE_ORDER_MAGIC_INVALID,
                    buffer.getInt(offset + SHB_BYTE_ORDER_MAGIC_OFFSET, BIG_ENDIAN) & UINT32_MASK,
                    PCAPNG_BYTE_ORDER_MAGIC);
            }
        }

        final long blockLength = buffer.getInt(offset + BLOCK_LENGTH_OFFSET, order) & UINT32_MASK;
        if (blockLength < MIN_BLOCK_LENGTH || 0 != (blockLength & 3) || blockLength > MAX_BLOCK_LENGTH)
        {
            return stop(DecodeError.BLOCK_LENGTH_INVALID, blockLength, MAX_BLOCK_LENGTH);
        }

        return (int)blockLength;
    }

    private static ByteOrder sectionByteOrder(final DirectBuffer buffer, final int offset)
    {
        final int magic = buffer.getInt(offset + SHB_BYTE_ORDER_MAGIC_OFFSET, BIG_ENDIAN);
        if (PCAPNG_BYTE_ORDER_MAGIC == magic)
        {
            return BIG_ENDIAN;
        }

        if (Integer.reverseBytes(PCAPNG_BYTE_ORDER_MAGIC) == magic)
        {
            return LITTLE_ENDIAN;
        }

        return null;
    }

    private int processUnit(final DirectBuffer buffer, final int offset, final int length)
    {
        int delivered = 0;
        if (PHASE_FILE_HEADER == phase)
        {
            onFileHeader(buffer, offset);
        }
        else if (PHASE_RECORDS == phase)
        {
            delivered = Format.PCAP == format ? onRecord(buffer, offset, length) : onBlock(buffer, offset, length);
        }
        streamOffset += length;

        return delivered;
    }

    private void onFileHeader(final DirectBuffer buffer, final int offset)
    {
        snapLength = buffer.getInt(offset + PCAP_SNAP_LENGTH_OFFSET, byteOrder);
        linkType = buffer.getInt(offset + PCAP_LINK_TYPE_OFFSET, byteOrder) & LINK_TYPE_MASK;
        // Writers put 0 or nonsense here at times; only a plausible snap length narrows the record limit.
        recordLengthLimit = snapLength <= 0 || snapLength > MAX_RECORD_LENGTH - SNAP_LENGTH_SLACK ?
            MAX_RECORD_LENGTH : snapLength + SNAP_LENGTH_SLACK;
        phase = PHASE_RECORDS;
    }

    private int onRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        final int captured = length - PCAP_RECORD_HEADER_LENGTH;
        setPcapRecord(buffer, offset, captured);
        packetCount++;
        handler.onPacket(buffer, offset + PCAP_RECORD_HEADER_LENGTH, captured, record);

        return 1;
    }

    private void setPcapRecord(final DirectBuffer buffer, final int offset, final long captured)
    {
        final long seconds = buffer.getInt(offset + PCAP_SECONDS_OFFSET, byteOrder) & UINT32_MASK;
        final long fraction = buffer.getInt(offset + PCAP_FRACTION_OFFSET, byteOrder) & UINT32_MASK;
        final long nanos = seconds * NANOS_PER_SECOND + (nanosecondTimestamps ? fraction : fraction * 1000);
        final long original = buffer.getInt(offset + PCAP_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        record.set(linkType, byteOrder, nanos, captured, original, streamOffset, ++recordIndex, 0);
    }

    private int onBlock(final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean sectionHeader = PCAPNG_SECTION_HEADER_BLOCK == buffer.getInt(offset, BIG_ENDIAN);
        if (sectionHeader)
        {
            // Validated when the length was read.
            byteOrder = sectionByteOrder(buffer, offset);
        }

        final long trailer = buffer.getInt(offset + length - BLOCK_TRAILER_LENGTH, byteOrder) & UINT32_MASK;
        if (trailer != length)
        {
            stop(DecodeError.BLOCK_TRAILER_MISMATCH, trailer, length);
            return 0;
        }

        if (sectionHeader)
        {
            onSectionHeader(buffer, offset, length);
            return 0;
        }

        switch (buffer.getInt(offset + BLOCK_TYPE_OFFSET, byteOrder))
        {
            case PCAPNG_INTERFACE_DESCRIPTION_BLOCK:
                onInterfaceDescription(buffer, offset, length);
                return 0;

            case PCAPNG_ENHANCED_PACKET_BLOCK:
                return onEnhancedPacket(buffer, offset, length, false);

            case PCAPNG_OBSOLETE_PACKET_BLOCK:
                return onEnhancedPacket(buffer, offset, length, true);

            case PCAPNG_SIMPLE_PACKET_BLOCK:
                return onSimplePacket(buffer, offset, length);

            default:
                skippedBlockCount++;
                return 0;
        }
    }

    private void onSectionHeader(final DirectBuffer buffer, final int offset, final int length)
    {
        interfaceCount = 0;
        if (length < SHB_MIN_LENGTH)
        {
            report(DecodeError.BLOCK_TOO_SHORT, length, SHB_MIN_LENGTH);
            return;
        }

        final int major = buffer.getShort(offset + SHB_MAJOR_VERSION_OFFSET, byteOrder) & 0xFFFF;
        if (PCAPNG_MAJOR_VERSION != major)
        {
            stop(DecodeError.PCAPNG_VERSION_UNSUPPORTED, major, PCAPNG_MAJOR_VERSION);
        }
    }

    private void onInterfaceDescription(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < IDB_MIN_LENGTH)
        {
            report(DecodeError.BLOCK_TOO_SHORT, length, IDB_MIN_LENGTH);
            return;
        }

        if (MAX_INTERFACES == interfaceCount)
        {
            report(DecodeError.TOO_MANY_INTERFACES, interfaceCount + 1, MAX_INTERFACES);
            return;
        }

        final int id = interfaceCount++;
        interfaceLinkType[id] = buffer.getShort(offset + IDB_LINK_TYPE_OFFSET, byteOrder) & 0xFFFF;
        interfaceSnapLength[id] = buffer.getInt(offset + IDB_SNAP_LENGTH_OFFSET, byteOrder);
        interfaceTimestampResolution[id] = DEFAULT_TIMESTAMP_RESOLUTION;
        interfaceTimestampOffsetSeconds[id] = 0;

        int position = offset + IDB_OPTIONS_OFFSET;
        final int end = offset + length - BLOCK_TRAILER_LENGTH;
        while (position + 4 <= end)
        {
            final int code = buffer.getShort(position, byteOrder) & 0xFFFF;
            final int optionLength = buffer.getShort(position + 2, byteOrder) & 0xFFFF;
            // A broken option list only costs the defaults; the block framing is intact.
            if (OPTION_END == code || position + 4 + optionLength > end)
            {
                break;
            }

            if (OPTION_IF_TSRESOL == code && optionLength >= 1)
            {
                interfaceTimestampResolution[id] = buffer.getByte(position + 4) & 0xFF;
            }
            else if (OPTION_IF_TSOFFSET == code && optionLength >= 8)
            {
                interfaceTimestampOffsetSeconds[id] = buffer.getLong(position + 4, byteOrder);
            }
            position += 4 + ((optionLength + 3) & ~3);
        }
    }

    private int onEnhancedPacket(final DirectBuffer buffer, final int offset, final int length, final boolean obsolete)
    {
        if (length < EPB_MIN_LENGTH)
        {
            report(DecodeError.BLOCK_TOO_SHORT, length, EPB_MIN_LENGTH);
            return 0;
        }

        final long interfaceId = obsolete ?
            buffer.getShort(offset + EPB_INTERFACE_OFFSET, byteOrder) & 0xFFFF :
            buffer.getInt(offset + EPB_INTERFACE_OFFSET, byteOrder) & UINT32_MASK;
        if (interfaceId >= interfaceCount)
        {
            report(DecodeError.UNKNOWN_INTERFACE, interfaceId, interfaceCount);
            return 0;
        }

        final long captured = buffer.getInt(offset + EPB_CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        final int room = length - EPB_MIN_LENGTH;
        if (captured > room)
        {
            report(DecodeError.PACKET_EXCEEDS_BLOCK, captured, room);
            return 0;
        }

        setEnhancedRecord(buffer, offset, (int)interfaceId, captured);
        packetCount++;
        handler.onPacket(buffer, offset + EPB_DATA_OFFSET, (int)captured, record);

        return 1;
    }

    private void setEnhancedRecord(final DirectBuffer buffer, final int offset, final int id, final long captured)
    {
        final long timestamp = ((long)buffer.getInt(offset + EPB_TIMESTAMP_HIGH_OFFSET, byteOrder) << 32) |
            (buffer.getInt(offset + EPB_TIMESTAMP_LOW_OFFSET, byteOrder) & UINT32_MASK);
        final long nanos = pcapngTimestampNanos(
            timestamp, interfaceTimestampResolution[id], interfaceTimestampOffsetSeconds[id]);
        final long original = buffer.getInt(offset + EPB_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        record.set(interfaceLinkType[id], byteOrder, nanos, captured, original, streamOffset, ++recordIndex, id);
    }

    private int onSimplePacket(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < SPB_MIN_LENGTH)
        {
            report(DecodeError.BLOCK_TOO_SHORT, length, SPB_MIN_LENGTH);
            return 0;
        }

        if (0 == interfaceCount)
        {
            report(DecodeError.UNKNOWN_INTERFACE, 0, 0);
            return 0;
        }

        final long original = buffer.getInt(offset + SPB_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        final long captured = simpleCapturedLength(original, length - SPB_MIN_LENGTH);
        record.set(interfaceLinkType[0], byteOrder, 0, captured, original, streamOffset, ++recordIndex, 0);
        packetCount++;
        handler.onPacket(buffer, offset + SPB_DATA_OFFSET, (int)captured, record);

        return 1;
    }

    /**
     * A simple packet block holds the packet up to the interface's snap length, padded to 4 bytes.
     */
    private long simpleCapturedLength(final long original, final int room)
    {
        long captured = Math.min(original, room);
        final int snap = interfaceSnapLength[0];
        if (snap > 0)
        {
            captured = Math.min(captured, snap);
        }

        return captured;
    }

    private void reportIncompleteUnit()
    {
        if (PHASE_RECORDS != phase)
        {
            report(DecodeError.TRUNCATED_FILE_HEADER, pendingLength,
                Format.PCAP == format ? PCAP_FILE_HEADER_LENGTH : MAGIC_LENGTH);
        }
        else if (Format.PCAP == format)
        {
            reportIncompleteRecord();
        }
        else
        {
            reportIncompleteBlock();
        }
    }

    private void reportIncompleteRecord()
    {
        if (pendingLength < PCAP_RECORD_HEADER_LENGTH)
        {
            report(DecodeError.TRUNCATED_RECORD_HEADER, pendingLength, PCAP_RECORD_HEADER_LENGTH);
            return;
        }

        final long captured = pendingBuffer.getInt(PCAP_CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        setPcapRecord(pendingBuffer, 0, captured);
        deliverTruncated(PCAP_RECORD_HEADER_LENGTH, pendingLength - PCAP_RECORD_HEADER_LENGTH, captured);
    }

    private void reportIncompleteBlock()
    {
        final int type = pendingLength >= 4 ? pendingBuffer.getInt(BLOCK_TYPE_OFFSET, byteOrder) : -1;
        final boolean enhanced = PCAPNG_ENHANCED_PACKET_BLOCK == type || PCAPNG_OBSOLETE_PACKET_BLOCK == type;
        if (enhanced && pendingLength >= EPB_DATA_OFFSET)
        {
            final long interfaceId = PCAPNG_OBSOLETE_PACKET_BLOCK == type ?
                pendingBuffer.getShort(EPB_INTERFACE_OFFSET, byteOrder) & 0xFFFF :
                pendingBuffer.getInt(EPB_INTERFACE_OFFSET, byteOrder) & UINT32_MASK;
            if (interfaceId < interfaceCount)
            {
                final long captured = pendingBuffer.getInt(EPB_CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
                setEnhancedRecord(pendingBuffer, 0, (int)interfaceId, captured);
                deliverTruncated(EPB_DATA_OFFSET, (int)Math.min(captured, pendingLength - EPB_DATA_OFFSET), captured);
                return;
            }
        }

        if (PCAPNG_SIMPLE_PACKET_BLOCK == type && pendingLength >= SPB_DATA_OFFSET && interfaceCount > 0)
        {
            final long original = pendingBuffer.getInt(SPB_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
            final long captured = simpleCapturedLength(original, MAX_BLOCK_LENGTH);
            record.set(interfaceLinkType[0], byteOrder, 0, captured, original, streamOffset, ++recordIndex, 0);
            deliverTruncated(SPB_DATA_OFFSET, (int)Math.min(captured, pendingLength - SPB_DATA_OFFSET), captured);
            return;
        }

        final long blockLength = pendingLength >= BLOCK_HEADER_LENGTH ?
            pendingBuffer.getInt(BLOCK_LENGTH_OFFSET, byteOrder) & UINT32_MASK : BLOCK_HEADER_LENGTH;
        report(DecodeError.TRUNCATED_BLOCK, pendingLength, blockLength);
    }

    /**
     * A last record whose packet bytes are all present lost only its block trailer or options: it is whole.
     */
    private void deliverTruncated(final int dataOffset, final int present, final long captured)
    {
        if (present >= captured)
        {
            packetCount++;
            handler.onPacket(pendingBuffer, dataOffset, present, record);
        }
        else
        {
            truncatedCount++;
            handler.onTruncatedPacket(pendingBuffer, dataOffset, present, record);
        }
    }

    private void report(final DecodeError error, final long value, final long limit)
    {
        errorCount++;
        lastError = error;
        handler.onCaptureError(error, streamOffset, value, limit);
    }

    private int stop(final DecodeError error, final long value, final long limit)
    {
        phase = PHASE_STOPPED;
        pendingLength = 0;
        report(error, value, limit);

        return -1;
    }
}
