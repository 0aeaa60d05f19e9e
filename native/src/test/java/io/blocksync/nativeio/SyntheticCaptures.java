package io.blocksync.nativeio;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static io.blocksync.nativeio.TestPackets.cString;
import static io.blocksync.nativeio.TestPackets.ipv4;
import static io.blocksync.nativeio.TestPackets.ipv6;
import static io.blocksync.nativeio.TestPackets.nflog;
import static io.blocksync.nativeio.TestPackets.pflog;
import static io.blocksync.nativeio.TestPackets.tcp;
import static io.blocksync.nativeio.TestPackets.tlv;
import static io.blocksync.nativeio.TestPackets.udp;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Whole captures built in the test, covering every link type, header variant and container the decoders know.
 */
final class SyntheticCaptures
{
    private SyntheticCaptures()
    {
    }

    static List<byte[]> all()
    {
        return List.of(
            pflogPcap(LITTLE_ENDIAN),
            pflogPcap(BIG_ENDIAN),
            nflogPcapng(LITTLE_ENDIAN),
            nflogPcapng(BIG_ENDIAN),
            truncatedAtTheEnd());
    }

    static byte[] pflogPcap(final ByteOrder order)
    {
        return CaptureBuilder.pcap(order, false, 160, LinkType.PFLOG)
            .record(1_700_000_000L, 1, pflog(61, order, 2, 1, "em0", "", 3, 1,
                ipv4("192.0.2.10", "198.51.100.1", TestPackets.TCP, tcp(40001, 22))))
            .record(1_700_000_000L, 2, pflog(69, order, 28, 1, "vtnet0", "guard", 4, 1,
                ipv6("2001:db8::10", "2001:db8::1", TestPackets.UDP, udp(40002, 53, 8))))
            .record(1_700_000_000L, 3, pflog(100, order, 24, 0, "vio0", "", 5, 2,
                ipv6("2001:db8::11", "2001:db8::1", TestPackets.ICMPV6, TestPackets.icmp(128, 0))))
            .record(1_700_000_000L, 4, pflog(61, order, 30, 1, "en0", "", 6, 1,
                ipv6("2001:db8::12", "2001:db8::1", TestPackets.TCP, tcp(40003, 443))))
            .toArray();
    }

    static byte[] nflogPcapng(final ByteOrder order)
    {
        final byte[] syn = ipv4("203.0.113.20", "192.0.2.1", TestPackets.TCP, tcp(50000, 22));
        return CaptureBuilder.pcapng(order)
            .section(order)
            .interfaceDescription(LinkType.NFLOG, 0, 9)
            .interfaceDescription(LinkType.RAW, 0, -1)
            .enhancedPacket(0, 1_700_000_000_000_000_001L, nflog(2, 5,
                tlv(order, NflogRecordDecoder.TYPE_PACKET_HDR, new byte[]{ 8, 0, 1, 0 }),
                tlv(order, NflogRecordDecoder.TYPE_PREFIX, cString("bs-test")),
                tlv(order, NflogRecordDecoder.TYPE_PAYLOAD, syn)), 200)
            .enhancedPacket(1, 1_700_000_000_000_002L, syn, syn.length)
            .block(0x40000BAD, new byte[13])
            .enhancedPacket(0, 1_700_000_000_000_000_003L, nflog(2, 6,
                tlv(order, NflogRecordDecoder.TYPE_PAYLOAD, Arrays.copyOf(syn, 22))), 200)
            .toArray();
    }

    static byte[] truncatedAtTheEnd()
    {
        final byte[] whole = pflogPcap(LITTLE_ENDIAN);
        return Arrays.copyOf(whole, whole.length - 7);
    }
}
