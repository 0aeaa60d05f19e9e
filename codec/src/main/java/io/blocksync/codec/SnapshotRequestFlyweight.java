package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A SNAPSHOT_REQUEST frame: the header's sender asks the receiver for a snapshot of one origin's records from
 * {@code after} on, and acknowledges the chunks it has of it (docs/PROTOCOL.md, "SNAPSHOT_REQUEST").
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                     Header (24 bytes, count 0)                |  0
 *  +---------------------------------------------------------------+
 *  |                         Origin Node Id                        | 24
 *  +---------------------------------------------------------------+
 *  |                           Session Id                          | 28
 *  +---------------------------------------------------------------+
 *  |                        After (64 bits)                        | 32
 *  +---------------------------------------------------------------+
 *  |                           Next Chunk                          | 40
 *  +-------------------------------+-------------------------------+
 *  |   Receive Window (chunks)     |            Flags              | 44
 *  +-------------------------------+-------------------------------+
 *  |                  Selective Bitmap (64 bits)                   | 48
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       | 56
 *  +---------------------------------------------------------------+
 * </pre>
 * A session id the receiver does not serve starts a new snapshot at {@code after}; the same id acknowledges: every
 * chunk index below {@code next_chunk} is held, bit i of the bitmap says chunk {@code next_chunk + 1 + i} is too.
 * {@link #FLAG_DONE} closes the session.
 */
public final class SnapshotRequestFlyweight
{
    static final int ORIGIN_NODE_ID_OFFSET = HEADER_LENGTH;
    static final int SESSION_ID_OFFSET = ORIGIN_NODE_ID_OFFSET + 4;
    static final int AFTER_OFFSET = SESSION_ID_OFFSET + 4;
    static final int NEXT_CHUNK_OFFSET = AFTER_OFFSET + 8;
    static final int RECEIVE_WINDOW_OFFSET = NEXT_CHUNK_OFFSET + 4;
    static final int FLAGS_OFFSET = RECEIVE_WINDOW_OFFSET + 2;
    static final int SELECTIVE_BITMAP_OFFSET = FLAGS_OFFSET + 2;
    public static final int UNSEALED_LENGTH = SELECTIVE_BITMAP_OFFSET + 8;
    public static final int FRAME_LENGTH = UNSEALED_LENGTH + TAG_LENGTH;
    /** The most chunks beyond {@code next_chunk} a requester may invite: the bitmap's reach. */
    public static final int MAX_RECEIVE_WINDOW = 64;
    /** The requester holds every chunk (or gives up): the sender forgets the session. */
    public static final int FLAG_DONE = 1;

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public SnapshotRequestFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    /** Start a request: count 0, next chunk 0, window 0, flags 0, bitmap 0. */
    public SnapshotRequestFlyweight begin(
        final MutableDirectBuffer buffer, final int offset, final int originNodeId, final int sessionId, final long after)
    {
        wrap(buffer, offset);
        header.begin(FrameType.SNAPSHOT_REQUEST, 0);
        buffer.setMemory(offset + HEADER_LENGTH, UNSEALED_LENGTH - HEADER_LENGTH, (byte)0);
        buffer.putInt(offset + ORIGIN_NODE_ID_OFFSET, originNodeId, LITTLE_ENDIAN);
        buffer.putInt(offset + SESSION_ID_OFFSET, sessionId, LITTLE_ENDIAN);
        buffer.putLong(offset + AFTER_OFFSET, after, LITTLE_ENDIAN);
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

    public int sessionId()
    {
        return buffer.getInt(offset + SESSION_ID_OFFSET, LITTLE_ENDIAN);
    }

    public long after()
    {
        return buffer.getLong(offset + AFTER_OFFSET, LITTLE_ENDIAN);
    }

    /** Every chunk index below this one is held (unsigned 32 bits, read as an int). */
    public int nextChunk()
    {
        return buffer.getInt(offset + NEXT_CHUNK_OFFSET, LITTLE_ENDIAN);
    }

    public int receiveWindow()
    {
        return buffer.getShort(offset + RECEIVE_WINDOW_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public long selectiveBitmap()
    {
        return buffer.getLong(offset + SELECTIVE_BITMAP_OFFSET, LITTLE_ENDIAN);
    }

    /** Acknowledge: what is held, how many chunks beyond {@code nextChunk} are invited now, and the flags. */
    public SnapshotRequestFlyweight acknowledge(final int nextChunk, final long bitmap, final int receiveWindow, final int flags)
    {
        mutableBuffer.putInt(offset + NEXT_CHUNK_OFFSET, nextChunk, LITTLE_ENDIAN);
        mutableBuffer.putShort(offset + RECEIVE_WINDOW_OFFSET, (short)receiveWindow, LITTLE_ENDIAN);
        mutableBuffer.putShort(offset + FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + SELECTIVE_BITMAP_OFFSET, bitmap, LITTLE_ENDIAN);
        return this;
    }

    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        final int window = buffer.getShort(offset + RECEIVE_WINDOW_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        final int flags = buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        return length == FRAME_LENGTH && count == 0 &&
            buffer.getInt(offset + ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN) != 0 &&
            buffer.getInt(offset + SESSION_ID_OFFSET, LITTLE_ENDIAN) != 0 &&
            buffer.getLong(offset + AFTER_OFFSET, LITTLE_ENDIAN) >= 0 &&
            window <= MAX_RECEIVE_WINDOW && (flags & ~FLAG_DONE) == 0;
    }
}
