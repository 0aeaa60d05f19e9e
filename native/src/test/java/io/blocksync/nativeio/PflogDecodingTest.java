package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static io.blocksync.nativeio.TestPackets.ipv4;
import static io.blocksync.nativeio.TestPackets.ipv6;
import static io.blocksync.nativeio.TestPackets.pflog;
import static io.blocksync.nativeio.TestPackets.tcp;
import static io.blocksync.nativeio.TestPackets.udp;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pflog headers of the systems not in shared/testdata, built from the layout in tcpdump's pflog.h.
 */
class PflogDecodingTest
{
    private final PacketEventDecoder decoder = new PacketEventDecoder();
    private final AttackEvent event = new AttackEvent();

    @Test
    void freebsdBefore131HeaderOf61BytesIsPaddedTo64()
    {
        final byte[] packet = ipv4("192.0.2.66", "198.51.100.2", TestPackets.TCP, tcp(51000, 22));
        final byte[] record = pflog(61, LITTLE_ENDIAN, PflogHeaderFlyweight.AF_INET, PflogHeaderFlyweight.ACTION_DROP,
            "em0", "ssh-guard", 7, PflogHeaderFlyweight.DIRECTION_IN, packet);
        assertEquals(64 + packet.length, record.length);

        assertEquals(DecodeResult.OK, decode(record, LITTLE_ENDIAN), event.toString());

        assertTrue(event.ifname().equalsAscii("em0"));
        assertTrue(event.logPrefix().equalsAscii("ssh-guard"));
        assertEquals(PflogHeaderFlyweight.ACTION_DROP, event.action());
        assertEquals(PflogHeaderFlyweight.DIRECTION_IN, event.direction());
        assertEquals(7, event.ruleNumber());
        assertEquals(PflogHeaderFlyweight.NO_SUBRULE, event.subruleNumber());
        assertEquals("192.0.2.66", event.packet().source().toString());
        assertEquals("198.51.100.2", event.packet().destination().toString());
        assertEquals(51000, event.packet().sourcePort());
        assertEquals(22, event.packet().destinationPort());

        final PflogHeaderFlyweight header = decoder.pflogHeader();
        assertEquals(61, header.headerLength());
        assertEquals(64, header.packetOffset());
        assertFalse(header.hasRuleIdentifier());
        assertFalse(header.hasTranslation());
        assertEquals(1000, header.uid(LITTLE_ENDIAN));
        assertEquals(4242, header.pid(LITTLE_ENDIAN));
        assertEquals(77, header.rulePid(LITTLE_ENDIAN));
    }

    @Test
    void freebsd131HeaderOf69BytesCarriesRidentifierAndIsPaddedTo72()
    {
        final byte[] packet = ipv6("2001:db8::66", "2001:db8:1::2", TestPackets.UDP, udp(1234, 161, 4));
        final byte[] record = pflog(69, BIG_ENDIAN, PflogHeaderFlyweight.AF_INET6_FREEBSD,
            PflogHeaderFlyweight.ACTION_DROP, "vtnet0", "", 12, PflogHeaderFlyweight.DIRECTION_IN, packet);
        assertEquals(72 + packet.length, record.length);

        assertEquals(DecodeResult.OK, decode(record, BIG_ENDIAN), event.toString());

        assertTrue(event.ifname().equalsAscii("vtnet0"));
        assertEquals(0, event.logPrefix().length());
        assertEquals(12, event.ruleNumber());
        assertEquals(6, event.packet().ipVersion());
        assertEquals("2001:db8::66", event.packet().source().toString());
        assertEquals("2001:db8:1::2", event.packet().destination().toString());
        assertEquals(TestPackets.UDP, event.packet().protocol());
        assertEquals(161, event.packet().destinationPort());

        final PflogHeaderFlyweight header = decoder.pflogHeader();
        assertTrue(header.hasRuleIdentifier());
        assertEquals(0xA1B2C3L, header.ruleIdentifier());
        assertEquals(1000, header.uid(BIG_ENDIAN), "host-order fields follow the capture's byte order");
    }

    @Test
    void macosHeaderWithInet6Family30()
    {
        final byte[] packet = ipv6("2001:db8::1", "2001:db8::2", TestPackets.TCP, tcp(50000, 443));
        final byte[] record = pflog(61, LITTLE_ENDIAN, PflogHeaderFlyweight.AF_INET6_DARWIN, 1, "en0", "",
            3, PflogHeaderFlyweight.DIRECTION_OUT, packet);

        assertEquals(DecodeResult.OK, decode(record, LITTLE_ENDIAN), event.toString());
        assertEquals(443, event.packet().destinationPort());
        assertEquals(PflogHeaderFlyweight.DIRECTION_OUT, event.direction());
    }

    @Test
    void unknownAddressFamilyIsMalformedButKeepsThePfFields()
    {
        final byte[] record = pflog(61, LITTLE_ENDIAN, 99, 1, "em0", "", 3, 1, ipv4("192.0.2.1", "192.0.2.2", 6,
            tcp(1, 2)));

        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.PFLOG_ADDRESS_FAMILY_UNKNOWN, event.error());
        assertEquals(99, event.errorValue());
        assertEquals(3, event.ruleNumber());
        assertFalse(event.packet().hasAddresses());
    }

    @Test
    void familyThatDisagreesWithThePacketIsMalformed()
    {
        final byte[] record = pflog(61, LITTLE_ENDIAN, PflogHeaderFlyweight.AF_INET6_FREEBSD, 1, "em0", "", 3, 1,
            ipv4("192.0.2.1", "192.0.2.2", 6, tcp(1, 2)));

        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.IP_VERSION_MISMATCH, event.error());
        assertEquals(64, event.errorOffset());
    }

    @Test
    void headerShorterThanTheCommonPartIsMalformed()
    {
        final byte[] record = pflog(61, LITTLE_ENDIAN, 2, 1, "em0", "", 3, 1, ipv4("192.0.2.1", "192.0.2.2", 6,
            tcp(1, 2)));
        record[0] = 44;

        assertEquals(DecodeResult.MALFORMED, decode(record, LITTLE_ENDIAN));
        assertEquals(DecodeError.PFLOG_HEADER_LENGTH_INVALID, event.error());
        assertEquals("pflog header length byte is 44, expected at least 61", event.error().message(44, 61));
    }

    @Test
    void recordShorterThanItsPaddedHeaderIsTruncated()
    {
        final byte[] record = pflog(69, LITTLE_ENDIAN, 2, 1, "em0", "", 3, 1, new byte[0]);

        assertEquals(DecodeResult.TRUNCATED, decode(record, 0, 70, LITTLE_ENDIAN));
        assertEquals(DecodeError.PFLOG_HEADER_TRUNCATED, event.error());
        assertEquals(70, event.errorValue());
        assertEquals(72, event.errorLimit());

        assertEquals(DecodeResult.TRUNCATED, decode(record, 0, 0, LITTLE_ENDIAN));
    }

    @Test
    void smallSnapLengthStillYieldsPortsWithThePacketMarkedTruncated()
    {
        final byte[] packet = ipv4("192.0.2.5", "192.0.2.6", TestPackets.TCP, tcp(1000, 25));
        final byte[] record = pflog(100, LITTLE_ENDIAN, 2, 1, "vio0", "", 9, 1, packet);
        // A snap length that keeps the header, the IP header and just the two ports.
        final int snapped = 100 + 20 + 4;

        assertEquals(DecodeResult.OK, decode(record, 0, snapped, LITTLE_ENDIAN), event.toString());
        assertTrue(event.packet().isTruncated());
        assertEquals(25, event.packet().destinationPort());

        assertEquals(DecodeResult.TRUNCATED, decode(record, 0, snapped - 1, LITTLE_ENDIAN));
        assertEquals(DecodeError.TRANSPORT_HEADER_TRUNCATED, event.error());
        assertEquals(120, event.errorOffset());
        assertEquals("192.0.2.5", event.packet().source().toString(), "addresses before the cut are kept");
    }

    @Test
    void ifnameWithoutNulUsesAll16BytesAndNonAsciiIsEscapedWhenShown()
    {
        final byte[] record = pflog(61, LITTLE_ENDIAN, 2, 1, "abcdefghijklmnop", "", 3, 1,
            ipv4("192.0.2.1", "192.0.2.2", 6, tcp(1, 2)));
        record[4] = (byte)0xFF;
        record[5] = '\n';

        assertEquals(DecodeResult.OK, decode(record, LITTLE_ENDIAN));
        assertEquals(16, event.ifname().length());
        final StringBuilder shown = new StringBuilder();
        event.ifname().appendTo(shown);
        assertEquals("\\xff\\x0acdefghijklmnop", shown.toString());
    }

    private DecodeResult decode(final byte[] record, final ByteOrder order)
    {
        return decode(record, 0, record.length, order);
    }

    private DecodeResult decode(final byte[] record, final int offset, final int length, final ByteOrder order)
    {
        final CaptureRecord captured = new CaptureRecord().link(LinkType.PFLOG, order, 0).packet(1L, length, length);
        return decoder.decode(captured, new UnsafeBuffer(record), offset, length, event);
    }
}
