package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A HEARTBEAT frame: liveness, the bounds of the sender's BATCH stream, its clock, and per-origin high-water marks
 * so a peer that is behind knows to catch up (anti-entropy).
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                Header (24 bytes, count = entries)             |  0
 *  +---------------------------------------------------------------+
 *  |               Stream Next Sequence (64 bits)                  | 24
 *  +---------------------------------------------------------------+
 *  |             Stream Oldest Retained (64 bits)                  | 32
 *  +---------------------------------------------------------------+
 *  |                  Sender Time Millis (64 bits)                 | 40
 *  +---------------------------------------------------------------+
 *  |          Sender Hybrid Logical Clock (64 bits)                | 48
 *  +---------------------------------------------------------------+
 *  |  entry i at 56 + 16 i:  Origin Node Id (32) | Reserved (32)   |
 *  |                         High Water (64)                       |
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 * Stream next sequence is the stream sequence the sender will give its next batch; stream oldest retained is the
 * oldest batch it can still retransmit (a receiver missing anything older catches up by anti-entropy instead).
 * Sender time is its wall clock (epoch ms, for clock-offset warnings); sender HLC is its hybrid logical clock
 * (wall ms &lt;&lt; 16 | counter), which the receiver's own clock is advanced to, so its next decision orders after
 * everything the sender had seen.
 * An entry's high water is the origin sequence up to which the sender holds every record of that origin.
 */
public final class HeartbeatFrameFlyweight
{
    static final int STREAM_NEXT_SEQUENCE_OFFSET = HEADER_LENGTH;
    static final int STREAM_OLDEST_RETAINED_OFFSET = STREAM_NEXT_SEQUENCE_OFFSET + 8;
    static final int SENDER_TIME_MILLIS_OFFSET = STREAM_OLDEST_RETAINED_OFFSET + 8;
    static final int SENDER_HLC_OFFSET = SENDER_TIME_MILLIS_OFFSET + 8;
    static final int ENTRIES_OFFSET = SENDER_HLC_OFFSET + 8;
    static final int ENTRY_ORIGIN_NODE_ID_OFFSET = 0;
    static final int ENTRY_RESERVED_OFFSET = 4;
    static final int ENTRY_HIGH_WATER_OFFSET = 8;
    public static final int ENTRY_LENGTH = 16;
    public static final int MAX_ENTRIES = (MAX_DATAGRAM_LENGTH - ENTRIES_OFFSET - TAG_LENGTH) / ENTRY_LENGTH;

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public static int frameLength(final int entryCount)
    {
        return ENTRIES_OFFSET + entryCount * ENTRY_LENGTH + TAG_LENGTH;
    }

    public HeartbeatFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    public HeartbeatFrameFlyweight begin(
        final MutableDirectBuffer buffer,
        final int offset,
        final long streamNextSequence,
        final long streamOldestRetained,
        final long senderTimeMillis,
        final long senderHlc)
    {
        wrap(buffer, offset);
        header.begin(FrameType.HEARTBEAT, 0);
        buffer.putLong(offset + STREAM_NEXT_SEQUENCE_OFFSET, streamNextSequence, LITTLE_ENDIAN);
        buffer.putLong(offset + STREAM_OLDEST_RETAINED_OFFSET, streamOldestRetained, LITTLE_ENDIAN);
        buffer.putLong(offset + SENDER_TIME_MILLIS_OFFSET, senderTimeMillis, LITTLE_ENDIAN);
        buffer.putLong(offset + SENDER_HLC_OFFSET, senderHlc, LITTLE_ENDIAN);
        return this;
    }

    public FrameHeaderFlyweight header()
    {
        return header;
    }

    public long streamNextSequence()
    {
        return buffer.getLong(offset + STREAM_NEXT_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public long streamOldestRetained()
    {
        return buffer.getLong(offset + STREAM_OLDEST_RETAINED_OFFSET, LITTLE_ENDIAN);
    }

    public long senderTimeMillis()
    {
        return buffer.getLong(offset + SENDER_TIME_MILLIS_OFFSET, LITTLE_ENDIAN);
    }

    /** The sender's hybrid logical clock when it sent the heartbeat. */
    public long senderHlc()
    {
        return buffer.getLong(offset + SENDER_HLC_OFFSET, LITTLE_ENDIAN);
    }

    public int entryCount()
    {
        return header.count();
    }

    public int remainingCapacity()
    {
        return MAX_ENTRIES - header.count();
    }

    /**
     * @throws IllegalStateException when full; check {@link #remainingCapacity()} first.
     */
    public HeartbeatFrameFlyweight appendEntry(final int originNodeId, final long highWater)
    {
        final int count = header.count();
        if (count >= MAX_ENTRIES)
        {
            throw new IllegalStateException("heartbeat full: " + MAX_ENTRIES + " entries");
        }

        final int entryOffset = offset + ENTRIES_OFFSET + count * ENTRY_LENGTH;
        mutableBuffer.putInt(entryOffset + ENTRY_ORIGIN_NODE_ID_OFFSET, originNodeId, LITTLE_ENDIAN);
        mutableBuffer.putInt(entryOffset + ENTRY_RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        mutableBuffer.putLong(entryOffset + ENTRY_HIGH_WATER_OFFSET, highWater, LITTLE_ENDIAN);
        header.count(count + 1);
        return this;
    }

    public int entryOriginNodeId(final int index)
    {
        return buffer.getInt(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN);
    }

    public long entryHighWater(final int index)
    {
        return buffer.getLong(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_HIGH_WATER_OFFSET, LITTLE_ENDIAN);
    }

    public int unsealedLength()
    {
        return ENTRIES_OFFSET + header.count() * ENTRY_LENGTH;
    }

    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (count > MAX_ENTRIES || length != frameLength(count))
        {
            return false;
        }

        final long next = buffer.getLong(offset + STREAM_NEXT_SEQUENCE_OFFSET, LITTLE_ENDIAN);
        final long oldest = buffer.getLong(offset + STREAM_OLDEST_RETAINED_OFFSET, LITTLE_ENDIAN);
        if (next < 1 || oldest < 1 || oldest > next)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            final int entryOffset = offset + ENTRIES_OFFSET + i * ENTRY_LENGTH;
            if (buffer.getInt(entryOffset + ENTRY_RESERVED_OFFSET, LITTLE_ENDIAN) != 0 ||
                buffer.getLong(entryOffset + ENTRY_HIGH_WATER_OFFSET, LITTLE_ENDIAN) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
