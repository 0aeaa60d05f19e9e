package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every capture in shared/testdata, checked against the values its own test suite asserts (see its README).
 */
class SharedCapturesTest
{
    @Test
    void openbsdTcpDropIsBlockedTelnetFromVio0ByRule5()
    {
        final List<SeenEvent> events = SharedTestData.decode("pflog/openbsd-tcp-drop.pcap").events;

        assertEquals(1, events.size());
        final SeenEvent event = events.get(0);
        assertEquals(DecodeResult.OK, event.result(), event.summary());
        assertEquals(LinkType.PFLOG, event.linkType());
        assertEquals("vio0", event.ifname());
        assertEquals(PflogHeaderFlyweight.ACTION_DROP, event.action());
        assertEquals(0, event.reason());
        assertEquals(PflogHeaderFlyweight.DIRECTION_IN, event.direction());
        assertEquals("", event.logPrefix());
        assertEquals(5, event.ruleNumber());
        assertEquals(PflogHeaderFlyweight.NO_SUBRULE, event.subruleNumber());
        assertEquals(4, event.ipVersion());
        assertEquals(TestPackets.TCP, event.protocol());
        assertEquals("10.200.200.254", event.source());
        assertEquals(41917, event.sourcePort());
        assertEquals("10.200.200.154", event.destination());
        assertEquals(23, event.destinationPort());
        assertFalse(event.packetTruncated());
    }

    @Test
    void openbsdHeaderFieldsMatchScapy()
    {
        final RecordCollector records = collectRecords("pflog/openbsd-tcp-drop.pcap");
        final PflogHeaderFlyweight header = new PflogHeaderFlyweight();
        final byte[] data = records.packets.get(0).data();

        assertEquals(DecodeError.NONE, header.wrap(new UnsafeBuffer(data), 0, data.length));
        assertEquals(PflogHeaderFlyweight.OPENBSD_LENGTH, header.headerLength());
        assertEquals(100, header.packetOffset());
        assertEquals(PflogHeaderFlyweight.AF_INET, header.addressFamily());
        assertEquals(1, header.action());
        assertEquals(0, header.reason());
        assertEquals(1, header.direction());
        assertEquals(5, header.ruleNumber());
        assertEquals(0xFFFF_FFFFL, header.subruleNumber());
        assertTrue(header.hasTranslation());
        assertFalse(header.hasRuleIdentifier());
        assertFalse(header.rewritten());
        assertEquals(41917, header.translatedSourcePort());
        assertEquals(23, header.translatedDestinationPort());
    }

    /**
     * The shared README says port 22, but scapy's test for this capture asserts {@code TCP.dport == 23} and the
     * bytes hold 23; port 22 belongs to scapy's "passed" IPv6 capture, which is not in shared/testdata.
     */
    @Test
    void openbsdTcp6DropIsBlockedTelnetOnVlan3WithOpenbsdInet6Family()
    {
        final List<SeenEvent> events = SharedTestData.decode("pflog/openbsd-tcp6-drop.pcap").events;

        assertEquals(1, events.size());
        final SeenEvent event = events.get(0);
        assertEquals(DecodeResult.OK, event.result(), event.summary());
        assertEquals("vlan3", event.ifname());
        assertEquals(PflogHeaderFlyweight.ACTION_DROP, event.action());
        assertEquals(5, event.ruleNumber());
        assertEquals(6, event.ipVersion());
        assertEquals(TestPackets.TCP, event.protocol());
        assertEquals("1111:1111:1111::1", event.source());
        assertEquals("1111:1111:1111::fc", event.destination());
        assertEquals(1257, event.sourcePort());
        assertEquals(23, event.destinationPort());

        final byte[] data = collectRecords("pflog/openbsd-tcp6-drop.pcap").packets.get(0).data();
        final PflogHeaderFlyweight header = new PflogHeaderFlyweight();
        header.wrap(new UnsafeBuffer(data), 0, data.length);
        assertEquals(PflogHeaderFlyweight.AF_INET6_OPENBSD, header.addressFamily());
    }

    /**
     * The shared README gives destination ff02::1:ff00:fc, which is scapy's "dropped" ICMPv6 capture; for this
     * "passed" one scapy asserts {@code IPv6.dst == '1111:1111:1111::fc'} and the bytes agree.
     */
    @Test
    void openbsdIcmp6PassIsNeighbourSolicitationPassedByRule4()
    {
        final List<SeenEvent> events = SharedTestData.decode("pflog/openbsd-icmp6-pass.pcap").events;

        assertEquals(1, events.size());
        final SeenEvent event = events.get(0);
        assertEquals(DecodeResult.OK, event.result(), event.summary());
        assertEquals(PflogHeaderFlyweight.ACTION_PASS, event.action());
        assertEquals(4, event.ruleNumber());
        assertEquals(TestPackets.ICMPV6, event.protocol());
        assertEquals(135, event.icmpType());
        assertEquals(0, event.icmpCode());
        assertEquals(AttackEvent.NONE, event.sourcePort());
        assertEquals(AttackEvent.NONE, event.destinationPort());
        assertEquals("1111:1111:1111::1", event.source());
        assertEquals("1111:1111:1111::fc", event.destination());
        assertEquals("vlan3", event.ifname());
    }

    @Test
    void openbsdUdpTruncatedIsReportedAsTruncatedWithWhatItHolds()
    {
        final RecordCollector records = collectRecords("pflog/openbsd-udp-truncated.pcap");
        assertEquals(1, records.packets.size());
        assertTrue(records.packets.get(0).truncated());
        assertEquals(128, records.packets.get(0).data().length);
        assertEquals(130, records.packets.get(0).capturedLength());
        assertEquals(List.of(), records.errors);

        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final CaptureEventDecoder decoder = new CaptureEventDecoder(collector);
        final PcapStreamDecoder stream = new PcapStreamDecoder(decoder);
        final byte[] capture = SharedTestData.bytes("pflog/openbsd-udp-truncated.pcap");
        stream.onBytes(new UnsafeBuffer(capture), 0, capture.length);
        assertEquals(0, collector.events.size(), "a partial record waits for more bytes until the stream ends");
        assertEquals(1, stream.onEndOfStream());

        final SeenEvent event = collector.events.get(0);
        assertEquals(DecodeResult.TRUNCATED, event.result());
        assertEquals(DecodeError.RECORD_TRUNCATED, event.error());
        assertEquals(1, decoder.truncatedCount());
        assertEquals(0, decoder.okCount());
        assertTrue(event.summary().contains("stream ended inside the last record: 128 of 130 captured bytes"),
            event.summary());
        // What the bytes present do say is kept.
        assertEquals("vio0", event.ifname());
        assertEquals(TestPackets.UDP, event.protocol());
        assertEquals("10.200.200.254", event.source());
        assertEquals("10.200.200.154", event.destination());
        assertEquals(23, event.destinationPort());
    }

    @Test
    void tcpdumpNflogMatchesTcpdumpsExpectedOutput() throws IOException
    {
        final List<OutLine> expected = parseTcpdumpOutput();
        assertEquals(4, expected.size());

        final List<SeenEvent> events = SharedTestData.decode("nflog/tcpdump-nflog.pcap").events;
        final RecordCollector records = collectRecords("nflog/tcpdump-nflog.pcap");
        assertEquals(4, events.size());
        for (int i = 0; i < 4; i++)
        {
            final SeenEvent event = events.get(i);
            final OutLine line = expected.get(i);
            assertEquals(DecodeResult.OK, event.result(), event.summary());
            assertEquals(LinkType.NFLOG, event.linkType());
            assertEquals(20, line.group());
            assertEquals(line.group(), event.group());
            assertEquals("", event.logPrefix());
            assertEquals(line.timeNanos(), event.timeNanos(), "record " + line.number());
            assertEquals(line.length(), records.packets.get(i).originalLength());
            assertEquals(TestPackets.UDP, event.protocol());
            assertEquals(line.source(), event.source());
            assertEquals(line.sourcePort(), event.sourcePort());
            assertEquals(line.destination(), event.destination());
            assertEquals(line.destinationPort(), event.destinationPort());
            assertEquals(AttackEvent.NONE, event.action());
            assertEquals(AttackEvent.NONE, event.ruleNumber());
        }
        assertEquals(List.of(42585, 45190, 44031, 48736),
            events.stream().map(SeenEvent::destinationPort).toList());

        final NflogRecordDecoder nflog = new NflogRecordDecoder();
        for (final RecordCollector.Seen record : records.packets)
        {
            assertEquals(DecodeError.NONE,
                nflog.decode(new UnsafeBuffer(record.data()), 0, record.data().length, record.byteOrder()));
            assertEquals(NflogRecordDecoder.AF_INET, nflog.family());
            assertEquals(0, nflog.version());
            assertEquals(0x0800, nflog.hardwareProtocol());
            assertEquals(2, nflog.inputInterfaceIndex());
            assertEquals(0, nflog.logPrefixLength());
            assertEquals(6, nflog.hardwareAddressLength());
            assertEquals(1, nflog.hardwareType());
            assertEquals(14, nflog.hardwareHeaderLength());
        }
    }

    @Test
    void pcapplusplusNflogHasItsTlvsInOrderAndItsDnsQuery()
    {
        final List<SeenEvent> events = SharedTestData.decode("nflog/pcapplusplus-nflog.pcap").events;
        assertEquals(1, events.size());
        final SeenEvent event = events.get(0);
        assertEquals(DecodeResult.OK, event.result(), event.summary());
        assertEquals(42, event.group());
        assertEquals("", event.logPrefix());
        assertEquals(TestPackets.UDP, event.protocol());
        assertEquals("10.0.2.15", event.source());
        assertEquals(42306, event.sourcePort());
        assertEquals("10.0.2.3", event.destination());
        assertEquals(53, event.destinationPort());

        final RecordCollector.Seen record = collectRecords("nflog/pcapplusplus-nflog.pcap").packets.get(0);
        final UnsafeBuffer buffer = new UnsafeBuffer(record.data());
        final NflogRecordDecoder nflog = new NflogRecordDecoder();
        assertEquals(DecodeError.NONE, nflog.decode(buffer, 0, record.data().length, record.byteOrder()));
        assertEquals(NflogRecordDecoder.AF_INET, nflog.family());
        assertEquals(0, nflog.version());
        assertEquals(42, nflog.group());
        assertEquals(6, nflog.attributeCount());

        final NetlinkAttributeReader reader = new NetlinkAttributeReader()
            .wrap(buffer, NflogRecordDecoder.HEADER_LENGTH, record.data().length - 4, ByteOrder.LITTLE_ENDIAN);
        final List<Integer> types = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        while (reader.next())
        {
            types.add(reader.type());
            sizes.add(reader.spanLength());
        }
        assertEquals(DecodeError.NONE, reader.error());
        assertEquals(List.of(
            NflogRecordDecoder.TYPE_PACKET_HDR,
            NflogRecordDecoder.TYPE_PREFIX,
            NflogRecordDecoder.TYPE_IFINDEX_OUTDEV,
            NflogRecordDecoder.TYPE_UID,
            NflogRecordDecoder.TYPE_GID,
            NflogRecordDecoder.TYPE_PAYLOAD), types);
        assertEquals(List.of(8, 8, 8, 8, 8, 68), sizes);
        assertEquals(61, nflog.payloadLength());
        assertEquals(2, nflog.outputInterfaceIndex());
        assertEquals(0, nflog.uid());
        assertEquals(0, nflog.gid());
    }

    @Test
    void zeekBadTlvLengthIsRejectedAndCountedNotThrown()
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final CaptureEventDecoder decoder = new CaptureEventDecoder(collector);
        final byte[] capture = SharedTestData.bytes("nflog/zeek-bad-tlv-len.pcap");
        final PcapStreamDecoder stream = new PcapStreamDecoder(decoder);
        stream.onBytes(new UnsafeBuffer(capture), 0, capture.length);
        stream.onEndOfStream();

        assertEquals(1, collector.events.size());
        final SeenEvent event = collector.events.get(0);
        assertEquals(DecodeResult.MALFORMED, event.result());
        assertEquals(DecodeError.TLV_OVERRUNS_RECORD, event.error());
        assertEquals(1, decoder.malformedCount());
        assertEquals(0, decoder.okCount());
        assertTrue(event.summary().contains("TLV claims 256 bytes, only 8 remain in the record (record offset 4)"),
            event.summary());
        assertEquals(0, event.group(), "the header before the bad TLV still names the group");
    }

    @Test
    void everyCaptureReadsFromItsFileWithoutStreamErrors() throws IOException
    {
        SharedTestData.assumePresent();
        final int[] expectedRecords = { 1, 1, 1, 1, 4, 1, 1 };
        for (int i = 0; i < SharedTestData.ALL_CAPTURES.size(); i++)
        {
            final String name = SharedTestData.ALL_CAPTURES.get(i);
            final RecordCollector records = new RecordCollector();
            final CaptureFileReader reader = new CaptureFileReader(records);

            assertEquals(expectedRecords[i], reader.read(SharedTestData.file(name)), name);
            assertEquals(List.of(), records.errors, name);
            for (final RecordCollector.Seen record : records.packets)
            {
                assertEquals(ByteOrder.LITTLE_ENDIAN, record.byteOrder(), name);
                assertEquals(name.startsWith("pflog") ? LinkType.PFLOG : LinkType.NFLOG, record.linkType(), name);
            }
        }
    }

    private static RecordCollector collectRecords(final String relative)
    {
        final byte[] capture = SharedTestData.bytes(relative);
        final RecordCollector records = new RecordCollector();
        final PcapStreamDecoder decoder = new PcapStreamDecoder(records);
        decoder.onBytes(new UnsafeBuffer(capture), 0, capture.length);
        decoder.onEndOfStream();
        return records;
    }

    private record OutLine(
        int number,
        long timeNanos,
        int group,
        long length,
        String source,
        int sourcePort,
        String destination,
        int destinationPort)
    {
    }

    /**
     * tcpdump's test output, run with TZ=GMT0: "  1  2013-09-06 18:31:59.615994 version 0, resource ID 20, family
     * IPv4 (2), length 180: 74.82.42.42.53 > 10.0.0.20.42585: ...".
     */
    private static List<OutLine> parseTcpdumpOutput() throws IOException
    {
        final Pattern pattern = Pattern.compile(
            "^\\s*(\\d+)\\s+(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d)\\.(\\d{6}) version 0, resource ID (\\d+), " +
            "family IPv4 \\(2\\), length (\\d+): (\\d+\\.\\d+\\.\\d+\\.\\d+)\\.(\\d+) > " +
            "(\\d+\\.\\d+\\.\\d+\\.\\d+)\\.(\\d+):");
        final DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        final List<OutLine> lines = new ArrayList<>();
        for (final String text : Files.readAllLines(SharedTestData.file("nflog/tcpdump-nflog-e.out")))
        {
            final Matcher m = pattern.matcher(text);
            assertTrue(m.find(), () -> "unexpected line in tcpdump-nflog-e.out: " + text);
            final long seconds = LocalDateTime.parse(m.group(2), format).toEpochSecond(ZoneOffset.UTC);
            lines.add(new OutLine(
                Integer.parseInt(m.group(1)),
                seconds * 1_000_000_000L + Long.parseLong(m.group(3)) * 1_000L,
                Integer.parseInt(m.group(4)),
                Long.parseLong(m.group(5)),
                m.group(6),
                Integer.parseInt(m.group(7)),
                m.group(8),
                Integer.parseInt(m.group(9))));
        }
        return lines;
    }
}
