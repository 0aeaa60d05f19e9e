package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PacketHandler} that copies everything it is given, for stream decoder tests.
 */
final class RecordCollector implements PacketHandler
{
    record Seen(
        boolean truncated,
        byte[] data,
        int linkType,
        ByteOrder byteOrder,
        long timestampNanos,
        long capturedLength,
        long originalLength,
        long streamOffset,
        long index,
        int interfaceId)
    {
    }

    record Error(DecodeError error, long streamOffset, long value, long limit)
    {
    }

    final List<Seen> packets = new ArrayList<>();
    final List<Error> errors = new ArrayList<>();

    @Override
    public void onPacket(final DirectBuffer buffer, final int offset, final int length, final CaptureRecord record)
    {
        packets.add(copy(false, buffer, offset, length, record));
    }

    @Override
    public void onTruncatedPacket(
        final DirectBuffer buffer, final int offset, final int length, final CaptureRecord record)
    {
        packets.add(copy(true, buffer, offset, length, record));
    }

    @Override
    public void onCaptureError(final DecodeError error, final long streamOffset, final long value, final long limit)
    {
        errors.add(new Error(error, streamOffset, value, limit));
    }

    private static Seen copy(
        final boolean truncated,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final CaptureRecord record)
    {
        final byte[] data = new byte[length];
        buffer.getBytes(offset, data);
        return new Seen(
            truncated,
            data,
            record.linkType(),
            record.byteOrder(),
            record.timestampNanos(),
            record.capturedLength(),
            record.originalLength(),
            record.streamOffset(),
            record.index(),
            record.interfaceId());
    }
}
