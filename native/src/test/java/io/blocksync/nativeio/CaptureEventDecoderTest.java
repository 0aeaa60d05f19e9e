package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From capture bytes to events: every container and link type together, outcomes counted.
 */
class CaptureEventDecoderTest
{
    @Test
    void pflogPcapInEitherByteOrderGivesOneEventPerHeaderVariant()
    {
        for (final ByteOrder order : List.of(LITTLE_ENDIAN, BIG_ENDIAN))
        {
            final List<SeenEvent> events = SharedTestData.decode(SyntheticCaptures.pflogPcap(order)).events;

            assertEquals(List.of(
                "pflog ifname=em0 action=1 dir=1 rule=3 proto=6 src=192.0.2.10 sport=40001 dst=198.51.100.1 dport=22",
                "pflog ifname=vtnet0 action=1 dir=1 rule=4 prefix=\"guard\" proto=17 src=2001:db8::10 sport=40002 " +
                    "dst=2001:db8::1 dport=53",
                "pflog ifname=vio0 action=0 dir=2 rule=5 proto=58 src=2001:db8::11 dst=2001:db8::1 icmp_type=128 " +
                    "icmp_code=0",
                "pflog ifname=en0 action=1 dir=1 rule=6 proto=6 src=2001:db8::12 sport=40003 dst=2001:db8::1 " +
                    "dport=443"),
                events.stream().map(SeenEvent::summary).toList(), order.toString());
            assertEquals(1_700_000_000_000_001_000L, events.get(0).timeNanos());
        }
    }

    @Test
    void nflogPcapngMixesInterfacesAndReportsAShortPayload()
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final CaptureEventDecoder decoder = new CaptureEventDecoder(collector);
        final byte[] capture = SyntheticCaptures.nflogPcapng(BIG_ENDIAN);
        new PcapStreamDecoder(decoder).onBytes(new UnsafeBuffer(capture), 0, capture.length);

        final List<SeenEvent> events = collector.events;
        final int lastBlockLength = new UnsafeBuffer(capture).getInt(capture.length - 4, BIG_ENDIAN);
        assertEquals(3, events.size());
        assertEquals("nflog group=5 prefix=\"bs-test\" proto=6 src=203.0.113.20 sport=50000 dst=192.0.2.1 dport=22",
            events.get(0).summary());
        assertEquals(1_700_000_000_000_000_001L, events.get(0).timeNanos());
        assertEquals("raw proto=6 src=203.0.113.20 sport=50000 dst=192.0.2.1 dport=22", events.get(1).summary());
        assertEquals(DecodeResult.TRUNCATED, events.get(2).result());
        assertEquals(DecodeError.TRANSPORT_HEADER_TRUNCATED, events.get(2).error());
        assertTrue(events.get(2).summary().endsWith(
            "truncated=\"record 3 at byte " + (capture.length - lastBlockLength) +
            ": 2 bytes of transport header captured, 4 needed for the ports or ICMP type (record offset 28)\""),
            events.get(2).summary());
        assertEquals(2, decoder.okCount());
        assertEquals(1, decoder.truncatedCount());
        assertEquals(0, decoder.malformedCount());
    }

    @Test
    void unsupportedLinkTypeIsCountedAndNamed()
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final CaptureEventDecoder decoder = new CaptureEventDecoder(collector);
        final byte[] capture = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, 1).record(1, 0, new byte[60]).toArray();
        new PcapStreamDecoder(decoder).onBytes(new UnsafeBuffer(capture), 0, capture.length);

        assertEquals(DecodeResult.UNSUPPORTED_LINK_TYPE, collector.events.get(0).result());
        assertEquals(1, decoder.unsupportedCount());
        assertTrue(collector.events.get(0).summary().contains("link type 1 is not decoded"),
            collector.events.get(0).summary());
    }

    @Test
    void streamErrorsBecomeEventsWithTheirStreamOffset()
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final CaptureEventDecoder decoder = new CaptureEventDecoder(collector);
        final byte[] capture = new ByteWriter(LITTLE_ENDIAN).u32(0x12345678).zeros(40).toArray();
        new PcapStreamDecoder(decoder).onBytes(new UnsafeBuffer(capture), 0, capture.length);

        assertEquals(1, decoder.captureErrorCount());
        assertEquals(DecodeResult.MALFORMED, collector.events.get(0).result());
        assertEquals("unknown malformed=\"byte 0: not a pcap or pcapng stream: magic number is 0x78563412, " +
            "expected a1b2c3d4, a1b23c4d (either byte order) or 0a0d0d0a\"", collector.events.get(0).summary());
    }
}
