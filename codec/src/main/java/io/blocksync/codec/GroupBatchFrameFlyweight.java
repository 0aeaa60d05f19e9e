package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A GROUP_BATCH frame (type 7): the sender's own decisions, multicast once to every member of its group. A link tag
 * would let every member forge every other member's frames (all of them would hold the key), so the frame ends with
 * the sender's Ed25519 signature instead (RFC 8032, pure Ed25519) over {@link #SIGNATURE_CONTEXT} and every byte
 * before it; the header's {@code receiver_id} is 0 (the group, never a node) and {@code receiver_key_id} 0.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |       Header (24 bytes): receiver_id 0, receiver_key_id 0     |  0
 *  +---------------------------------------------------------------+
 *  |                   Group Sequence (64 bits)                    | 24
 *  +---------------------------------------------------------------+
 *  |                  Oldest Retained (64 bits)                    | 32
 *  +---------------------------------------------------------------+
 *  |              Record 0 .. Record count-1 (160 bytes each)      | 40
 *  +---------------------------------------------------------------+
 *  |                Ed25519 signature (64 bytes)                   |
 *  +---------------------------------------------------------------+
 * </pre>
 * Group sequences count the sender's group batches (1, 2, 3, ..., no gaps) and are what NAKs name; the oldest
 * retained is the lowest group sequence the sender can still multicast again, so a member that lacks older ones
 * stops asking and gets their records by SYNC. Not thread safe; the signing and checking scratch is reused.
 */
public final class GroupBatchFrameFlyweight implements RecordFrame
{
    static final int GROUP_SEQUENCE_OFFSET = HEADER_LENGTH;
    static final int OLDEST_RETAINED_OFFSET = GROUP_SEQUENCE_OFFSET + 8;
    static final int RECORDS_OFFSET = OLDEST_RETAINED_OFFSET + 8;
    public static final int SIGNATURE_LENGTH = NodeKey.SIGNATURE_LENGTH;
    /** Six records: a seventh would make 1224 bytes. */
    public static final int MAX_RECORDS = (MAX_DATAGRAM_LENGTH - RECORDS_OFFSET - SIGNATURE_LENGTH) / BanRecordFlyweight.LENGTH;
    /** What the sender signs before the frame's bytes, so this signature never passes as a record's or any other message's. */
    public static final byte[] SIGNATURE_CONTEXT = "blocksync/4 group".getBytes(StandardCharsets.US_ASCII);

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BanRecordFlyweight record = new BanRecordFlyweight();
    private final byte[] message = new byte[SIGNATURE_CONTEXT.length + MAX_DATAGRAM_LENGTH];
    private final byte[] signature = new byte[SIGNATURE_LENGTH];
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public GroupBatchFrameFlyweight()
    {
        System.arraycopy(SIGNATURE_CONTEXT, 0, message, 0, SIGNATURE_CONTEXT.length);
    }

    /** Datagram length for {@code recordCount} records, signature included: 104 + 160 × count. */
    public static int frameLength(final int recordCount)
    {
        return RECORDS_OFFSET + recordCount * BanRecordFlyweight.LENGTH + SIGNATURE_LENGTH;
    }

    public GroupBatchFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    /** Start an empty group batch for encoding. */
    public GroupBatchFrameFlyweight begin(final MutableDirectBuffer buffer, final int offset, final long groupSequence)
    {
        wrap(buffer, offset);
        header.begin(FrameType.GROUP_BATCH, 0);
        mutableBuffer.putLong(offset + GROUP_SEQUENCE_OFFSET, groupSequence, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + OLDEST_RETAINED_OFFSET, groupSequence, LITTLE_ENDIAN);
        return this;
    }

    public FrameHeaderFlyweight header()
    {
        return header;
    }

    public long groupSequence()
    {
        return buffer.getLong(offset + GROUP_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public long oldestRetained()
    {
        return buffer.getLong(offset + OLDEST_RETAINED_OFFSET, LITTLE_ENDIAN);
    }

    /** Set before each send (a repair states what is retained then); between 1 and the group sequence. */
    public GroupBatchFrameFlyweight oldestRetained(final long sequence)
    {
        mutableBuffer.putLong(offset + OLDEST_RETAINED_OFFSET, sequence, LITTLE_ENDIAN);
        return this;
    }

    public int recordCount()
    {
        return header.count();
    }

    public int remainingCapacity()
    {
        return MAX_RECORDS - header.count();
    }

    /** Append a zeroed record and return the flyweight over it; check {@link #remainingCapacity()} first. */
    public BanRecordFlyweight appendRecord(final int action)
    {
        return RecordList.append(header, mutableBuffer, offset + RECORDS_OFFSET, MAX_RECORDS, record, action);
    }

    public BanRecordFlyweight record(final int index)
    {
        return record.wrap(buffer, offset + RECORDS_OFFSET + index * BanRecordFlyweight.LENGTH);
    }

    /** Bytes before the signature: where {@link #sign} writes it. */
    public int unsignedLength()
    {
        return RECORDS_OFFSET + header.count() * BanRecordFlyweight.LENGTH;
    }

    /**
     * Sign a stamped frame ({@link FrameSigner#stampGroup}: sender, key id, length, packet sequence, receiver 0):
     * the signature of {@link #SIGNATURE_CONTEXT} || bytes [0, frame_length - 64) goes in the last 64 bytes.
     * BouncyCastle allocates a few KB of scratch per signature.
     */
    public void sign(final NodeKey key)
    {
        final int signed = header.frameLength() - SIGNATURE_LENGTH;
        buffer.getBytes(offset, message, SIGNATURE_CONTEXT.length, signed);
        key.sign(message, 0, SIGNATURE_CONTEXT.length + signed, signature, 0);
        mutableBuffer.putBytes(offset + signed, signature);
    }

    /** Whether the last 64 bytes are {@code senderKey}'s signature of the frame (the caller picked the key by sender_key_id). */
    public boolean verifySignature(final PeerKey senderKey)
    {
        final int signed = header.frameLength() - SIGNATURE_LENGTH;
        buffer.getBytes(offset, message, SIGNATURE_CONTEXT.length, signed);
        buffer.getBytes(offset + signed, signature, 0, SIGNATURE_LENGTH);
        return senderKey.verify(message, 0, SIGNATURE_CONTEXT.length + signed, signature, 0);
    }

    /** Whether count and length agree (header fields only: checked before the signature, which costs far more). */
    static boolean hasConsistentLength(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        return count >= 1 && count <= MAX_RECORDS && length == frameLength(count);
    }

    /** Structure check of a frame whose signature has been verified. */
    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length, final BanRecordFlyweight record)
    {
        if (!hasConsistentLength(buffer, offset, length))
        {
            return false;
        }
        final long groupSequence = buffer.getLong(offset + GROUP_SEQUENCE_OFFSET, LITTLE_ENDIAN);
        final long oldest = buffer.getLong(offset + OLDEST_RETAINED_OFFSET, LITTLE_ENDIAN);
        if (groupSequence <= 0 || oldest <= 0 || oldest > groupSequence)
        {
            return false;
        }
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        final int senderId = buffer.getInt(offset + FrameHeaderFlyweight.SENDER_ID_OFFSET, LITTLE_ENDIAN);
        for (int i = 0; i < count; i++)
        {
            record.wrap(buffer, offset + RECORDS_OFFSET + i * BanRecordFlyweight.LENGTH);
            if (!record.isWellFormed() || record.originNodeId() != senderId || record.originSequence() <= 0)
            {
                return false;
            }
        }
        return true;
    }
}
