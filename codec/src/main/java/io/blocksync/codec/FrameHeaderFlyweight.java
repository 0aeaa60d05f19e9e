package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The 24-byte header that starts every datagram. All multi-byte fields are little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |    Version    |     Type      | Sender Key Id |Receiver Key Id|  0
 *  +---------------+---------------+---------------+---------------+
 *  |         Frame Length          |             Count             |  4
 *  +-------------------------------+-------------------------------+
 *  |                    Packet Sequence (64 bits)                  |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Sender Id                            | 16
 *  +---------------------------------------------------------------+
 *  |                         Receiver Id                           | 20
 *  +---------------------------------------------------------------+
 * </pre>
 * Frame length counts the whole datagram including the trailing tag. The packet sequence is per sender, not per
 * peer, and fresh for every datagram sent: each send, first or retransmission, is stamped ({@link FrameSigner}) with
 * the next sequence, then {@link PeerLink#seal} writes that peer's receiver fields and tag just before it leaves
 * (docs/PROTOCOL.md, "Delivery").
 */
public final class FrameHeaderFlyweight
{
    /** Protocol version 3: per-link keys, origin-signed 160-byte records with reasons of up to 40 characters (docs/PROTOCOL.md). */
    public static final int CURRENT_VERSION = 3;

    static final int VERSION_OFFSET = 0;
    static final int TYPE_OFFSET = 1;
    static final int SENDER_KEY_ID_OFFSET = 2;
    static final int RECEIVER_KEY_ID_OFFSET = 3;
    static final int FRAME_LENGTH_OFFSET = 4;
    static final int COUNT_OFFSET = 6;
    static final int SEQUENCE_OFFSET = 8;
    static final int SENDER_ID_OFFSET = 16;
    static final int RECEIVER_ID_OFFSET = 20;
    public static final int HEADER_LENGTH = 24;

    /** Truncated HMAC-SHA256 tag that ends every datagram (RFC 4868 style, 128 bits). */
    public static final int TAG_LENGTH = 16;

    /** Never exceeded, so a datagram is not fragmented on any path (IPv6 minimum MTU is 1280). */
    public static final int MAX_DATAGRAM_LENGTH = 1200;

    public static final int MIN_DATAGRAM_LENGTH = HEADER_LENGTH + TAG_LENGTH;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public FrameHeaderFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public FrameHeaderFlyweight version(final int version)
    {
        mutableBuffer.putByte(offset + VERSION_OFFSET, (byte)version);
        return this;
    }

    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public FrameHeaderFlyweight type(final int type)
    {
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte)type);
        return this;
    }

    /** Which of the sender's keys the link key was derived from, 0-255. */
    public int senderKeyId()
    {
        return buffer.getByte(offset + SENDER_KEY_ID_OFFSET) & 0xFF;
    }

    public FrameHeaderFlyweight senderKeyId(final int keyId)
    {
        mutableBuffer.putByte(offset + SENDER_KEY_ID_OFFSET, (byte)keyId);
        return this;
    }

    /** Which of the receiver's keys the link key was derived from, 0-255. */
    public int receiverKeyId()
    {
        return buffer.getByte(offset + RECEIVER_KEY_ID_OFFSET) & 0xFF;
    }

    public FrameHeaderFlyweight receiverKeyId(final int keyId)
    {
        mutableBuffer.putByte(offset + RECEIVER_KEY_ID_OFFSET, (byte)keyId);
        return this;
    }

    public int frameLength()
    {
        return buffer.getShort(offset + FRAME_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public FrameHeaderFlyweight frameLength(final int frameLength)
    {
        mutableBuffer.putShort(offset + FRAME_LENGTH_OFFSET, (short)frameLength, LITTLE_ENDIAN);
        return this;
    }

    public int count()
    {
        return buffer.getShort(offset + COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public FrameHeaderFlyweight count(final int count)
    {
        mutableBuffer.putShort(offset + COUNT_OFFSET, (short)count, LITTLE_ENDIAN);
        return this;
    }

    public long sequence()
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public FrameHeaderFlyweight sequence(final long sequence)
    {
        mutableBuffer.putLong(offset + SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        return this;
    }

    public int senderId()
    {
        return buffer.getInt(offset + SENDER_ID_OFFSET, LITTLE_ENDIAN);
    }

    public FrameHeaderFlyweight senderId(final int senderId)
    {
        mutableBuffer.putInt(offset + SENDER_ID_OFFSET, senderId, LITTLE_ENDIAN);
        return this;
    }

    /** The node this copy of the datagram is for, never 0. */
    public int receiverId()
    {
        return buffer.getInt(offset + RECEIVER_ID_OFFSET, LITTLE_ENDIAN);
    }

    public FrameHeaderFlyweight receiverId(final int receiverId)
    {
        mutableBuffer.putInt(offset + RECEIVER_ID_OFFSET, receiverId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Start a frame: version, type and count are set, the rest of the header is zeroed for the signer to fill.
     */
    public FrameHeaderFlyweight begin(final int type, final int count)
    {
        mutableBuffer.setMemory(offset, HEADER_LENGTH, (byte)0);
        return version(CURRENT_VERSION).type(type).count(count);
    }
}
