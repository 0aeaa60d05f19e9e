package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * One NFLOG message: the DLT_NFLOG (239) record of a capture file, or the body of an nfnetlink log message.
 * <pre>
 *   0 family   1 version (0)   2 resource id = log group (BE)   4 TLVs...
 * </pre>
 * TLV length and type are in the capturing host's byte order (passed in); values are big-endian. Each type's
 * first occurrence is indexed; the accessors return -1 for a value that is absent. Reuse one instance.
 */
public final class NflogRecordDecoder
{
    public static final int FAMILY_OFFSET = 0;
    public static final int VERSION_OFFSET = 1;
    public static final int RESOURCE_ID_OFFSET = 2;
    public static final int HEADER_LENGTH = 4;
    public static final int VERSION = 0;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int TYPE_PACKET_HDR = 1;
    public static final int TYPE_MARK = 2;
    public static final int TYPE_TIMESTAMP = 3;
    public static final int TYPE_IFINDEX_INDEV = 4;
    public static final int TYPE_IFINDEX_OUTDEV = 5;
    public static final int TYPE_IFINDEX_PHYSINDEV = 6;
    public static final int TYPE_IFINDEX_PHYSOUTDEV = 7;
    public static final int TYPE_HWADDR = 8;
    public static final int TYPE_PAYLOAD = 9;
    public static final int TYPE_PREFIX = 10;
    public static final int TYPE_UID = 11;
    public static final int TYPE_SEQ = 12;
    public static final int TYPE_SEQ_GLOBAL = 13;
    public static final int TYPE_GID = 14;
    public static final int TYPE_HWTYPE = 15;
    public static final int TYPE_HWHEADER = 16;
    public static final int TYPE_HWLEN = 17;

    /** Types above this are walked over but not indexed. */
    public static final int MAX_INDEXED_TYPE = 31;

    /** PACKET_HDR value: hw_protocol (BE16), hook, pad. */
    public static final int PACKET_HDR_HW_PROTOCOL_OFFSET = 0;
    public static final int PACKET_HDR_HOOK_OFFSET = 2;

    /** HWADDR value: hw_addrlen (BE16), pad[2], hw_addr[8]. */
    public static final int HWADDR_LENGTH_OFFSET = 0;
    public static final int HWADDR_ADDRESS_OFFSET = 4;

    /** TIMESTAMP value: seconds (BE64), microseconds (BE64). */
    public static final int TIMESTAMP_MICROS_OFFSET = 8;

    /** Smallest value each fixed-size type may have; 0 where any length is valid. */
    private static final int[] MIN_VALUE_LENGTH = new int[MAX_INDEXED_TYPE + 1];

    static
    {
        MIN_VALUE_LENGTH[TYPE_PACKET_HDR] = 4;
        MIN_VALUE_LENGTH[TYPE_MARK] = 4;
        MIN_VALUE_LENGTH[TYPE_TIMESTAMP] = 16;
        MIN_VALUE_LENGTH[TYPE_IFINDEX_INDEV] = 4;
        MIN_VALUE_LENGTH[TYPE_IFINDEX_OUTDEV] = 4;
        MIN_VALUE_LENGTH[TYPE_IFINDEX_PHYSINDEV] = 4;
        MIN_VALUE_LENGTH[TYPE_IFINDEX_PHYSOUTDEV] = 4;
        MIN_VALUE_LENGTH[TYPE_HWADDR] = 12;
        MIN_VALUE_LENGTH[TYPE_UID] = 4;
        MIN_VALUE_LENGTH[TYPE_SEQ] = 4;
        MIN_VALUE_LENGTH[TYPE_SEQ_GLOBAL] = 4;
        MIN_VALUE_LENGTH[TYPE_GID] = 4;
        MIN_VALUE_LENGTH[TYPE_HWTYPE] = 2;
        MIN_VALUE_LENGTH[TYPE_HWLEN] = 2;
    }

    private final NetlinkAttributeReader reader = new NetlinkAttributeReader();
    private final int[] valueOffsets = new int[MAX_INDEXED_TYPE + 1];
    private final int[] valueLengths = new int[MAX_INDEXED_TYPE + 1];
    private int presentTypes;
    private DirectBuffer buffer;
    private int offset;
    private int attributeCount;
    private int errorOffset;
    private long errorValue;
    private long errorLimit;

    /**
     * Decode the header and index the TLVs of one record.
     *
     * @param buffer         holding the record.
     * @param offset         of the record's first byte.
     * @param length         captured bytes of the record.
     * @param attributeOrder byte order of the TLV length and type fields.
     * @return {@link DecodeError#NONE} or what is wrong; {@link #errorOffset()} gives where, relative to the record.
     */
    public DecodeError decode(
        final DirectBuffer buffer, final int offset, final int length, final ByteOrder attributeOrder)
    {
        this.buffer = buffer;
        this.offset = offset;
        presentTypes = 0;
        attributeCount = 0;
        errorOffset = 0;
        if (length < HEADER_LENGTH)
        {
            return fail(DecodeError.NFLOG_HEADER_TRUNCATED, 0, length, HEADER_LENGTH);
        }

        if (VERSION != version())
        {
            return fail(DecodeError.NFLOG_VERSION_UNSUPPORTED, VERSION_OFFSET, version(), VERSION);
        }

        reader.wrap(buffer, offset + HEADER_LENGTH, length - HEADER_LENGTH, attributeOrder);
        while (reader.next())
        {
            attributeCount++;
            final int type = reader.type();
            if (type > MAX_INDEXED_TYPE || 0 != (presentTypes & (1 << type)))
            {
                continue;
            }

            if (reader.valueLength() < MIN_VALUE_LENGTH[type])
            {
                return fail(DecodeError.TLV_VALUE_TOO_SHORT, reader.attributeOffset() - offset,
                    reader.valueLength(), MIN_VALUE_LENGTH[type]);
            }
            presentTypes |= 1 << type;
            valueOffsets[type] = reader.valueOffset();
            valueLengths[type] = reader.valueLength();
        }

        if (DecodeError.NONE != reader.error())
        {
            return fail(reader.error(), HEADER_LENGTH + reader.errorOffset(), reader.errorValue(), reader.errorLimit());
        }

        return DecodeError.NONE;
    }

    /**
     * @return the address family of the logged packet: 2 IPv4, 10 IPv6, 7 bridge, 0 unspecified.
     */
    public int family()
    {
        return buffer.getByte(offset + FAMILY_OFFSET) & 0xFF;
    }

    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    /**
     * @return the NFLOG group, 0 to 65535: nfgenmsg's res_id, the number in {@code log group N}.
     */
    public int group()
    {
        return buffer.getShort(offset + RESOURCE_ID_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return TLVs walked in the last record, indexed or not.
     */
    public int attributeCount()
    {
        return attributeCount;
    }

    /**
     * @param type a TLV type.
     * @return true if the last record carried it.
     */
    public boolean has(final int type)
    {
        return type >= 0 && type <= MAX_INDEXED_TYPE && 0 != (presentTypes & (1 << type));
    }

    /**
     * @param type a TLV type present in the record.
     * @return offset of its value in the buffer.
     */
    public int valueOffset(final int type)
    {
        return valueOffsets[type];
    }

    /**
     * @param type a TLV type present in the record.
     * @return length of its value, without padding.
     */
    public int valueLength(final int type)
    {
        return valueLengths[type];
    }

    /**
     * @return the link-layer protocol (an EtherType) from PACKET_HDR, or -1.
     */
    public int hardwareProtocol()
    {
        return has(TYPE_PACKET_HDR) ?
            buffer.getShort(valueOffsets[TYPE_PACKET_HDR] + PACKET_HDR_HW_PROTOCOL_OFFSET, BIG_ENDIAN) & 0xFFFF : -1;
    }

    /**
     * @return the netfilter hook number from PACKET_HDR (1 is input on IPv4/IPv6), or -1.
     */
    public int hook()
    {
        return has(TYPE_PACKET_HDR) ? buffer.getByte(valueOffsets[TYPE_PACKET_HDR] + PACKET_HDR_HOOK_OFFSET) & 0xFF : -1;
    }

    public long mark()
    {
        return unsigned32(TYPE_MARK);
    }

    public long inputInterfaceIndex()
    {
        return unsigned32(TYPE_IFINDEX_INDEV);
    }

    public long outputInterfaceIndex()
    {
        return unsigned32(TYPE_IFINDEX_OUTDEV);
    }

    public long uid()
    {
        return unsigned32(TYPE_UID);
    }

    public long gid()
    {
        return unsigned32(TYPE_GID);
    }

    public long sequence()
    {
        return unsigned32(TYPE_SEQ);
    }

    public long globalSequence()
    {
        return unsigned32(TYPE_SEQ_GLOBAL);
    }

    public int hardwareType()
    {
        return has(TYPE_HWTYPE) ? buffer.getShort(valueOffsets[TYPE_HWTYPE], BIG_ENDIAN) & 0xFFFF : -1;
    }

    public int hardwareHeaderLength()
    {
        return has(TYPE_HWLEN) ? buffer.getShort(valueOffsets[TYPE_HWLEN], BIG_ENDIAN) & 0xFFFF : -1;
    }

    /**
     * @return the kernel's timestamp in nanoseconds since the epoch, or -1 if the record carries none.
     */
    public long timestampNanos()
    {
        if (!has(TYPE_TIMESTAMP))
        {
            return -1;
        }

        final int at = valueOffsets[TYPE_TIMESTAMP];
        final long seconds = buffer.getLong(at, BIG_ENDIAN);
        final long micros = buffer.getLong(at + TIMESTAMP_MICROS_OFFSET, BIG_ENDIAN);

        return seconds * 1_000_000_000L + micros * 1_000L;
    }

    /**
     * @return length of the link-layer address in HWADDR (at most 8), or -1.
     */
    public int hardwareAddressLength()
    {
        return has(TYPE_HWADDR) ?
            Math.min(8, buffer.getShort(valueOffsets[TYPE_HWADDR] + HWADDR_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF) : -1;
    }

    /**
     * @return offset of the link-layer address bytes in the buffer; valid if {@link #hardwareAddressLength()} >= 0.
     */
    public int hardwareAddressOffset()
    {
        return valueOffsets[TYPE_HWADDR] + HWADDR_ADDRESS_OFFSET;
    }

    /**
     * @return length of the log prefix (NFULA_PREFIX, the text of {@code log prefix "..."}) up to its NUL, or -1 if
     * the record carries none.
     */
    public int logPrefixLength()
    {
        if (!has(TYPE_PREFIX))
        {
            return -1;
        }

        final int at = valueOffsets[TYPE_PREFIX];
        final int max = valueLengths[TYPE_PREFIX];
        int length = 0;
        while (length < max && 0 != buffer.getByte(at + length))
        {
            length++;
        }

        return length;
    }

    /**
     * @return offset of the log prefix text in the buffer; valid if {@link #logPrefixLength()} >= 0.
     */
    public int logPrefixOffset()
    {
        return valueOffsets[TYPE_PREFIX];
    }

    /**
     * @return length of the logged packet (from its network header), or -1 if the record carries no PAYLOAD.
     */
    public int payloadLength()
    {
        return has(TYPE_PAYLOAD) ? valueLengths[TYPE_PAYLOAD] : -1;
    }

    /**
     * @return offset of the logged packet in the buffer; valid if {@link #payloadLength()} >= 0.
     */
    public int payloadOffset()
    {
        return valueOffsets[TYPE_PAYLOAD];
    }

    /**
     * @return where the last error was found, relative to the record.
     */
    public int errorOffset()
    {
        return errorOffset;
    }

    public long errorValue()
    {
        return errorValue;
    }

    public long errorLimit()
    {
        return errorLimit;
    }

    /**
     * @return the TLV walker, positioned after the last record; for callers that want TLVs in order.
     */
    public NetlinkAttributeReader attributes()
    {
        return reader;
    }

    private long unsigned32(final int type)
    {
        return has(type) ? buffer.getInt(valueOffsets[type], BIG_ENDIAN) & 0xFFFF_FFFFL : -1;
    }

    private DecodeError fail(final DecodeError error, final int at, final long value, final long limit)
    {
        errorOffset = at;
        errorValue = value;
        errorLimit = limit;

        return error;
    }
}
