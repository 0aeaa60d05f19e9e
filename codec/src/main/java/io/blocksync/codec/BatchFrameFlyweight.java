package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A BATCH frame: header, the sender's stream sequence, then {@code count} ban/unban records of
 * {@link BanRecordFlyweight#LENGTH} bytes, then the tag.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                     Header (24 bytes)                         |  0
 *  +---------------------------------------------------------------+
 *  |                  Stream Sequence (64 bits)                    | 24
 *  +---------------------------------------------------------------+
 *  |                Record 0 .. Record count-1 (120 bytes each)    | 32
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 * Stream sequences count batches, not datagrams: they are contiguous per sender (1, 2, 3, ...) and are what acks
 * refer to, while the header's packet sequence guards against replay. Every record's origin is the sender.
 */
public final class BatchFrameFlyweight implements RecordFrame
{
    static final int STREAM_SEQUENCE_OFFSET = HEADER_LENGTH;
    static final int RECORDS_OFFSET = STREAM_SEQUENCE_OFFSET + 8;
    public static final int MAX_RECORDS = (MAX_DATAGRAM_LENGTH - RECORDS_OFFSET - TAG_LENGTH) / BanRecordFlyweight.LENGTH;

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BanRecordFlyweight record = new BanRecordFlyweight();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public static int frameLength(final int recordCount)
    {
        return RECORDS_OFFSET + recordCount * BanRecordFlyweight.LENGTH + TAG_LENGTH;
    }

    public BatchFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    /**
     * Start an empty batch for encoding.
     */
    public BatchFrameFlyweight begin(final MutableDirectBuffer buffer, final int offset, final long streamSequence)
    {
        wrap(buffer, offset);
        header.begin(FrameType.BATCH, 0);
        mutableBuffer.putLong(offset + STREAM_SEQUENCE_OFFSET, streamSequence, LITTLE_ENDIAN);
        return this;
    }

    public FrameHeaderFlyweight header()
    {
        return header;
    }

    public long streamSequence()
    {
        return buffer.getLong(offset + STREAM_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public int recordCount()
    {
        return header.count();
    }

    /** How many more records fit in this datagram. */
    public int remainingCapacity()
    {
        return MAX_RECORDS - header.count();
    }

    /**
     * Append a record, zeroed, and return the flyweight over it for the caller to fill.
     *
     * @throws IllegalStateException when the batch is full; check {@link #remainingCapacity()} first.
     */
    public BanRecordFlyweight appendRecord(final int action)
    {
        return RecordList.append(header, mutableBuffer, offset + RECORDS_OFFSET, MAX_RECORDS, record, action);
    }

    /** The record at {@code index}, for reading a verified frame. */
    public BanRecordFlyweight record(final int index)
    {
        return record.wrap(buffer, offset + RECORDS_OFFSET + index * BanRecordFlyweight.LENGTH);
    }

    /** Length of the body so far, i.e. where the signer puts the tag. */
    public int unsealedLength()
    {
        return RECORDS_OFFSET + header.count() * BanRecordFlyweight.LENGTH;
    }

    /** Structure check of a frame whose tag has been verified. */
    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length, final BanRecordFlyweight record)
    {
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (count == 0 || count > MAX_RECORDS || length != frameLength(count) ||
            buffer.getLong(offset + STREAM_SEQUENCE_OFFSET, LITTLE_ENDIAN) <= 0)
        {
            return false;
        }

        // A sender's stream carries only its own decisions; other origins' records travel in SYNC frames.
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
