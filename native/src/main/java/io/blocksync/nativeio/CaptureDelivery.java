package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

/**
 * The output side of a {@link PcapStreamDecoder}, shared by its format readers: hands packets and errors to the
 * {@link PacketHandler}, keeps the position in the current stream, whether the stream was stopped, and the counters
 * over all streams. Not thread safe.
 */
final class CaptureDelivery
{
    private final PacketHandler handler;
    private final CaptureRecord record = new CaptureRecord();

    private long streamOffset;
    private long recordIndex;
    private boolean stopped;
    private DecodeError lastError = DecodeError.NONE;
    private long packetCount;
    private long truncatedCount;
    private long errorCount;

    CaptureDelivery(final PacketHandler handler)
    {
        this.handler = handler;
    }

    /**
     * @return the reused record, positioned as the next record of the stream; the caller fills in the rest.
     */
    CaptureRecord nextRecord()
    {
        return record.position(streamOffset, ++recordIndex);
    }

    /**
     * Hand over a whole packet described by the record last returned from {@link #nextRecord()}.
     *
     * @return 1, the packets delivered.
     */
    int packet(final DirectBuffer buffer, final int offset, final int length)
    {
        packetCount++;
        handler.onPacket(buffer, offset, length, record);

        return 1;
    }

    /**
     * Hand over the last record of an ended stream. One whose packet bytes are all present lost only its block
     * trailer or options: it is whole.
     *
     * @param present  packet bytes present from offset.
     * @param captured packet bytes the record header claims.
     */
    void lastPacket(final DirectBuffer buffer, final int offset, final int present, final long captured)
    {
        if (present >= captured)
        {
            packetCount++;
            handler.onPacket(buffer, offset, present, record);
        }
        else
        {
            truncatedCount++;
            handler.onTruncatedPacket(buffer, offset, present, record);
        }
    }

    /**
     * Report a problem at the current stream offset; the stream goes on.
     */
    void report(final DecodeError error, final long value, final long limit)
    {
        errorCount++;
        lastError = error;
        handler.onCaptureError(error, streamOffset, value, limit);
    }

    /**
     * Report a problem that leaves the next record boundary unknown: the rest of the stream is ignored.
     *
     * @return -1, for a required length that means "stopped".
     */
    int stop(final DecodeError error, final long value, final long limit)
    {
        stopped = true;
        report(error, value, limit);

        return -1;
    }

    void advance(final int length)
    {
        streamOffset += length;
    }

    void newStream()
    {
        streamOffset = 0;
        recordIndex = 0;
        stopped = false;
    }

    boolean isStopped()
    {
        return stopped;
    }

    long streamOffset()
    {
        return streamOffset;
    }

    DecodeError lastError()
    {
        return lastError;
    }

    long packetCount()
    {
        return packetCount;
    }

    long truncatedCount()
    {
        return truncatedCount;
    }

    long errorCount()
    {
        return errorCount;
    }
}
