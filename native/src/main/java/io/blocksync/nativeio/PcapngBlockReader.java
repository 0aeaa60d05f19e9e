package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The pcapng format: blocks of type, length, body and trailing length. Every section's byte order; interface
 * description blocks give each interface's link type, snap length and timestamp resolution; enhanced, simple and
 * obsolete packet blocks carry packets; other block types are skipped.
 */
final class PcapngBlockReader implements CaptureFormatReader
{
    public static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    public static final int INTERFACE_DESCRIPTION_BLOCK = 1;
    public static final int OBSOLETE_PACKET_BLOCK = 2;
    public static final int SIMPLE_PACKET_BLOCK = 3;
    public static final int ENHANCED_PACKET_BLOCK = 6;

    /** Interfaces remembered per section; packets on later ones are skipped and reported. */
    public static final int MAX_INTERFACES = 64;

    public static final int BLOCK_TYPE_OFFSET = 0;
    public static final int BLOCK_LENGTH_OFFSET = 4;
    public static final int BLOCK_HEADER_LENGTH = 8;
    public static final int BLOCK_TRAILER_LENGTH = 4;
    public static final int MIN_BLOCK_LENGTH = BLOCK_HEADER_LENGTH + BLOCK_TRAILER_LENGTH;

    public static final int SHB_BYTE_ORDER_MAGIC_OFFSET = 8;
    public static final int SHB_MAJOR_VERSION_OFFSET = 12;
    public static final int SHB_MIN_LENGTH = 28;
    public static final int MAJOR_VERSION = 1;

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

    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    private final CaptureDelivery delivery;
    private final int[] interfaceLinkType = new int[MAX_INTERFACES];
    private final int[] interfaceSnapLength = new int[MAX_INTERFACES];
    private final int[] interfaceTimestampResolution = new int[MAX_INTERFACES];
    private final long[] interfaceTimestampOffsetSeconds = new long[MAX_INTERFACES];

    private ByteOrder byteOrder = LITTLE_ENDIAN;
    private int interfaceCount;
    private long skippedBlockCount;

    PcapngBlockReader(final CaptureDelivery delivery)
    {
        this.delivery = delivery;
    }

    /**
     * @param magic the stream's first 4 bytes read big-endian.
     * @return true if they open a section header block, the first block of every pcapng file.
     */
    static boolean isMagic(final int magic)
    {
        return SECTION_HEADER_BLOCK == magic;
    }

    @Override
    public int requiredLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < BLOCK_HEADER_LENGTH)
        {
            return BLOCK_HEADER_LENGTH;
        }

        ByteOrder order = byteOrder;
        if (SECTION_HEADER_BLOCK == buffer.getInt(offset + BLOCK_TYPE_OFFSET, BIG_ENDIAN))
        {
            // A new section may change the byte order, and its own length is written in the new order.
            if (available < SHB_BYTE_ORDER_MAGIC_OFFSET + 4)
            {
                return SHB_BYTE_ORDER_MAGIC_OFFSET + 4;
            }

            order = sectionByteOrder(buffer, offset);
            if (null == order)
            {
                return delivery.stop(
                    DecodeError.PCAPNG_BYTE_ORDER_MAGIC_INVALID,
                    buffer.getInt(offset + SHB_BYTE_ORDER_MAGIC_OFFSET, BIG_ENDIAN) & UINT32_MASK,
                    BYTE_ORDER_MAGIC);
            }
        }

        final long blockLength = buffer.getInt(offset + BLOCK_LENGTH_OFFSET, order) & UINT32_MASK;
        if (blockLength < MIN_BLOCK_LENGTH || 0 != (blockLength & 3) ||
            blockLength > PcapStreamDecoder.MAX_BLOCK_LENGTH)
        {
            return delivery.stop(DecodeError.BLOCK_LENGTH_INVALID, blockLength, PcapStreamDecoder.MAX_BLOCK_LENGTH);
        }

        return (int)blockLength;
    }

    @Override
    public int onUnit(final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean sectionHeader = SECTION_HEADER_BLOCK == buffer.getInt(offset, BIG_ENDIAN);
        if (sectionHeader)
        {
            // Validated when the length was read.
            byteOrder = sectionByteOrder(buffer, offset);
        }

        final long trailer = buffer.getInt(offset + length - BLOCK_TRAILER_LENGTH, byteOrder) & UINT32_MASK;
        if (trailer != length)
        {
            delivery.stop(DecodeError.BLOCK_TRAILER_MISMATCH, trailer, length);
            return 0;
        }

        if (sectionHeader)
        {
            onSectionHeader(buffer, offset, length);
            return 0;
        }

        switch (buffer.getInt(offset + BLOCK_TYPE_OFFSET, byteOrder))
        {
            case INTERFACE_DESCRIPTION_BLOCK:
                onInterfaceDescription(buffer, offset, length);
                return 0;

            case ENHANCED_PACKET_BLOCK:
                return onEnhancedPacket(buffer, offset, length, false);

            case OBSOLETE_PACKET_BLOCK:
                return onEnhancedPacket(buffer, offset, length, true);

            case SIMPLE_PACKET_BLOCK:
                return onSimplePacket(buffer, offset, length);

            default:
                skippedBlockCount++;
                return 0;
        }
    }

    @Override
    public void onIncompleteUnit(final DirectBuffer buffer, final int length)
    {
        final int type = length >= 4 ? buffer.getInt(BLOCK_TYPE_OFFSET, byteOrder) : -1;
        final boolean enhanced = ENHANCED_PACKET_BLOCK == type || OBSOLETE_PACKET_BLOCK == type;
        if (enhanced && length >= EPB_DATA_OFFSET)
        {
            final long interfaceId = interfaceId(buffer, 0, OBSOLETE_PACKET_BLOCK == type);
            if (interfaceId < interfaceCount)
            {
                final long captured = buffer.getInt(EPB_CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
                setEnhancedRecord(buffer, 0, (int)interfaceId, captured);
                final int present = (int)Math.min(captured, length - EPB_DATA_OFFSET);
                delivery.lastPacket(buffer, EPB_DATA_OFFSET, present, captured);
                return;
            }
        }

        if (SIMPLE_PACKET_BLOCK == type && length >= SPB_DATA_OFFSET && interfaceCount > 0)
        {
            final long original = buffer.getInt(SPB_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
            final long captured = simpleCapturedLength(original, PcapStreamDecoder.MAX_BLOCK_LENGTH);
            delivery.nextRecord().link(interfaceLinkType[0], byteOrder, 0).packet(0, captured, original);
            delivery.lastPacket(buffer, SPB_DATA_OFFSET, (int)Math.min(captured, length - SPB_DATA_OFFSET), captured);
            return;
        }

        final long blockLength = length >= BLOCK_HEADER_LENGTH ?
            buffer.getInt(BLOCK_LENGTH_OFFSET, byteOrder) & UINT32_MASK : BLOCK_HEADER_LENGTH;
        delivery.report(DecodeError.TRUNCATED_BLOCK, length, blockLength);
    }

    @Override
    public void reset()
    {
        byteOrder = LITTLE_ENDIAN;
        interfaceCount = 0;
    }

    @Override
    public ByteOrder byteOrder()
    {
        return byteOrder;
    }

    @Override
    public int linkType()
    {
        return interfaceCount > 0 ? interfaceLinkType[0] : -1;
    }

    @Override
    public int snapLength()
    {
        return interfaceCount > 0 ? interfaceSnapLength[0] : 0;
    }

    /**
     * @return blocks of types that carry no packets, skipped silently, over all streams.
     */
    long skippedBlockCount()
    {
        return skippedBlockCount;
    }

    private static ByteOrder sectionByteOrder(final DirectBuffer buffer, final int offset)
    {
        final int magic = buffer.getInt(offset + SHB_BYTE_ORDER_MAGIC_OFFSET, BIG_ENDIAN);
        if (BYTE_ORDER_MAGIC == magic)
        {
            return BIG_ENDIAN;
        }

        if (Integer.reverseBytes(BYTE_ORDER_MAGIC) == magic)
        {
            return LITTLE_ENDIAN;
        }

        return null;
    }

    private void onSectionHeader(final DirectBuffer buffer, final int offset, final int length)
    {
        interfaceCount = 0;
        if (length < SHB_MIN_LENGTH)
        {
            delivery.report(DecodeError.BLOCK_TOO_SHORT, length, SHB_MIN_LENGTH);
            return;
        }

        final int major = buffer.getShort(offset + SHB_MAJOR_VERSION_OFFSET, byteOrder) & 0xFFFF;
        if (MAJOR_VERSION != major)
        {
            delivery.stop(DecodeError.PCAPNG_VERSION_UNSUPPORTED, major, MAJOR_VERSION);
        }
    }

    private void onInterfaceDescription(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < IDB_MIN_LENGTH)
        {
            delivery.report(DecodeError.BLOCK_TOO_SHORT, length, IDB_MIN_LENGTH);
            return;
        }

        if (MAX_INTERFACES == interfaceCount)
        {
            delivery.report(DecodeError.TOO_MANY_INTERFACES, interfaceCount + 1, MAX_INTERFACES);
            return;
        }

        final int id = interfaceCount++;
        interfaceLinkType[id] = buffer.getShort(offset + IDB_LINK_TYPE_OFFSET, byteOrder) & 0xFFFF;
        interfaceSnapLength[id] = buffer.getInt(offset + IDB_SNAP_LENGTH_OFFSET, byteOrder);
        interfaceTimestampResolution[id] = PcapngTimestamps.DEFAULT_RESOLUTION;
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
            delivery.report(DecodeError.BLOCK_TOO_SHORT, length, EPB_MIN_LENGTH);
            return 0;
        }

        final long interfaceId = interfaceId(buffer, offset, obsolete);
        if (interfaceId >= interfaceCount)
        {
            delivery.report(DecodeError.UNKNOWN_INTERFACE, interfaceId, interfaceCount);
            return 0;
        }

        final long captured = buffer.getInt(offset + EPB_CAPTURED_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        final int room = length - EPB_MIN_LENGTH;
        if (captured > room)
        {
            delivery.report(DecodeError.PACKET_EXCEEDS_BLOCK, captured, room);
            return 0;
        }

        setEnhancedRecord(buffer, offset, (int)interfaceId, captured);

        return delivery.packet(buffer, offset + EPB_DATA_OFFSET, (int)captured);
    }

    /**
     * The obsolete packet block has a 16-bit interface id (and drop count) where the enhanced block has 32 bits.
     */
    private long interfaceId(final DirectBuffer buffer, final int offset, final boolean obsolete)
    {
        return obsolete ?
            buffer.getShort(offset + EPB_INTERFACE_OFFSET, byteOrder) & 0xFFFF :
            buffer.getInt(offset + EPB_INTERFACE_OFFSET, byteOrder) & UINT32_MASK;
    }

    private void setEnhancedRecord(final DirectBuffer buffer, final int offset, final int id, final long captured)
    {
        final long timestamp = ((long)buffer.getInt(offset + EPB_TIMESTAMP_HIGH_OFFSET, byteOrder) << 32) |
            (buffer.getInt(offset + EPB_TIMESTAMP_LOW_OFFSET, byteOrder) & UINT32_MASK);
        final long nanos = PcapngTimestamps.toNanos(
            timestamp, interfaceTimestampResolution[id], interfaceTimestampOffsetSeconds[id]);
        final long original = buffer.getInt(offset + EPB_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        delivery.nextRecord().link(interfaceLinkType[id], byteOrder, id).packet(nanos, captured, original);
    }

    private int onSimplePacket(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < SPB_MIN_LENGTH)
        {
            delivery.report(DecodeError.BLOCK_TOO_SHORT, length, SPB_MIN_LENGTH);
            return 0;
        }

        if (0 == interfaceCount)
        {
            delivery.report(DecodeError.UNKNOWN_INTERFACE, 0, 0);
            return 0;
        }

        final long original = buffer.getInt(offset + SPB_ORIGINAL_LENGTH_OFFSET, byteOrder) & UINT32_MASK;
        final long captured = simpleCapturedLength(original, length - SPB_MIN_LENGTH);
        delivery.nextRecord().link(interfaceLinkType[0], byteOrder, 0).packet(0, captured, original);

        return delivery.packet(buffer, offset + SPB_DATA_OFFSET, (int)captured);
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
}
