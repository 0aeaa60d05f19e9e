package io.blocksync.nativeio;

import java.nio.ByteOrder;

/**
 * What the capture file says about one packet record, handed to a {@link PacketHandler} beside the packet bytes.
 * One instance is reused for every record of a stream; copy what you need before the callback returns.
 * <p>
 * A reader fills it in three steps, each one fluent setter: where the record sits in the stream
 * ({@link #position(long, long)}), which interface captured it ({@link #link(int, ByteOrder, int)}) and what
 * the record header says about the packet ({@link #packet(long, long, long)}).
 */
public final class CaptureRecord
{
    private int linkType;
    private ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
    private long timestampNanos;
    private long capturedLength;
    private long originalLength;
    private long streamOffset;
    private long index;
    private int interfaceId;

    /**
     * @return the LINKTYPE_ value of the record's interface (pcap: the file header; pcapng: its interface block).
     */
    public int linkType()
    {
        return linkType;
    }

    /**
     * @return the byte order of the file or pcapng section, which is the capturing host's order.
     */
    public ByteOrder byteOrder()
    {
        return byteOrder;
    }

    /**
     * @return capture time in nanoseconds since the epoch; 0 for pcapng simple packet blocks, which carry none.
     */
    public long timestampNanos()
    {
        return timestampNanos;
    }

    /**
     * @return how many packet bytes the record header claims; more than were delivered for a truncated record.
     */
    public long capturedLength()
    {
        return capturedLength;
    }

    /**
     * @return the packet's length on the wire.
     */
    public long originalLength()
    {
        return originalLength;
    }

    /**
     * @return byte offset of the record (or block) in the stream, for operator messages.
     */
    public long streamOffset()
    {
        return streamOffset;
    }

    /**
     * @return 1 for the first packet record of the stream, 2 for the next, and so on.
     */
    public long index()
    {
        return index;
    }

    /**
     * @return pcapng interface id; 0 for pcap.
     */
    public int interfaceId()
    {
        return interfaceId;
    }

    /**
     * @param streamOffset byte offset of the record in its stream.
     * @param index        1-based index of the record in its stream.
     * @return this for chaining.
     */
    CaptureRecord position(final long streamOffset, final long index)
    {
        this.streamOffset = streamOffset;
        this.index = index;

        return this;
    }

    /**
     * @param linkType    LINKTYPE_ value of the capturing interface.
     * @param byteOrder   of the file or section.
     * @param interfaceId pcapng interface id, 0 for pcap.
     * @return this for chaining.
     */
    CaptureRecord link(final int linkType, final ByteOrder byteOrder, final int interfaceId)
    {
        this.linkType = linkType;
        this.byteOrder = byteOrder;
        this.interfaceId = interfaceId;

        return this;
    }

    /**
     * @param timestampNanos capture time, nanoseconds since the epoch, 0 if unknown.
     * @param capturedLength packet bytes the record header claims.
     * @param originalLength the packet's length on the wire.
     * @return this for chaining.
     */
    CaptureRecord packet(final long timestampNanos, final long capturedLength, final long originalLength)
    {
        this.timestampNanos = timestampNanos;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;

        return this;
    }
}
