package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static io.blocksync.nativeio.NflogRecordDecoder.AF_INET;
import static io.blocksync.nativeio.NflogRecordDecoder.AF_INET6;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_GID;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_IFINDEX_INDEV;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_MARK;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_PACKET_HDR;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_PAYLOAD;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_PREFIX;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_TIMESTAMP;
import static io.blocksync.nativeio.NflogRecordDecoder.TYPE_UID;
import static io.blocksync.nativeio.TestPackets.be32;
import static io.blocksync.nativeio.TestPackets.cString;
import static io.blocksync.nativeio.TestPackets.ipv4;
import static io.blocksync.nativeio.TestPackets.ipv6;
import static io.blocksync.nativeio.TestPackets.nflog;
import static io.blocksync.nativeio.TestPackets.tcp;
import static io.blocksync.nativeio.TestPackets.tlv;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NflogDecodingTest
{
    private static final byte[] SSH_SYN_V6 = ipv6("2001:db8::bad", "2001:db8::1", TestPackets.TCP, tcp(40022, 22));

    private final PacketEventDecoder decoder = new PacketEventDecoder();
    private final AttackEvent event = new AttackEvent();

    @Test
    void recordFromABigEndianHostDecodesWithBigEndianTlvHeaders()
    {
        final ByteOrder order = BIG_ENDIAN;
        final byte[] record = nflog(AF_INET6, 5,
            tlv(order, TYPE_PACKET_HDR, new byte[]{ (byte)0x86, (byte)0xDD, 1, 0 }),
            tlv(order, TYPE_MARK, be32(0xBEEF)),
            tlv(order, TYPE_TIMESTAMP, new ByteWriter(BIG_ENDIAN).u64(1_700_000_000L).u64(250_000).toArray()),
            tlv(order, TYPE_IFINDEX_INDEV, be32(3)),
            tlv(order, TYPE_PREFIX, cString("ssh-scan")),
            tlv(order, TYPE_UID, be32(1001)),
            tlv(order, TYPE_GID, be32(1002)),
            tlv(order, 20, new byte[4]),
            tlv(order, TYPE_PAYLOAD, SSH_SYN_V6));

        assertEquals(DecodeResult.OK, decode(record, order), event.toString());

        assertEquals(5, event.group());
        assertTrue(event.logPrefix().equalsAscii("ssh-scan"));
        assertTrue(event.logPrefix().startsWith("ssh-"));
        assertEquals(0xBEEF, event.mark());
        assertEquals(3, event.inputInterfaceIndex());
        assertEquals(AttackEvent.NONE, event.outputInterfaceIndex());
        assertEquals(1001, event.uid());
        assertEquals(1002, event.gid());
        assertEquals("2001:db8::bad", event.packet().source().toString());
        assertEquals("2001:db8::1", event.packet().destination().toString());
        assertEquals(22, event.packet().destinationPort());
        assertEquals(AttackEvent.NONE, event.action());
        assertEquals(0, event.ifname().length());

        final NflogRecordDecoder nflog = decoder.nflogRecord();
        assertEquals(0x86DD, nflog.hardwareProtocol());
        assertEquals(1, nflog.hook());
        assertEquals(1_700_000_000_250_000_000L, nflog.timestampNanos());
        assertEquals(9, nflog.attributeCount());
        assertTrue(nflog.has(20), "types without an accessor are still indexed");
    }

    @Test
    void theSameBytesReadInTheWrongByteOrderAreMalformedNotThrown()
    {
        final byte[] record = nflog(AF_INET, 5,
            tlv(BIG_ENDIAN, TYPE_PREFIX, cString("x")),
            tlv(BIG_ENDIAN, TYPE_PAYLOAD, ipv4("192.0.2.9", "192.0.2.1", 6, tcp(1, 22))));

        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.TLV_OVERRUNS_RECORD, event.error());
        assertEquals(4, event.errorOffset());
        assertEquals(0x0600, event.errorValue());
    }

    @Test
    void recordWithoutPayloadKeepsGroupAndPrefixAndIsTruncated()
    {
        final byte[] record = nflog(AF_INET, 7, tlv(LITTLE_ENDIAN, TYPE_PREFIX, cString("drop-in")));

        assertEquals(DecodeResult.TRUNCATED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.NFLOG_NO_PAYLOAD, event.error());
        assertEquals(7, event.group());
        assertTrue(event.logPrefix().equalsAscii("drop-in"));
        assertFalse(event.packet().hasAddresses());
    }

    @Test
    void tlvShorterThanItsOwnHeaderIsMalformed()
    {
        final byte[] record = nflog(AF_INET, 1, new ByteWriter(LITTLE_ENDIAN).u16(2).u16(TYPE_MARK).toArray());

        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.TLV_LENGTH_TOO_SHORT, event.error());
        assertEquals(2, event.errorValue());
    }

    @Test
    void fixedSizeValueThatIsTooShortIsMalformed()
    {
        final byte[] record = nflog(AF_INET, 1, tlv(LITTLE_ENDIAN, TYPE_MARK, new byte[]{ 1, 2 }));

        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.TLV_VALUE_TOO_SHORT, event.error());
        assertEquals(2, event.errorValue());
        assertEquals(4, event.errorLimit());
    }

    @Test
    void lastTlvMayOmitItsPadding()
    {
        final byte[] packet = ipv4("192.0.2.9", "192.0.2.1", TestPackets.UDP, TestPackets.udp(7, 53, 1));
        assertEquals(29, packet.length);
        final byte[] padded = nflog(AF_INET, 1, tlv(LITTLE_ENDIAN, TYPE_PAYLOAD, packet));
        final byte[] unpadded = java.util.Arrays.copyOf(padded, padded.length - 3);

        assertEquals(DecodeResult.OK, decode(unpadded, LITTLE_ENDIAN), event.toString());
        assertEquals(53, event.packet().destinationPort());
    }

    @Test
    void unknownVersionAndShortHeaderAreRejected()
    {
        final byte[] record = nflog(AF_INET, 1, tlv(LITTLE_ENDIAN, TYPE_PREFIX, cString("x")));
        record[1] = 1;
        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.NFLOG_VERSION_UNSUPPORTED, event.error());

        assertEquals(DecodeResult.TRUNCATED,
            decoder.decode(captureRecord(0, LITTLE_ENDIAN), new UnsafeBuffer(record), 0, 3, event));
        assertEquals(DecodeError.NFLOG_HEADER_TRUNCATED, event.error());
        assertEquals(AttackEvent.NONE, event.group());
    }

    @Test
    void familyDecidesTheExpectedIpVersionUnlessUnspecified()
    {
        final byte[] v4InV6Family = nflog(AF_INET6, 1,
            tlv(LITTLE_ENDIAN, TYPE_PAYLOAD, ipv4("192.0.2.9", "192.0.2.1", 6, tcp(1, 22))));
        assertEquals(DecodeResult.MALFORMED, decode(v4InV6Family, LITTLE_ENDIAN));
        assertEquals(DecodeError.IP_VERSION_MISMATCH, event.error());
        assertEquals(8, event.errorOffset(), "the payload starts after the header and one TLV header");

        final byte[] bridgeFamily = nflog(7, 1, tlv(LITTLE_ENDIAN, TYPE_PAYLOAD, SSH_SYN_V6));
        assertEquals(DecodeResult.OK, decode(bridgeFamily, LITTLE_ENDIAN), event.toString());
    }

    @Test
    void prefixWithoutNulIsCutAtTheEventCapacityAndShownEscaped()
    {
        final byte[] longPrefix = new byte[200];
        java.util.Arrays.fill(longPrefix, (byte)'a');
        longPrefix[0] = '"';
        longPrefix[1] = (byte)0x1B;
        final byte[] record = nflog(AF_INET, 1, tlv(LITTLE_ENDIAN, TYPE_PREFIX, longPrefix),
            tlv(LITTLE_ENDIAN, TYPE_PAYLOAD, ipv4("192.0.2.9", "192.0.2.1", 6, tcp(1, 22))));

        assertEquals(DecodeResult.OK, decode(record, LITTLE_ENDIAN));
        assertEquals(AttackEvent.LOG_PREFIX_CAPACITY, event.logPrefix().length());
        final StringBuilder shown = new StringBuilder();
        event.logPrefix().appendTo(shown);
        assertTrue(shown.toString().startsWith("\"\\x1baaa"), shown.toString());
    }

    private DecodeResult decode(final byte[] record, final ByteOrder order)
    {
        return decoder.decode(captureRecord(42L, order), new UnsafeBuffer(record), 0, record.length, event);
    }

    private static CaptureRecord captureRecord(final long timeNanos, final ByteOrder order)
    {
        return new CaptureRecord().link(LinkType.NFLOG, order, 0).packet(timeNanos, 0, 0);
    }
}
