package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Walks netlink-style attributes (TLVs): a 16-bit length that counts its own 4-byte header but not the padding,
 * a 16-bit type, the value, then padding to the next multiple of 4. Length and type are in the byte order given;
 * that is the capturing host's order both in NFLOG pcap records and on a netlink socket.
 * <p>
 * Reuse one instance: {@link #wrap} then {@link #next()} until it returns false, then check {@link #error()}.
 * An attribute that claims more bytes than remain stops the walk with an error; it never reads past the region.
 */
public final class NetlinkAttributeReader
{
    public static final int HEADER_LENGTH = 4;
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 2;

    /** The top two type bits are the nested and network-byte-order flags, not part of the type. */
    public static final int TYPE_MASK = 0x3FFF;

    private DirectBuffer buffer;
    private ByteOrder order;
    private int regionOffset;
    private int end;
    private int position;
    private int attributeOffset;
    private int attributeLength;
    private int rawType;
    private DecodeError error = DecodeError.NONE;
    private long errorValue;
    private long errorLimit;

    /**
     * @param buffer holding the attributes.
     * @param offset of the first attribute.
     * @param length bytes of attributes.
     * @param order  byte order of each attribute's length and type fields.
     * @return this for chaining.
     */
    public NetlinkAttributeReader wrap(final DirectBuffer buffer, final int offset, final int length, final ByteOrder order)
    {
        this.buffer = buffer;
        this.order = order;
        this.regionOffset = offset;
        this.end = offset + Math.max(0, length);
        this.position = offset;
        this.attributeOffset = offset;
        this.attributeLength = 0;
        this.rawType = 0;
        this.error = DecodeError.NONE;
        this.errorValue = 0;
        this.errorLimit = 0;

        return this;
    }

    /**
     * Step to the next attribute.
     *
     * @return true if one was read; false at the end of the region (fewer than 4 bytes left, which can only be
     * padding) or on an error.
     */
    public boolean next()
    {
        if (DecodeError.NONE != error)
        {
            return false;
        }

        final int remaining = end - position;
        if (remaining < HEADER_LENGTH)
        {
            position = end;
            return false;
        }

        final int length = buffer.getShort(position + LENGTH_OFFSET, order) & 0xFFFF;
        if (length < HEADER_LENGTH)
        {
            return fail(DecodeError.TLV_LENGTH_TOO_SHORT, length, HEADER_LENGTH);
        }

        if (length > remaining)
        {
            return fail(DecodeError.TLV_OVERRUNS_RECORD, length, remaining);
        }

        attributeOffset = position;
        attributeLength = length;
        rawType = buffer.getShort(position + TYPE_OFFSET, order) & 0xFFFF;
        // The last attribute may omit its padding.
        position += Math.min(paddedLength(length), remaining);

        return true;
    }

    /**
     * @param length an attribute length.
     * @return the length rounded up to 4.
     */
    public static int paddedLength(final int length)
    {
        return (length + 3) & ~3;
    }

    /**
     * @return the attribute type without the nested and byte-order flags.
     */
    public int type()
    {
        return rawType & TYPE_MASK;
    }

    /**
     * @return the type field as stored, flags included.
     */
    public int rawType()
    {
        return rawType;
    }

    /**
     * @return offset of the attribute header in the buffer.
     */
    public int attributeOffset()
    {
        return attributeOffset;
    }

    /**
     * @return the attribute's length field: header plus value, without padding.
     */
    public int attributeLength()
    {
        return attributeLength;
    }

    /**
     * @return bytes from this attribute to the next: the length with padding, cut at the end of the region.
     */
    public int spanLength()
    {
        return Math.min(paddedLength(attributeLength), end - attributeOffset);
    }

    public int valueOffset()
    {
        return attributeOffset + HEADER_LENGTH;
    }

    public int valueLength()
    {
        return attributeLength - HEADER_LENGTH;
    }

    /**
     * @return {@link DecodeError#NONE}, or why the walk stopped early.
     */
    public DecodeError error()
    {
        return error;
    }

    /**
     * @return offset of the offending attribute from the start of the region given to {@link #wrap}.
     */
    public int errorOffset()
    {
        return position - regionOffset;
    }

    public long errorValue()
    {
        return errorValue;
    }

    public long errorLimit()
    {
        return errorLimit;
    }

    private boolean fail(final DecodeError error, final long value, final long limit)
    {
        this.error = error;
        this.errorValue = value;
        this.errorLimit = limit;

        return false;
    }
}
