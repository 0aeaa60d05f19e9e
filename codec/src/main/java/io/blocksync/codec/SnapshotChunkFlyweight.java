package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A SNAPSHOT_CHUNK frame: chunk {@code chunk_index} of snapshot session {@code session_id}, every record the sender
 * holds of {@code origin_node_id} with origin sequence in {@code (after, through]}, as one LZ4 block
 * ({@link Lz4Block}) of {@code count} 160-byte records, signatures included (docs/PROTOCOL.md, "SNAPSHOT_CHUNK").
 * Like a SYNC, each chunk is complete for its range; the snapshot ends with the chunk whose {@code through} is
 * {@code covers_through}, the sender's high water for the origin when the session started.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                Header (24 bytes, count = records)             |  0
 *  +---------------------------------------------------------------+
 *  |                         Origin Node Id                        | 24
 *  +---------------------------------------------------------------+
 *  |                           Session Id                          | 28
 *  +---------------------------------------------------------------+
 *  |                          Chunk Index                          | 32
 *  +-------------------------------+-------------------------------+
 *  |         Block Length          |     Reserved (must be 0)      | 36
 *  +-------------------------------+-------------------------------+
 *  |                    Covers Through (64 bits)                   | 40
 *  +---------------------------------------------------------------+
 *  |                        After (64 bits)                        | 48
 *  +---------------------------------------------------------------+
 *  |                       Through (64 bits)                       | 56
 *  +---------------------------------------------------------------+
 *  |               LZ4 block (Block Length bytes)                  | 64
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SnapshotChunkFlyweight
{
    static final int ORIGIN_NODE_ID_OFFSET = HEADER_LENGTH;
    static final int SESSION_ID_OFFSET = ORIGIN_NODE_ID_OFFSET + 4;
    static final int CHUNK_INDEX_OFFSET = SESSION_ID_OFFSET + 4;
    static final int BLOCK_LENGTH_OFFSET = CHUNK_INDEX_OFFSET + 4;
    static final int RESERVED_OFFSET = BLOCK_LENGTH_OFFSET + 2;
    static final int COVERS_THROUGH_OFFSET = RESERVED_OFFSET + 2;
    static final int AFTER_OFFSET = COVERS_THROUGH_OFFSET + 8;
    static final int THROUGH_OFFSET = AFTER_OFFSET + 8;
    static final int BLOCK_OFFSET = THROUGH_OFFSET + 8;
    /** The longest block: what is left of a 1200-byte datagram (1120 bytes). */
    public static final int MAX_BLOCK_LENGTH = MAX_DATAGRAM_LENGTH - BLOCK_OFFSET - TAG_LENGTH;
    /** The most records a chunk holds, however well they compress. */
    public static final int MAX_RECORDS = 32;

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BanRecordFlyweight record = new BanRecordFlyweight();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public static int frameLength(final int blockLength)
    {
        return BLOCK_OFFSET + blockLength + TAG_LENGTH;
    }

    public SnapshotChunkFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    /** Start a chunk of {@code (after, through]} with no records yet; {@link #encode} adds them. */
    public SnapshotChunkFlyweight begin(final MutableDirectBuffer buffer, final int offset, final int originNodeId, final int sessionId)
    {
        wrap(buffer, offset);
        header.begin(FrameType.SNAPSHOT_CHUNK, 0);
        buffer.setMemory(offset + HEADER_LENGTH, BLOCK_OFFSET - HEADER_LENGTH, (byte)0);
        buffer.putInt(offset + ORIGIN_NODE_ID_OFFSET, originNodeId, LITTLE_ENDIAN);
        buffer.putInt(offset + SESSION_ID_OFFSET, sessionId, LITTLE_ENDIAN);
        return this;
    }

    /** The chunk's place and range: index in the session, the session's end, and {@code (after, through]}. */
    public SnapshotChunkFlyweight range(final int chunkIndex, final long coversThrough, final long after, final long through)
    {
        mutableBuffer.putInt(offset + CHUNK_INDEX_OFFSET, chunkIndex, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + COVERS_THROUGH_OFFSET, coversThrough, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + AFTER_OFFSET, after, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + THROUGH_OFFSET, through, LITTLE_ENDIAN);
        return this;
    }

    /** Set the chunk's {@code through} alone (after {@link #encode} showed how many records fit). */
    public SnapshotChunkFlyweight through(final long through)
    {
        mutableBuffer.putLong(offset + THROUGH_OFFSET, through, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Compress the first {@code count} records of {@code lz4.raw()} into the chunk's block.
     *
     * @return false when they do not fit in {@link #MAX_BLOCK_LENGTH} bytes (the chunk is then left without records).
     */
    public boolean encode(final Lz4Block lz4, final int count)
    {
        final int length = lz4.compress(count * BanRecordFlyweight.LENGTH, mutableBuffer, offset + BLOCK_OFFSET, MAX_BLOCK_LENGTH);
        if (count > MAX_RECORDS || length < 0)
        {
            header.count(0);
            mutableBuffer.putShort(offset + BLOCK_LENGTH_OFFSET, (short)0, LITTLE_ENDIAN);
            return false;
        }
        header.count(count);
        mutableBuffer.putShort(offset + BLOCK_LENGTH_OFFSET, (short)length, LITTLE_ENDIAN);
        return true;
    }

    /**
     * Decompress the block into {@code lz4.raw()}: record i is at {@code i * 160}.
     *
     * @return the record count, or -1 when the block does not decompress to exactly {@code count} records.
     */
    public int decode(final Lz4Block lz4)
    {
        return decode(buffer, offset, lz4);
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

    public int chunkIndex()
    {
        return buffer.getInt(offset + CHUNK_INDEX_OFFSET, LITTLE_ENDIAN);
    }

    public int blockLength()
    {
        return buffer.getShort(offset + BLOCK_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public long coversThrough()
    {
        return buffer.getLong(offset + COVERS_THROUGH_OFFSET, LITTLE_ENDIAN);
    }

    public long after()
    {
        return buffer.getLong(offset + AFTER_OFFSET, LITTLE_ENDIAN);
    }

    public long through()
    {
        return buffer.getLong(offset + THROUGH_OFFSET, LITTLE_ENDIAN);
    }

    public int recordCount()
    {
        return header.count();
    }

    public int unsealedLength()
    {
        return BLOCK_OFFSET + blockLength();
    }

    private static int decode(final DirectBuffer buffer, final int offset, final Lz4Block lz4)
    {
        final int count = buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        final int blockLength = buffer.getShort(offset + BLOCK_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (count > MAX_RECORDS || (count == 0) != (blockLength == 0) || blockLength > MAX_BLOCK_LENGTH)
        {
            return -1;
        }
        final int raw = lz4.decompress(buffer, offset + BLOCK_OFFSET, blockLength);
        return raw == count * BanRecordFlyweight.LENGTH ? count : -1;
    }

    /**
     * Structure, block included: the block decompresses to exactly {@code count} records, each well formed, of the
     * chunk's origin and with origin sequence in {@code (after, through]}; {@code after < through ≤ covers_through}.
     *
     * @param lz4    scratch for the decompressed records.
     * @param record a scratch flyweight.
     */
    public static boolean isWellFormed(
        final DirectBuffer buffer, final int offset, final int length, final Lz4Block lz4, final BanRecordFlyweight record)
    {
        final int blockLength = buffer.getShort(offset + BLOCK_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        final int origin = buffer.getInt(offset + ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN);
        final long covers = buffer.getLong(offset + COVERS_THROUGH_OFFSET, LITTLE_ENDIAN);
        final long after = buffer.getLong(offset + AFTER_OFFSET, LITTLE_ENDIAN);
        final long through = buffer.getLong(offset + THROUGH_OFFSET, LITTLE_ENDIAN);
        if (length != frameLength(blockLength) || origin == 0 || buffer.getInt(offset + SESSION_ID_OFFSET, LITTLE_ENDIAN) == 0 ||
            buffer.getShort(offset + RESERVED_OFFSET, LITTLE_ENDIAN) != 0 || after < 0 || through <= after || covers < through)
        {
            return false;
        }
        final int count = decode(buffer, offset, lz4);
        for (int i = 0; i < count; i++)
        {
            record.wrap(lz4.raw(), i * BanRecordFlyweight.LENGTH);
            final long sequence = record.originSequence();
            if (!record.isWellFormed() || record.originNodeId() != origin || sequence <= after || sequence > through)
            {
                return false;
            }
        }
        return count >= 0;
    }
}
