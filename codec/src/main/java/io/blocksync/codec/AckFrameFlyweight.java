package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.blocksync.codec.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * An ACK frame: the header's sender acknowledges the BATCH stream of node {@code streamSenderId}.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                     Header (24 bytes, count 0)                |  0
 *  +---------------------------------------------------------------+
 *  |                       Stream Sender Id                        | 24
 *  +---------------------------------------------------------------+
 *  |                 Receive Window (batches, 0-1024)              | 28
 *  +---------------------------------------------------------------+
 *  |             Cumulative Stream Sequence (64 bits)              | 32
 *  +---------------------------------------------------------------+
 *  |                  Selective Bitmap (64 bits)                   | 40
 *  +---------------------------------------------------------------+
 *  |                          Tag (16 bytes)                       | 48
 *  +---------------------------------------------------------------+
 * </pre>
 * Every stream sequence up to and including the cumulative one has been received (0: none yet). Bit i of the
 * bitmap (bit 0 least significant) says stream sequence {@code cumulative + 1 + i} has been received too; bit 0
 * is therefore always clear. The receive window is how many stream sequences beyond the cumulative one the receiver
 * invites now (flow control: the sender sends a batch for the first time only while its stream sequence is at most
 * {@code cumulative + receive window}); 0 asks it to send nothing new until a later ACK opens the window, at most
 * {@link #MAX_RECEIVE_WINDOW}, the receiver's selective window. {@link #begin} writes the maximum.
 */
public final class AckFrameFlyweight
{
    static final int STREAM_SENDER_ID_OFFSET = HEADER_LENGTH;
    static final int RECEIVE_WINDOW_OFFSET = STREAM_SENDER_ID_OFFSET + 4;
    static final int CUMULATIVE_OFFSET = RECEIVE_WINDOW_OFFSET + 4;
    static final int SELECTIVE_BITMAP_OFFSET = CUMULATIVE_OFFSET + 8;
    public static final int UNSEALED_LENGTH = SELECTIVE_BITMAP_OFFSET + 8;
    public static final int FRAME_LENGTH = UNSEALED_LENGTH + TAG_LENGTH;
    public static final int SELECTIVE_RANGE = 64;
    /** The largest receive window: the batches beyond its cumulative point a receiver can record (1024). */
    public static final int MAX_RECEIVE_WINDOW = 1024;

    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public AckFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        header.wrap(buffer, offset);
        return this;
    }

    public AckFrameFlyweight begin(final MutableDirectBuffer buffer, final int offset)
    {
        wrap(buffer, offset);
        header.begin(FrameType.ACK, 0);
        mutableBuffer.setMemory(offset + HEADER_LENGTH, UNSEALED_LENGTH - HEADER_LENGTH, (byte)0);
        mutableBuffer.putInt(offset + RECEIVE_WINDOW_OFFSET, MAX_RECEIVE_WINDOW, LITTLE_ENDIAN);
        return this;
    }

    /** Stream sequences beyond {@link #cumulative()} the receiver invites now, 0 to {@link #MAX_RECEIVE_WINDOW}. */
    public int receiveWindow()
    {
        return buffer.getInt(offset + RECEIVE_WINDOW_OFFSET, LITTLE_ENDIAN);
    }

    /** @param batches 0 to {@link #MAX_RECEIVE_WINDOW}. */
    public AckFrameFlyweight receiveWindow(final int batches)
    {
        mutableBuffer.putInt(offset + RECEIVE_WINDOW_OFFSET, batches, LITTLE_ENDIAN);
        return this;
    }

    public FrameHeaderFlyweight header()
    {
        return header;
    }

    public int streamSenderId()
    {
        return buffer.getInt(offset + STREAM_SENDER_ID_OFFSET, LITTLE_ENDIAN);
    }

    public AckFrameFlyweight streamSenderId(final int streamSenderId)
    {
        mutableBuffer.putInt(offset + STREAM_SENDER_ID_OFFSET, streamSenderId, LITTLE_ENDIAN);
        return this;
    }

    public long cumulative()
    {
        return buffer.getLong(offset + CUMULATIVE_OFFSET, LITTLE_ENDIAN);
    }

    public AckFrameFlyweight cumulative(final long cumulative)
    {
        mutableBuffer.putLong(offset + CUMULATIVE_OFFSET, cumulative, LITTLE_ENDIAN);
        return this;
    }

    public long selectiveBitmap()
    {
        return buffer.getLong(offset + SELECTIVE_BITMAP_OFFSET, LITTLE_ENDIAN);
    }

    public AckFrameFlyweight selectiveBitmap(final long selectiveBitmap)
    {
        mutableBuffer.putLong(offset + SELECTIVE_BITMAP_OFFSET, selectiveBitmap, LITTLE_ENDIAN);
        return this;
    }

    /** True when the ack says stream sequence {@code streamSequence} has been received. */
    public boolean acknowledges(final long streamSequence)
    {
        final long cumulative = cumulative();
        if (streamSequence <= cumulative)
        {
            return true;
        }
        final long bit = streamSequence - cumulative - 1;
        return bit < SELECTIVE_RANGE && (selectiveBitmap() & (1L << bit)) != 0;
    }

    public static boolean isWellFormed(final DirectBuffer buffer, final int offset, final int length)
    {
        return length == FRAME_LENGTH &&
            (buffer.getShort(offset + FrameHeaderFlyweight.COUNT_OFFSET, LITTLE_ENDIAN)) == 0 &&
            Integer.compareUnsigned(buffer.getInt(offset + RECEIVE_WINDOW_OFFSET, LITTLE_ENDIAN), MAX_RECEIVE_WINDOW) <= 0 &&
            buffer.getLong(offset + CUMULATIVE_OFFSET, LITTLE_ENDIAN) >= 0 &&
            (buffer.getLong(offset + SELECTIVE_BITMAP_OFFSET, LITTLE_ENDIAN) & 1L) == 0;
    }
}
