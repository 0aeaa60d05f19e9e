package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

/**
 * Receives what a {@link PcapStreamDecoder} finds in a capture stream. The buffer and the record are only valid
 * during the callback: they may be the caller's input buffer or the decoder's own.
 */
public interface PacketHandler
{
    /**
     * A complete packet record.
     *
     * @param buffer holding the captured bytes.
     * @param offset of the first link-layer byte.
     * @param length captured bytes, equal to {@link CaptureRecord#capturedLength()}.
     * @param record what the capture file says about the packet.
     */
    void onPacket(DirectBuffer buffer, int offset, int length, CaptureRecord record);

    /**
     * The stream ended inside the last packet record: only part of its captured bytes are present.
     *
     * @param buffer holding the bytes that are present.
     * @param offset of the first link-layer byte.
     * @param length bytes present, less than {@link CaptureRecord#capturedLength()}.
     * @param record what the capture file says about the packet.
     */
    void onTruncatedPacket(DirectBuffer buffer, int offset, int length, CaptureRecord record);

    /**
     * The stream framing is broken. If {@link DecodeError#isFatal()} the decoder has stopped the stream; otherwise
     * one block was skipped, or the stream ended before a record header was complete.
     *
     * @param error        what is wrong; {@link DecodeError#appendMessage(StringBuilder, long, long)} words it.
     * @param streamOffset byte offset of the record or block in the stream.
     * @param value        the offending value.
     * @param limit        the expected value or bound.
     */
    void onCaptureError(DecodeError error, long streamOffset, long value, long limit);
}
