package io.blocksync.nativeio;

import java.nio.ByteOrder;

/**
 * Writes pcap and pcapng captures from the file format definitions, in either byte order.
 */
final class CaptureBuilder
{
    private CaptureBuilder()
    {
    }

    /**
     * A pcap capture; its records are added with {@link Pcap#record}.
     */
    static Pcap pcap(final ByteOrder order, final boolean nanos, final int snapLength, final int linkType)
    {
        return new Pcap(order, nanos, snapLength, linkType);
    }

    static Pcapng pcapng(final ByteOrder order)
    {
        return new Pcapng(order);
    }

    static final class Pcap
    {
        private final ByteWriter out;

        private Pcap(final ByteOrder order, final boolean nanos, final int snapLength, final int linkType)
        {
            out = new ByteWriter(order)
                .u32(nanos ? PcapRecordReader.MAGIC_NANOS : PcapRecordReader.MAGIC_MICROS)
                .u16(2).u16(4).u32(0).u32(0).u32(snapLength).u32(linkType);
        }

        Pcap record(final long seconds, final long fraction, final byte[] data)
        {
            return record(seconds, fraction, data, data.length, data.length);
        }

        Pcap record(
            final long seconds, final long fraction, final byte[] data, final long capturedLength, final long original)
        {
            out.u32(seconds).u32(fraction).u32(capturedLength).u32(original).bytes(data);
            return this;
        }

        byte[] toArray()
        {
            return out.toArray();
        }
    }

    static final class Pcapng
    {
        private final ByteWriter out;

        private Pcapng(final ByteOrder order)
        {
            out = new ByteWriter(order);
        }

        /**
         * Start a section; later blocks are written in its byte order.
         */
        Pcapng section(final ByteOrder order)
        {
            out.order(order);
            final int start = out.length();
            out.u32(PcapngBlockReader.SECTION_HEADER_BLOCK).u32(0)
                .u32(PcapngBlockReader.BYTE_ORDER_MAGIC).u16(1).u16(0).u64(-1L)
                // shb_userappl option, to prove options are stepped over.
                .u16(4).u16(5).text("tests", 8).u16(0).u16(0);
            return close(start);
        }

        /**
         * @param timestampResolution the if_tsresol byte, or -1 for none (microseconds).
         */
        Pcapng interfaceDescription(final int linkType, final int snapLength, final int timestampResolution)
        {
            final int start = out.length();
            out.u32(PcapngBlockReader.INTERFACE_DESCRIPTION_BLOCK).u32(0).u16(linkType).u16(0).u32(snapLength);
            out.u16(2).u16(6).text("pflog0", 8);
            if (timestampResolution >= 0)
            {
                out.u16(PcapngBlockReader.OPTION_IF_TSRESOL).u16(1).u8(timestampResolution).zeros(3);
            }
            out.u16(0).u16(0);
            return close(start);
        }

        Pcapng enhancedPacket(final int interfaceId, final long timestamp, final byte[] data, final long original)
        {
            final int start = out.length();
            out.u32(PcapngBlockReader.ENHANCED_PACKET_BLOCK).u32(0).u32(interfaceId)
                .u32(timestamp >>> 32).u32(timestamp).u32(data.length).u32(original).bytes(data).padTo4()
                // epb_flags option: inbound.
                .u16(2).u16(4).u32(1).u16(0).u16(0);
            return close(start);
        }

        Pcapng simplePacket(final byte[] data)
        {
            final int start = out.length();
            out.u32(PcapngBlockReader.SIMPLE_PACKET_BLOCK).u32(0).u32(data.length).bytes(data).padTo4();
            return close(start);
        }

        Pcapng block(final int type, final byte[] body)
        {
            final int start = out.length();
            out.u32(type).u32(0).bytes(body).padTo4();
            return close(start);
        }

        byte[] toArray()
        {
            return out.toArray();
        }

        private Pcapng close(final int start)
        {
            final int length = out.length() - start + 4;
            out.u32(length);
            out.putU32At(start + 4, length);
            return this;
        }
    }
}
