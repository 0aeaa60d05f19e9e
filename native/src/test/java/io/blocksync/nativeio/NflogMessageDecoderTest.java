package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static io.blocksync.nativeio.TestPackets.be32;
import static io.blocksync.nativeio.TestPackets.cString;
import static io.blocksync.nativeio.TestPackets.ipv4;
import static io.blocksync.nativeio.TestPackets.ipv6;
import static io.blocksync.nativeio.TestPackets.nflog;
import static io.blocksync.nativeio.TestPackets.tcp;
import static io.blocksync.nativeio.TestPackets.tlv;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Datagrams as the kernel sends them on an NFLOG socket: netlink headers in host order around bodies that are
 * DLT_NFLOG records, so the capture decoder's NFLOG path decodes them with the host's byte order.
 */
class NflogMessageDecoderTest
{
    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private static final long RECEIVED = 1_800_000_000_000_000_000L;

    private final SeenEvent.Collector events = new SeenEvent.Collector();
    private final NflogMessageDecoder decoder = new NflogMessageDecoder(events);

    @Test
    void everyPacketMessageInADatagramBecomesAnEvent()
    {
        final byte[] first = nflog(NflogRecordDecoder.AF_INET, 7,
            tlv(HOST, NflogRecordDecoder.TYPE_PACKET_HDR, new byte[]{ 8, 0, 1, 0 }),
            tlv(HOST, NflogRecordDecoder.TYPE_PREFIX, cString("bs-jni")),
            tlv(HOST, NflogRecordDecoder.TYPE_IFINDEX_INDEV, be32(3)),
            tlv(HOST, NflogRecordDecoder.TYPE_PAYLOAD, ipv4("192.0.2.2", "192.0.2.1", TestPackets.TCP, tcp(40000, 22))));
        final byte[] second = nflog(NflogRecordDecoder.AF_INET6, 7,
            tlv(HOST, NflogRecordDecoder.TYPE_TIMESTAMP, new ByteWriter(ByteOrder.BIG_ENDIAN)
                .u64(1_700_000_000L).u64(250_000L).toArray()),
            tlv(HOST, NflogRecordDecoder.TYPE_PREFIX, cString("bs-jni6")),
            // Odd length: the message is padded to 4 and the next one must still be found.
            tlv(HOST, NflogRecordDecoder.TYPE_PAYLOAD,
                ipv6("2001:db8::2", "2001:db8::1", TestPackets.TCP, concat(tcp(40001, 22), new byte[]{ 1 }))));

        final byte[] datagram = new ByteWriter(HOST)
            .bytes(message(NflogMessageDecoder.TYPE_NFLOG_PACKET, first)).padTo4()
            .bytes(message(NflogMessageDecoder.TYPE_NFLOG_PACKET, second)).padTo4()
            .bytes(message(NflogMessageDecoder.TYPE_NLMSG_DONE, new byte[4]))
            .toArray();

        assertEquals(2, decoder.onDatagram(new UnsafeBuffer(datagram), 0, datagram.length, RECEIVED));

        assertEquals(2, events.events.size(), events.summaries()::toString);
        final SeenEvent v4 = events.events.get(0);
        assertEquals(DecodeResult.OK, v4.result(), v4.summary());
        assertEquals(LinkType.NFLOG, v4.linkType());
        assertEquals(7, v4.group());
        assertEquals("bs-jni", v4.logPrefix());
        assertEquals("192.0.2.2", v4.source());
        assertEquals(40000, v4.sourcePort());
        assertEquals("192.0.2.1", v4.destination());
        assertEquals(22, v4.destinationPort());
        assertEquals(RECEIVED, v4.timeNanos(), "no TIMESTAMP attribute: the receive time");

        final SeenEvent v6 = events.events.get(1);
        assertEquals(DecodeResult.OK, v6.result(), v6.summary());
        assertEquals("bs-jni6", v6.logPrefix());
        assertEquals("2001:db8::2", v6.source());
        assertEquals(22, v6.destinationPort());
        assertEquals(1_700_000_000_250_000_000L, v6.timeNanos(), "the kernel's TIMESTAMP attribute");

        assertEquals(2, decoder.packetCount());
        assertEquals(1, decoder.otherMessageCount());
        assertEquals(0, decoder.malformedCount());
    }

    @Test
    void aMessageLongerThanTheDatagramEndsItWithOneFailedEvent()
    {
        final byte[] good = message(NflogMessageDecoder.TYPE_NFLOG_PACKET, nflog(NflogRecordDecoder.AF_INET, 7,
            tlv(HOST, NflogRecordDecoder.TYPE_PAYLOAD, ipv4("192.0.2.2", "192.0.2.1", TestPackets.TCP, tcp(1, 22)))));
        final byte[] liar = message(NflogMessageDecoder.TYPE_NFLOG_PACKET, new byte[8]);
        new UnsafeBuffer(liar).putInt(NflogMessageDecoder.LENGTH_OFFSET, 4096, HOST);
        final byte[] datagram = new ByteWriter(HOST).bytes(good).padTo4().bytes(liar).toArray();

        assertEquals(2, decoder.onDatagram(new UnsafeBuffer(datagram), 0, datagram.length, RECEIVED));

        assertEquals(DecodeResult.OK, events.events.get(0).result());
        final SeenEvent failed = events.events.get(1);
        assertEquals(DecodeError.NETLINK_MESSAGE_LENGTH_INVALID, failed.error());
        assertEquals(DecodeResult.MALFORMED, failed.result());
        assertEquals(1, decoder.malformedCount());
    }

    @Test
    void aTruncatedDatagramIsReportedWithItsLength()
    {
        decoder.onTruncatedDatagram(70_000, 65_536, RECEIVED);

        final SeenEvent failed = events.events.get(0);
        assertEquals(DecodeError.NETLINK_DATAGRAM_TRUNCATED, failed.error());
        assertEquals("nflog truncated=\"byte 0: netlink datagram is 70000 bytes, the receive buffer holds 65536; " +
            "messages past the buffer are lost\"", failed.summary());
    }

    private static byte[] message(final int type, final byte[] body)
    {
        return new ByteWriter(HOST)
            .u32(NflogMessageDecoder.HEADER_LENGTH + body.length).u16(type).u16(0).u32(1).u32(0)
            .bytes(body)
            .toArray();
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        return TestPackets.concat(a, b);
    }
}
