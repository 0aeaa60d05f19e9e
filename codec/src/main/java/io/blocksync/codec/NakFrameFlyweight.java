package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A NAK frame (type 8): unicast from a group member to a group sender, sealed with their link's tag like every
 * unicast frame, naming the group batches the member lacks so the sender multicasts them again
 * (docs/PROTOCOL.md, "Multicast").
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                     Header (24 bytes), count 0                |  0
 *  +-------------------------------+-------------------------------+
 *  |        Group Sender Id        |         Reserved (0)          | 24
 *  +-------------------------------+-------------------------------+
 *  |                   First Missing (64 bits)                     | 32
 *  +---------------------------------------------------------------+
 *  |                  Missing Bitmap (64 bits)                     | 40
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       | 48
 *  +---------------------------------------------------------------+
 * </pre>
 * Bit i of the bitmap (bit 0 least significant) set: group sequence {@code first_missing + i} is missing; bit 0 is
 * always set (first_missing is missing), else the frame is malformed.
 */
public final class NakFrameFlyweight
{
    static final int GROUP_SENDER_ID_OFFSET = HEADER_LENGTH;
    static final int RESERVED_OFFSET = GROUP_SENDER_ID_OFFSET + 4;
    static final int FIRST_MISSING_OFFSET = RESERVED_OFFSET + 4;
    static final int MISSING_BITMAP_OFFSET = FIRST_MISSING_OFFSET + 8;
    public static final int UNSEALED_LENGTH = MISSING_BITMAP_OFFSET + 8;
    public static final int FRAME_LENGTH = UNSEALED_LENGTH + TAG_LENGTH;
    /** Group sequences one NAK can name: first_missing and the 63 after it. */
    public static final int RANGE = 64;

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public NakFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    /** Start a NAK for encoding; the caller sets the fields, then stamps ({@link FrameSigner}) and seals ({@link PeerLink}). */
    public NakFrameFlyweight begin(final MutableDirectBuffer buffer, final int offset)
    {
        wrap(buffer, offset);
        header.begin(FrameType.NAK, 0);
        mutableBuffer.setMemory(offset + HEADER_LENGTH, UNSEALED_LENGTH - HEADER_LENGTH, (byte)0);
        return this;
    }

    public FrameHeaderFlyweight header()
    {
        return header;
    }

    /** The node whose group stream is NAKed: the recipient of this frame. */
    public int groupSenderId()
    {
        return buffer.getInt(offset + GROUP_SENDER_ID_OFFSET, LITTLE_ENDIAN);
    }

    public NakFrameFlyweight groupSenderId(final int nodeId)
    {
        mutableBuffer.putInt(offset + GROUP_SENDER_ID_OFFSET, nodeId, LITTLE_ENDIAN);
        return this;
    }

    /** The lowest group sequence missing, positive. */
    public long firstMissing()
    {
        return buffer.getLong(offset + FIRST_MISSING_OFFSET, LITTLE_ENDIAN);
    }

    public NakFrameFlyweight firstMissing(final long sequence)
    {
        mutableBuffer.putLong(offset + FIRST_MISSING_OFFSET, sequence, LITTLE_ENDIAN);
        return this;
    }

    /** Bit i set: group sequence {@code firstMissing() + i} is missing; bit 0 always set. */
    public long missingBitmap()
    {
        return buffer.getLong(offset + MISSING_BITMAP_OFFSET, LITTLE_ENDIAN);
    }

    public NakFrameFlyweight missingBitmap(final long bitmap)
    {
        mutableBuffer.putLong(offset + MISSING_BITMAP_OFFSET, bitmap, LITTLE_ENDIAN);
        return this;
    }

    /** Structure check of a frame whose tag has been verified. */
    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length)
    {
        return length == FRAME_LENGTH &&
            (buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF) == 0 &&
            buffer.getInt(offset + GROUP_SENDER_ID_OFFSET, LITTLE_ENDIAN) != 0 &&
            buffer.getInt(offset + RESERVED_OFFSET, LITTLE_ENDIAN) == 0 &&
            buffer.getLong(offset + FIRST_MISSING_OFFSET, LITTLE_ENDIAN) > 0 &&
            (buffer.getLong(offset + MISSING_BITMAP_OFFSET, LITTLE_ENDIAN) & 1L) != 0;
    }
}
