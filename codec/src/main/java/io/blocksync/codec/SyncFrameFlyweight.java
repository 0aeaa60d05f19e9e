package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A SYNC frame: anti-entropy catch-up for one origin, sent to a single peer whose heartbeat shows it behind.
 * It carries every record the sender holds for {@code originNodeId} with origin sequence in
 * {@code (after, through]}, so each frame is complete on its own: a receiver whose high water for that origin is
 * at least {@code after} may move it to {@code through} once the records are applied, whatever order frames
 * arrive in. Records superseded at the sender (an older ban replaced by a later unban) are simply absent, which is
 * why the range is stated rather than inferred. Not part of the acknowledged BATCH stream: a lost SYNC is noticed
 * at the next heartbeat and sent again.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                Header (24 bytes, count = records)             |  0
 *  +---------------------------------------------------------------+
 *  |                         Origin Node Id                        | 24
 *  +---------------------------------------------------------------+
 *  |                     Reserved (must be 0)                      | 28
 *  +---------------------------------------------------------------+
 *  |                       After (64 bits)                         | 32
 *  +---------------------------------------------------------------+
 *  |                      Through (64 bits)                        | 40
 *  +---------------------------------------------------------------+
 *  |                Record 0 .. Record count-1 (120 bytes each)    | 48
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SyncFrameFlyweight implements RecordFrame
{
    static final int ORIGIN_NODE_ID_OFFSET = HEADER_LENGTH;
    static final int RESERVED_OFFSET = ORIGIN_NODE_ID_OFFSET + 4;
    static final int AFTER_OFFSET = RESERVED_OFFSET + 4;
    static final int THROUGH_OFFSET = AFTER_OFFSET + 8;
    static final int RECORDS_OFFSET = THROUGH_OFFSET + 8;
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

    public SyncFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    public SyncFrameFlyweight begin(final MutableDirectBuffer buffer, final int offset, final int originNodeId, final long after)
    {
        wrap(buffer, offset);
        header.begin(FrameType.SYNC, 0);
        buffer.putInt(offset + ORIGIN_NODE_ID_OFFSET, originNodeId, LITTLE_ENDIAN);
        buffer.putInt(offset + RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        buffer.putLong(offset + AFTER_OFFSET, after, LITTLE_ENDIAN);
        buffer.putLong(offset + THROUGH_OFFSET, after, LITTLE_ENDIAN);
        return this;
    }

    public FrameHeaderFlyweight header()
    {
        return header;
    }

    public int originNodeId()
    {
        return buffer.getInt(offset + ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN);
    }

    public long after()
    {
        return buffer.getLong(offset + AFTER_OFFSET, LITTLE_ENDIAN);
    }

    public long through()
    {
        return buffer.getLong(offset + THROUGH_OFFSET, LITTLE_ENDIAN);
    }

    public SyncFrameFlyweight through(final long through)
    {
        mutableBuffer.putLong(offset + THROUGH_OFFSET, through, LITTLE_ENDIAN);
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

    /**
     * Append a zeroed record for the caller to fill; its origin must be this frame's origin and its origin sequence
     * inside {@code (after, through]}.
     *
     * @throws IllegalStateException when full; check {@link #remainingCapacity()} first.
     */
    public BanRecordFlyweight appendRecord(final int action)
    {
        return RecordList.append(header, mutableBuffer, offset + RECORDS_OFFSET, MAX_RECORDS, record, action);
    }

    public BanRecordFlyweight record(final int index)
    {
        return record.wrap(buffer, offset + RECORDS_OFFSET + index * BanRecordFlyweight.LENGTH);
    }

    public int unsealedLength()
    {
        return RECORDS_OFFSET + header.count() * BanRecordFlyweight.LENGTH;
    }

    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length, final BanRecordFlyweight record)
    {
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        final int origin = buffer.getInt(offset + ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN);
        final long after = buffer.getLong(offset + AFTER_OFFSET, LITTLE_ENDIAN);
        final long through = buffer.getLong(offset + THROUGH_OFFSET, LITTLE_ENDIAN);
        if (count > MAX_RECORDS || length != frameLength(count) || origin == 0 ||
            buffer.getInt(offset + RESERVED_OFFSET, LITTLE_ENDIAN) != 0 || after < 0 || through <= after)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            record.wrap(buffer, offset + RECORDS_OFFSET + i * BanRecordFlyweight.LENGTH);
            final long sequence = record.originSequence();
            if (!record.isWellFormed() || record.originNodeId() != origin || sequence <= after || sequence > through)
            {
                return false;
            }
        }
        return true;
    }
}
