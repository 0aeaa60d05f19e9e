package io.blocksync.nativeio;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.blocksync.nativeio.IpProtocol.DESTINATION_OPTIONS;
import static io.blocksync.nativeio.IpProtocol.FRAGMENT;
import static io.blocksync.nativeio.IpProtocol.HOP_BY_HOP;
import static io.blocksync.nativeio.IpProtocol.ROUTING;
import static io.blocksync.nativeio.TestPackets.concat;
import static io.blocksync.nativeio.TestPackets.extension;
import static io.blocksync.nativeio.TestPackets.fragmentHeader;
import static io.blocksync.nativeio.TestPackets.icmp;
import static io.blocksync.nativeio.TestPackets.ipv4;
import static io.blocksync.nativeio.TestPackets.ipv6;
import static io.blocksync.nativeio.TestPackets.tcp;
import static io.blocksync.nativeio.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpPacketDecoderTest
{
    private final IpPacketDecoder decoder = new IpPacketDecoder();
    private final IpPrefix prefix = new IpPrefix();

    @Test
    void ipv4TcpWithOptionsGivesAddressesAndPorts()
    {
        final byte[] packet = ipv4("203.0.113.50", "192.0.2.1", TestPackets.TCP, 2, 0, tcp(61000, 22));

        assertEquals(DecodeError.NONE, decode(packet));

        assertEquals(4, decoder.version());
        assertEquals(TestPackets.TCP, decoder.protocol());
        assertEquals(28, decoder.transportOffset());
        assertEquals(61000, decoder.sourcePort());
        assertEquals(22, decoder.destinationPort());
        decoder.getSource(prefix);
        assertEquals("203.0.113.50", prefix.toString());
        assertEquals(32, prefix.prefixLength());
        decoder.getDestination(prefix);
        assertEquals("192.0.2.1", prefix.toString());
        final byte[] raw = new byte[16];
        decoder.getSourceBytes(raw);
        assertArrayEquals(new byte[]{ (byte)203, 0, 113, 50 }, java.util.Arrays.copyOf(raw, 4));
        assertFalse(decoder.isFragment());
        assertFalse(decoder.isPacketTruncated());
    }

    @Test
    void icmpHasTypeAndCodeButNoPorts()
    {
        assertEquals(DecodeError.NONE, decode(ipv4("198.51.100.7", "192.0.2.1", TestPackets.ICMP, icmp(8, 0))));

        assertEquals(8, decoder.icmpType());
        assertEquals(0, decoder.icmpCode());
        assertEquals(-1, decoder.sourcePort());
        assertEquals(-1, decoder.destinationPort());
    }

    @Test
    void onlyTheFirstIpv4FragmentHasPorts()
    {
        final byte[] first = ipv4("192.0.2.9", "192.0.2.1", TestPackets.UDP, 0, 0x2000, udp(500, 4500, 16));
        assertEquals(DecodeError.NONE, decode(first));
        assertTrue(decoder.isFragment());
        assertFalse(decoder.isLaterFragment());
        assertEquals(4500, decoder.destinationPort());

        final byte[] later = ipv4("192.0.2.9", "192.0.2.1", TestPackets.UDP, 0, 3, new byte[]{ 1, 2, 3, 4, 5, 6 });
        assertEquals(DecodeError.NONE, decode(later));
        assertTrue(decoder.isLaterFragment());
        assertEquals(TestPackets.UDP, decoder.protocol());
        assertEquals(-1, decoder.destinationPort());
        assertEquals(-1, decoder.transportOffset());
    }

    @Test
    void ipv6ExtensionHeadersAreSkippedToTheTransportHeader()
    {
        final byte[] packet = ipv6("2001:db8::5", "2001:db8::1", HOP_BY_HOP, concat(
            extension(ROUTING, new byte[0]),
            extension(DESTINATION_OPTIONS, new byte[0]),
            extension(FRAGMENT, new byte[0]),
            fragmentHeader(TestPackets.TCP, 0, true, tcp(33000, 80))));

        assertEquals(DecodeError.NONE, decode(packet));

        assertEquals(6, decoder.version());
        assertEquals(TestPackets.TCP, decoder.protocol());
        assertEquals(40 + 8 * 4, decoder.transportOffset());
        assertEquals(80, decoder.destinationPort());
        assertTrue(decoder.isFragment());
        assertFalse(decoder.isLaterFragment());
        decoder.getSource(prefix);
        assertEquals("2001:db8::5", prefix.toString());
        assertEquals(128, prefix.prefixLength());
    }

    @Test
    void laterIpv6FragmentHasTheProtocolButNoPorts()
    {
        final byte[] packet = ipv6("2001:db8::5", "2001:db8::1", FRAGMENT,
            fragmentHeader(TestPackets.UDP, 185, false, new byte[24]));

        assertEquals(DecodeError.NONE, decode(packet));

        assertTrue(decoder.isLaterFragment());
        assertEquals(TestPackets.UDP, decoder.protocol());
        assertEquals(-1, decoder.sourcePort());
    }

    @Test
    void icmpv6NeighbourSolicitation()
    {
        assertEquals(DecodeError.NONE, decode(ipv6("fe80::1", "ff02::1:ff00:1", TestPackets.ICMPV6, icmp(135, 0))));

        assertEquals(TestPackets.ICMPV6, decoder.protocol());
        assertEquals(135, decoder.icmpType());
    }

    @Test
    void ipv4MappedIpv6SourceBecomesTheIpv4Host()
    {
        assertEquals(DecodeError.NONE, decode(ipv6("::ffff:192.0.2.44", "2001:db8::1", TestPackets.TCP, tcp(1, 22))));

        decoder.getSource(prefix);
        assertEquals(AddressFamily.IPV4, prefix.family());
        assertEquals("192.0.2.44", prefix.toString());
    }

    @Test
    void extensionHeaderRunningPastTheCaptureIsTruncated()
    {
        final byte[] packet = ipv6("2001:db8::5", "2001:db8::1", HOP_BY_HOP,
            extension(TestPackets.TCP, tcp(1, 22)));

        assertEquals(DecodeError.IPV6_EXTENSION_TRUNCATED, decode(packet, 44));
        assertEquals(40, decoder.errorOffset());
        assertEquals(HOP_BY_HOP, decoder.protocol());
        assertEquals(6, decoder.version(), "the addresses were read");
    }

    @Test
    void headerFieldsThatContradictEachOtherAreMalformed()
    {
        final byte[] shortIhl = ipv4("192.0.2.9", "192.0.2.1", TestPackets.TCP, tcp(1, 22));
        shortIhl[0] = 0x44;
        assertEquals(DecodeError.IP_HEADER_LENGTH_INVALID, decode(shortIhl));
        assertEquals(16, decoder.errorValue());

        final byte[] shortTotal = ipv4("192.0.2.9", "192.0.2.1", TestPackets.TCP, tcp(1, 22));
        shortTotal[2] = 0;
        shortTotal[3] = 12;
        assertEquals(DecodeError.IP_TOTAL_LENGTH_INVALID, decode(shortTotal));

        assertEquals(DecodeError.NOT_IP, decode(new byte[]{ 0x55, 0, 0, 0 }));
        assertEquals(5, decoder.errorValue());
    }

    @Test
    void totalLengthZeroFromSegmentationOffloadTrustsTheCapture()
    {
        final byte[] packet = ipv4("192.0.2.9", "192.0.2.1", TestPackets.TCP, tcp(1, 22));
        packet[2] = 0;
        packet[3] = 0;

        assertEquals(DecodeError.NONE, decode(packet));
        assertEquals(22, decoder.destinationPort());
    }

    @Test
    void captureShorterThanTheIpLengthMarksThePacketTruncated()
    {
        final byte[] packet = ipv4("192.0.2.9", "192.0.2.1", TestPackets.UDP, udp(1, 53, 100));

        assertEquals(DecodeError.NONE, decode(packet, 28));
        assertTrue(decoder.isPacketTruncated());

        assertEquals(DecodeError.TRANSPORT_HEADER_TRUNCATED, decode(packet, 23));
        assertEquals(20, decoder.errorOffset());
        assertEquals(3, decoder.errorValue());
        assertEquals(DecodeError.IP_HEADER_TRUNCATED, decode(packet, 19));
        assertEquals(0, decoder.version());
    }

    @Test
    void bytesAfterTheIpTotalLengthAreIgnored()
    {
        // Ethernet pads short frames; the padding must not be read as transport header.
        final byte[] packet = concat(ipv4("192.0.2.9", "192.0.2.1", TestPackets.TCP, new byte[2]), tcp(1, 22));

        assertEquals(DecodeError.TRANSPORT_HEADER_TRUNCATED, decode(packet));
    }

    private DecodeError decode(final byte[] packet)
    {
        return decode(packet, packet.length);
    }

    private DecodeError decode(final byte[] packet, final int length)
    {
        // Put the packet at an offset inside a bigger buffer to prove reads stay in the region.
        final byte[] framed = new byte[length + 10];
        System.arraycopy(packet, 0, framed, 5, Math.min(length, packet.length));
        return decoder.decode(new UnsafeBuffer(framed), 5, length);
    }
}
