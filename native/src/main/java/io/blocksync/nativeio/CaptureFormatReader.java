package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * One container format's framing, driven by {@link PcapStreamDecoder}: it says how long the next unit (file
 * header, record or block) is from the bytes present, and decodes a unit once it is whole.
 */
interface CaptureFormatReader
{
    /**
     * @param buffer    holding the start of the unit.
     * @param offset    of the unit's first byte.
     * @param available bytes present from offset, at least 1.
     * @return bytes the unit needs in total as far as the bytes present tell (ask again with more), or -1 if the
     * framing is broken and the stream was stopped.
     */
    int requiredLength(DirectBuffer buffer, int offset, int available);

    /**
     * @param buffer holding the whole unit.
     * @param offset of its first byte.
     * @param length as last returned by {@link #requiredLength(DirectBuffer, int, int)}.
     * @return packets delivered, 0 or 1.
     */
    int onUnit(DirectBuffer buffer, int offset, int length);

    /**
     * The stream ended inside a unit: report it as a truncated packet or an error.
     *
     * @param buffer holding the bytes present from offset 0.
     * @param length bytes present, at least 1.
     */
    void onIncompleteUnit(DirectBuffer buffer, int length);

    /**
     * Forget the current stream; counters are kept.
     */
    void reset();

    /**
     * @return byte order of the pcap file or of the current pcapng section.
     */
    ByteOrder byteOrder();

    /**
     * @return pcap: the file's link type; pcapng: the first interface's; -1 before it is known.
     */
    int linkType();

    /**
     * @return pcap: the file's snap length; pcapng: the first interface's; 0 if unknown or unlimited.
     */
    int snapLength();
}
