package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

/**
 * Glue between a {@link PcapStreamDecoder} and the detector: decodes every packet record into the one reused
 * {@link AttackEvent} and hands it on, counting the outcomes. Failed records and stream errors reach the handler
 * too, as events whose result is not OK, so a CLI can print them and a source can count them.
 */
public final class CaptureEventDecoder implements PacketHandler
{
    private final AttackEventHandler handler;
    private final PacketEventDecoder decoder = new PacketEventDecoder();
    private final AttackEvent event = new AttackEvent();

    private long okCount;
    private long malformedCount;
    private long truncatedCount;
    private long unsupportedCount;
    private long captureErrorCount;

    /**
     * @param handler receives every event on the thread that feeds the stream decoder.
     */
    public CaptureEventDecoder(final AttackEventHandler handler)
    {
        this.handler = handler;
    }

    @Override
    public void onPacket(final DirectBuffer buffer, final int offset, final int length, final CaptureRecord record)
    {
        decoder.decode(record, buffer, offset, length, event);
        event.record(record.index(), record.streamOffset());
        deliver();
    }

    @Override
    public void onTruncatedPacket(
        final DirectBuffer buffer, final int offset, final int length, final CaptureRecord record)
    {
        // Keep what the bytes present decode to, but the record itself is what was cut short.
        decoder.decode(record, buffer, offset, length, event);
        event.record(record.index(), record.streamOffset());
        event.error(DecodeError.RECORD_TRUNCATED, length, length, record.capturedLength());
        deliver();
    }

    @Override
    public void onCaptureError(final DecodeError error, final long streamOffset, final long value, final long limit)
    {
        captureErrorCount++;
        event.reset().error(error, streamOffset, value, limit);
        handler.onEvent(event);
    }

    /**
     * @return the decoder, for the fields of the last record that the event does not carry.
     */
    public PacketEventDecoder packetDecoder()
    {
        return decoder;
    }

    public long okCount()
    {
        return okCount;
    }

    public long malformedCount()
    {
        return malformedCount;
    }

    public long truncatedCount()
    {
        return truncatedCount;
    }

    public long unsupportedCount()
    {
        return unsupportedCount;
    }

    /**
     * @return stream framing errors, which are not counted as records.
     */
    public long captureErrorCount()
    {
        return captureErrorCount;
    }

    private void deliver()
    {
        switch (event.result())
        {
            case OK:
                okCount++;
                break;
            case MALFORMED:
                malformedCount++;
                break;
            case TRUNCATED:
                truncatedCount++;
                break;
            default:
                unsupportedCount++;
                break;
        }
        handler.onEvent(event);
    }
}
