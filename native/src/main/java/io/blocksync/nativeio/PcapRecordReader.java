package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The classic pcap format: a 24-byte file header (magic, snap length, link type), then records of a 16-byte header
 * and the captured bytes. Both byte orders, microsecond and nanosecond magic, any snap length.
 */
final class PcapRecordReader implements CaptureFormatReader
{
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    public static final int MAGIC_NANOS = 0xA1B23C4D;

    /** How far a record may exceed the file's snap length before it is taken as garbage. */
    public static final int SNAP_LENGTH_SLACK = 4096;

    public static final int FILE_HEADER_LENGTH = 24;
    public static final int SNAP_LENGTH_OFFSET = 16;
    public static final int LINK_TYPE_OFFSET = 20;
    public static final int RECORD_HEADER_LENGTH = 16;
    public static final int SECONDS_OFFSET = 0;
    public static final int FRACTION_OFFSET = 4;
    public static final int CAPTURED_LENGTH_OFFSET = 8;
    public static final int ORIGINAL_LENGTH_OFFSET = 12;

    private static final int LINK_TYPE_MASK = 0x03FFFFFF;
    private static final long UINT32_MASK = 0xFFFF_FFFFL;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final CaptureDelivery delivery;

    private boolean fileHeaderRead;
    private ByteOrder byteOrder = LITTLE_ENDIAN;
    private boolean nanosecondTimestamps;
    private int linkType = -1;
    private int snapLength;
    private long recordLengthLimit = PcapStreamDecoder.MAX_RECORD_LENGTH;

    PcapRecordReader(final CaptureDelivery delivery)
    {
        this.delivery = delivery;
    }

    /**
     * @param magic the stream's first 4 bytes read big-endian.
     * @return true if they are a pcap magic in either byte order.
     */
    static boolean isMagic(final int magic)
    {
        return MAGIC_MICROS == magic || MAGIC_NANOS == magic ||
            Integer.reverseBytes(MAGIC_MICROS) == magic || Integer.reverseBytes(MAGIC_NANOS) == magic;
    }

    /**
     * Begin a file whose magic {@link #isMagic(int)} accepted; the next unit is the file header.
     *
     * @param magic the stream's first 4 bytes read big-endian.
     */
    void start(final int magic)
    {
        reset();
        final boolean bigEndian = MAGIC_MICROS == magic || MAGIC_NANOS == magic;
        byteOrder = bigEndian ? BIG_ENDIAN : LITTLE_ENDIAN;
        nanosecondTimestamps = MAGIC_NANOS == (bigEndian ? magic : Integer.reverseBytes(magic));
    }

    @Override
    public int requiredLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (!fileHeaderRead)
        {
            return FILE_HEADER_LENGTH;
        }

        if (available < RECORD_HEADER_LENGTH)
        {
            return RECORD_HEADER_LENGTH;
        }

        final long captured = buffer.getInt(offset + CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        if (captured > recordLengthLimit)
        {
            return delivery.stop(DecodeError.RECORD_LENGTH_INVALID, captured, recordLengthLimit);
        }

        return RECORD_HEADER_LENGTH + (int)captured;
    }

    @Override
    public int onUnit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!fileHeaderRead)
        {
            onFileHeader(buffer, offset);
            return 0;
        }

        final int captured = length - RECORD_HEADER_LENGTH;
        setRecord(buffer, offset, captured);

        return delivery.packet(buffer, offset + RECORD_HEADER_LENGTH, captured);
    }

    @Override
    public void onIncompleteUnit(final DirectBuffer buffer, final int length)
    {
        if (!fileHeaderRead)
        {
            delivery.report(DecodeError.TRUNCATED_FILE_HEADER, length, FILE_HEADER_LENGTH);
            return;
        }

        if (length < RECORD_HEADER_LENGTH)
        {
            delivery.report(DecodeError.TRUNCATED_RECORD_HEADER, length, RECORD_HEADER_LENGTH);
            return;
        }

        final long captured = buffer.getInt(CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        setRecord(buffer, 0, captured);
        delivery.lastPacket(buffer, RECORD_HEADER_LENGTH, length - RECORD_HEADER_LENGTH, captured);
    }

    @Override
    public void reset()
    {
        fileHeaderRead = false;
        byteOrder = LITTLE_ENDIAN;
        nanosecondTimestamps = false;
        linkType = -1;
        snapLength = 0;
        recordLengthLimit = PcapStreamDecoder.MAX_RECORD_LENGTH;
    }

    @Override
    public ByteOrder byteOrder()
    {
        return byteOrder;
    }

    @Override
    public int linkType()
    {
        return linkType;
    }

    @Override
    public int snapLength()
    {
        return snapLength;
    }

    private void onFileHeader(final DirectBuffer buffer, final int offset)
    {
        snapLength = buffer.getInt(offset + SNAP_LENGTH_OFFSET, byteOrder);
        linkType = buffer.getInt(offset + LINK_TYPE_OFFSET, byteOrder) & LINK_TYPE_MASK;
        // Writers put 0 or nonsense here at times; only a plausible snap length narrows the record limit.
        recordLengthLimit = snapLength <= 0 || snapLength > PcapStreamDecoder.MAX_RECORD_LENGTH - SNAP_LENGTH_SLACK ?
            PcapStreamDecoder.MAX_RECORD_LENGTH : snapLength + SNAP_LENGTH_SLACK;
        fileHeaderRead = true;
    }

    private void setRecord(final DirectBuffer buffer, final int offset, final long captured)
    {
        final long seconds = buffer.getInt(offset + SECONDS_OFFSET, byteOrder) & UINT32_MASK;
        final long fraction = buffer.getInt(offset + FRACTION_OFFSET, byteOrder) & UINT32_MASK;
        final long nanos = seconds * NANOS_PER_SECOND + (nanosecondTimestamps ? fraction : fraction * 1000);
        final long original = buffer.getInt(offset + ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        delivery.nextRecord().link(linkType, byteOrder, 0).packet(nanos, captured, original);
    }
}
