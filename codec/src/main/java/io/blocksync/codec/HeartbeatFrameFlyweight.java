package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A HEARTBEAT frame: liveness, the bounds of the sender's BATCH stream, its clock, and one page of its per-origin
 * high-water marks, so a peer that is behind knows to catch up (anti-entropy), in a fleet of any size.
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
 *  |             High-Water Digest (64 bits)                       | 56
 *  +---------------------------------------------------------------+
 *  |        Page After (32 bits)   |     Page Through (32 bits)    | 64
 *  +---------------------------------------------------------------+
 *  |  entry i at 72 + 16 i:  Origin Node Id (32) | Reserved (32)   |
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
 * <p>
 * The entries are one page of the sender's high-water list: every origin it keeps a mark for whose node id (unsigned)
 * is in {@code (page_after, page_through]}, in ascending id order; an origin in that range not listed is one the
 * sender does not know. Successive heartbeats page through the list ({@code page_through} 0xFFFFFFFF ends it), so the
 * frame stays within {@link #MAX_ENTRIES} entries however many origins there are. The digest is
 * {@link #digestTerm} summed over the sender's whole list (mod 2^64): a receiver whose own list gives the same digest
 * is in step with the sender on every origin, and a sender may send a peer that stated its own digest in step an
 * empty page ({@code page_after} = {@code page_through} = 0). An entry's high water is the origin sequence up to
 * which the sender holds every record of that origin.
 */
public final class HeartbeatFrameFlyweight
{
    static final int STREAM_NEXT_SEQUENCE_OFFSET = HEADER_LENGTH;
    static final int STREAM_OLDEST_RETAINED_OFFSET = STREAM_NEXT_SEQUENCE_OFFSET + 8;
    static final int SENDER_TIME_MILLIS_OFFSET = STREAM_OLDEST_RETAINED_OFFSET + 8;
    static final int SENDER_HLC_OFFSET = SENDER_TIME_MILLIS_OFFSET + 8;
    static final int DIGEST_OFFSET = SENDER_HLC_OFFSET + 8;
    static final int PAGE_AFTER_OFFSET = DIGEST_OFFSET + 8;
    static final int PAGE_THROUGH_OFFSET = PAGE_AFTER_OFFSET + 4;
    static final int ENTRIES_OFFSET = PAGE_THROUGH_OFFSET + 4;
    static final int ENTRY_ORIGIN_NODE_ID_OFFSET = 0;
    static final int ENTRY_RESERVED_OFFSET = 4;
    static final int ENTRY_HIGH_WATER_OFFSET = 8;
    public static final int ENTRY_LENGTH = 16;
    public static final int MAX_ENTRIES = (MAX_DATAGRAM_LENGTH - ENTRIES_OFFSET - TAG_LENGTH) / ENTRY_LENGTH;
    /** {@code page_through} of the last page: it reaches the end of the list. */
    public static final int END_OF_LIST = 0xFFFF_FFFF;

    /**
     * One origin's share of the digest: SplitMix64's finalizer ({@link #mix}) of the finalized node id (as an unsigned
     * 64-bit value) XOR the high water. The digest is the sum of the shares of every origin in the list, modulo 2^64,
     * so it is updated in O(1) when one mark moves. Not a security property: a peer that states a false digest only
     * delays what it gets or gives by catch-up.
     */
    public static long digestTerm(final int originNodeId, final long highWater)
    {
        return mix(mix(originNodeId & 0xFFFF_FFFFL) ^ highWater);
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijection of 64-bit values that spreads every bit. */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

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
        buffer.putLong(offset + DIGEST_OFFSET, 0, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_AFTER_OFFSET, 0, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_THROUGH_OFFSET, END_OF_LIST, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Set the page (after {@link #begin}, which states the whole list with digest 0): the entries that follow list every origin the sender knows with an id in {@code (after, through]}.
     *
     * @param digest  the digest of the sender's whole high-water list.
     * @param after   node id the page starts after (0 for the first page).
     * @param through node id the page ends with ({@link #END_OF_LIST} for the last page); not below {@code after}.
     */
    public HeartbeatFrameFlyweight page(final long digest, final int after, final int through)
    {
        mutableBuffer.putLong(offset + DIGEST_OFFSET, digest, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + PAGE_AFTER_OFFSET, after, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + PAGE_THROUGH_OFFSET, through, LITTLE_ENDIAN);
        return this;
    }

    /** The digest of the sender's whole high-water list (sum of {@link #digestTerm}s, mod 2^64). */
    public long digest()
    {
        return buffer.getLong(offset + DIGEST_OFFSET, LITTLE_ENDIAN);
    }

    /** The page starts after this node id (unsigned). */
    public int pageAfter()
    {
        return buffer.getInt(offset + PAGE_AFTER_OFFSET, LITTLE_ENDIAN);
    }

    /** The page ends with this node id (unsigned); {@link #END_OF_LIST} for the last page. */
    public int pageThrough()
    {
        return buffer.getInt(offset + PAGE_THROUGH_OFFSET, LITTLE_ENDIAN);
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

        final int after = buffer.getInt(offset + PAGE_AFTER_OFFSET, LITTLE_ENDIAN);
        final int through = buffer.getInt(offset + PAGE_THROUGH_OFFSET, LITTLE_ENDIAN);
        if (Integer.compareUnsigned(after, through) > 0)
        {
            return false;
        }
        int previous = after;
        for (int i = 0; i < count; i++)
        {
            final int entryOffset = offset + ENTRIES_OFFSET + i * ENTRY_LENGTH;
            final int origin = buffer.getInt(entryOffset + ENTRY_ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN);
            // Ascending, each inside the page: a receiver merges them with its own list in one pass.
            if (Integer.compareUnsigned(origin, previous) <= 0 || Integer.compareUnsigned(origin, through) > 0 ||
                buffer.getInt(entryOffset + ENTRY_RESERVED_OFFSET, LITTLE_ENDIAN) != 0 ||
                buffer.getLong(entryOffset + ENTRY_HIGH_WATER_OFFSET, LITTLE_ENDIAN) < 0)
            {
                return false;
            }
            previous = origin;
        }
        return true;
    }
}
