package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapStreamDecoderTest
{
    private static final byte[] PACKET_A = TestPackets.ipv4("192.0.2.7", "198.51.100.1", 6, TestPackets.tcp(40000, 22));
    private static final byte[] PACKET_B = TestPackets.ipv4("203.0.113.9", "198.51.100.1", 17, TestPackets.udp(5, 53, 3));

    private final RecordCollector records = new RecordCollector();
    private final PcapStreamDecoder decoder = new PcapStreamDecoder(records);

    @Test
    void bigEndianPcapGivesRecordsWithTheirTimesAndOffsets()
    {
        final byte[] capture = CaptureBuilder.pcap(BIG_ENDIAN, false, 65535, LinkType.RAW)
            .record(1_700_000_000L, 123_456, PACKET_A)
            .record(1_700_000_001L, 999_999, PACKET_B, PACKET_B.length, 1500)
            .toArray();

        assertEquals(2, feedWhole(capture));

        assertEquals(PcapStreamDecoder.Format.PCAP, decoder.format());
        assertEquals(BIG_ENDIAN, decoder.byteOrder());
        assertEquals(LinkType.RAW, decoder.linkType());
        assertEquals(65535, decoder.snapLength());
        assertEquals(2, records.packets.size());
        final RecordCollector.Seen first = records.packets.get(0);
        assertArrayEquals(PACKET_A, first.data());
        assertEquals(1_700_000_000_123_456_000L, first.timestampNanos());
        assertEquals(24, first.streamOffset());
        assertEquals(1, first.index());
        assertEquals(BIG_ENDIAN, first.byteOrder());
        final RecordCollector.Seen second = records.packets.get(1);
        assertArrayEquals(PACKET_B, second.data());
        assertEquals(1_700_000_001_999_999_000L, second.timestampNanos());
        assertEquals(24 + 16 + PACKET_A.length, second.streamOffset());
        assertEquals(1500, second.originalLength());
        assertEquals(2, second.index());
        assertEquals(List.of(), records.errors);
    }

    @Test
    void nanosecondMagicKeepsNanosecondsInBothByteOrders()
    {
        for (final ByteOrder order : List.of(BIG_ENDIAN, LITTLE_ENDIAN))
        {
            final RecordCollector collector = new RecordCollector();
            final PcapStreamDecoder nanos = new PcapStreamDecoder(collector);
            final byte[] capture = CaptureBuilder.pcap(order, true, 0, LinkType.IPV4)
                .record(5, 999_999_999, PACKET_A).toArray();
            nanos.onBytes(new UnsafeBuffer(capture), 0, capture.length);

            assertEquals(1, collector.packets.size(), order.toString());
            assertEquals(5_999_999_999L, collector.packets.get(0).timestampNanos(), order.toString());
            assertEquals(order, collector.packets.get(0).byteOrder());
            assertEquals(LinkType.IPV4, collector.packets.get(0).linkType());
        }
    }

    @Test
    void linkTypeLosesTheFcsBitsOfTheHeaderField()
    {
        final byte[] capture = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, (1 << 28) | LinkType.NFLOG)
            .record(1, 2, PACKET_A).toArray();
        feedWhole(capture);

        assertEquals(LinkType.NFLOG, records.packets.get(0).linkType());
    }

    @Test
    void pcapngInBothByteOrdersTakesLinkTypeFromTheInterfaceBlock()
    {
        for (final ByteOrder order : List.of(LITTLE_ENDIAN, BIG_ENDIAN))
        {
            final RecordCollector collector = new RecordCollector();
            final PcapStreamDecoder ng = new PcapStreamDecoder(collector);
            final byte[] capture = CaptureBuilder.pcapng(order)
                .section(order)
                .interfaceDescription(LinkType.PFLOG, 160, -1)
                .interfaceDescription(LinkType.NFLOG, 0, 9)
                .enhancedPacket(0, 1_600_000_000_000_001L, PACKET_A, 1000)
                .enhancedPacket(1, 1_600_000_000_000_000_002L, PACKET_B, PACKET_B.length)
                .toArray();

            assertEquals(2, ng.onBytes(new UnsafeBuffer(capture), 0, capture.length), order.toString());

            assertEquals(PcapStreamDecoder.Format.PCAPNG, ng.format());
            assertEquals(order, ng.byteOrder());
            assertEquals(LinkType.PFLOG, ng.linkType());
            assertEquals(160, ng.snapLength());
            final RecordCollector.Seen first = collector.packets.get(0);
            assertEquals(LinkType.PFLOG, first.linkType());
            assertEquals(order, first.byteOrder());
            assertEquals(0, first.interfaceId());
            assertEquals(1_600_000_000_000_001_000L, first.timestampNanos(), "default resolution is microseconds");
            assertEquals(1000, first.originalLength());
            assertArrayEquals(PACKET_A, first.data());
            final RecordCollector.Seen second = collector.packets.get(1);
            assertEquals(LinkType.NFLOG, second.linkType());
            assertEquals(1, second.interfaceId());
            assertEquals(1_600_000_000_000_000_002L, second.timestampNanos(), "if_tsresol 9 is nanoseconds");
            assertArrayEquals(PACKET_B, second.data());
            assertEquals(List.of(), collector.errors);
        }
    }

    @Test
    void pcapngSkipsUnknownBlocksAndFollowsANewSectionsByteOrder()
    {
        final byte[] first = CaptureBuilder.pcapng(LITTLE_ENDIAN)
            .section(LITTLE_ENDIAN)
            .interfaceDescription(LinkType.RAW, 0, -1)
            .block(0x0BAD, new byte[]{ 1, 2, 3, 4, 5 })
            .block(5, new byte[20])
            .simplePacket(PACKET_A)
            .toArray();
        final byte[] second = CaptureBuilder.pcapng(BIG_ENDIAN)
            .section(BIG_ENDIAN)
            .interfaceDescription(LinkType.IPV4, 0, -1)
            .enhancedPacket(0, 7, PACKET_B, PACKET_B.length)
            .toArray();
        final byte[] capture = TestPackets.concat(first, second);

        assertEquals(2, feedWhole(capture));

        assertEquals(2, decoder.skippedBlockCount());
        assertEquals(LinkType.RAW, records.packets.get(0).linkType());
        assertEquals(0, records.packets.get(0).timestampNanos(), "simple packet blocks carry no time");
        assertEquals(LITTLE_ENDIAN, records.packets.get(0).byteOrder());
        assertArrayEquals(PACKET_A, records.packets.get(0).data());
        assertEquals(LinkType.IPV4, records.packets.get(1).linkType());
        assertEquals(BIG_ENDIAN, records.packets.get(1).byteOrder());
        assertEquals(7000, records.packets.get(1).timestampNanos());
        assertEquals(first.length + sectionAndInterfaceLength(second), records.packets.get(1).streamOffset());
        assertEquals(List.of(), records.errors);
    }

    @Test
    void simplePacketBlockIsCutAtTheInterfaceSnapLength()
    {
        final byte[] capture = CaptureBuilder.pcapng(LITTLE_ENDIAN)
            .section(LITTLE_ENDIAN)
            .interfaceDescription(LinkType.RAW, 24, -1)
            .simplePacket(PACKET_A)
            .toArray();
        // A writer obeying snap length 24 stores 24 bytes; this one stored all, so the block is longer than needed.
        feedWhole(capture);

        assertEquals(24, records.packets.get(0).data().length);
        assertEquals(PACKET_A.length, records.packets.get(0).originalLength());
    }

    @Test
    void packetOnAnUndeclaredInterfaceIsSkippedAndTheStreamGoesOn()
    {
        final byte[] capture = CaptureBuilder.pcapng(LITTLE_ENDIAN)
            .section(LITTLE_ENDIAN)
            .interfaceDescription(LinkType.RAW, 0, -1)
            .enhancedPacket(3, 1, PACKET_A, PACKET_A.length)
            .enhancedPacket(0, 2, PACKET_B, PACKET_B.length)
            .toArray();

        assertEquals(1, feedWhole(capture));

        assertEquals(1, records.errors.size());
        assertEquals(DecodeError.UNKNOWN_INTERFACE, records.errors.get(0).error());
        assertEquals(3, records.errors.get(0).value());
        assertEquals(1, records.errors.get(0).limit());
        assertFalse(decoder.isStopped());
        assertArrayEquals(PACKET_B, records.packets.get(0).data());
    }

    @Test
    void absurdRecordLengthStopsTheStreamCleanly()
    {
        final byte[] good = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, LinkType.RAW).record(1, 0, PACKET_A).toArray();
        final byte[] bad = new ByteWriter(LITTLE_ENDIAN).u32(2).u32(0).u32(300_000).u32(300_000).zeros(64).toArray();
        final byte[] capture = TestPackets.concat(good, bad, good);

        assertEquals(1, feedWhole(capture));

        assertTrue(decoder.isStopped());
        assertEquals(1, records.packets.size());
        assertEquals(1, records.errors.size());
        final RecordCollector.Error error = records.errors.get(0);
        assertEquals(DecodeError.RECORD_LENGTH_INVALID, error.error());
        assertTrue(error.error().isFatal());
        assertEquals(good.length, error.streamOffset());
        assertEquals(300_000, error.value());
        assertEquals(PcapStreamDecoder.MAX_RECORD_LENGTH, error.limit());
        assertEquals(0, decoder.onBytes(new UnsafeBuffer(good), 0, good.length), "a stopped stream ignores bytes");
        assertEquals(0, decoder.onEndOfStream());
        assertEquals(1, records.errors.size());
    }

    @Test
    void recordLongerThanSnapLengthPlusSlackIsMalformed()
    {
        final int snap = 512;
        final byte[] withinSlack = new byte[snap + PcapRecordReader.SNAP_LENGTH_SLACK];
        final byte[] beyond = new byte[snap + PcapRecordReader.SNAP_LENGTH_SLACK + 1];
        final byte[] capture = CaptureBuilder.pcap(BIG_ENDIAN, false, snap, LinkType.RAW)
            .record(1, 0, withinSlack).record(2, 0, beyond).toArray();

        assertEquals(1, feedWhole(capture));

        assertEquals(DecodeError.RECORD_LENGTH_INVALID, records.errors.get(0).error());
        assertEquals(snap + PcapRecordReader.SNAP_LENGTH_SLACK, records.errors.get(0).limit());
        assertTrue(decoder.isStopped());
    }

    @Test
    void unknownMagicStopsWithTheMagicInHex()
    {
        final byte[] capture = "GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertEquals(0, feedWhole(capture));

        assertTrue(decoder.isStopped());
        final RecordCollector.Error error = records.errors.get(0);
        assertEquals(DecodeError.UNKNOWN_FILE_FORMAT, error.error());
        assertTrue(error.error().message(error.value(), error.limit()).startsWith(
            "not a pcap or pcapng stream: magic number is 0x47455420"), error.error().message(error.value(), 0));
    }

    @Test
    void pcapngBlockWithBadLengthOrTrailerStopsTheStream()
    {
        final byte[] valid = CaptureBuilder.pcapng(LITTLE_ENDIAN).section(LITTLE_ENDIAN)
            .interfaceDescription(LinkType.RAW, 0, -1).enhancedPacket(0, 1, PACKET_A, PACKET_A.length).toArray();

        final byte[] oddLength = valid.clone();
        final int epbStart = valid.length - epbLength(valid);
        new UnsafeBuffer(oddLength).putInt(epbStart + 4, epbLength(valid) + 2, LITTLE_ENDIAN);
        final RecordCollector odd = decode(oddLength);
        assertEquals(DecodeError.BLOCK_LENGTH_INVALID, odd.errors.get(0).error());
        assertEquals(epbStart, odd.errors.get(0).streamOffset());
        assertEquals(0, odd.packets.size());

        final byte[] badTrailer = valid.clone();
        new UnsafeBuffer(badTrailer).putInt(valid.length - 4, 12, LITTLE_ENDIAN);
        final RecordCollector trailer = decode(badTrailer);
        assertEquals(DecodeError.BLOCK_TRAILER_MISMATCH, trailer.errors.get(0).error());
        assertEquals(12, trailer.errors.get(0).value());
        assertEquals(epbLength(valid), trailer.errors.get(0).limit());
        assertEquals(0, trailer.packets.size());
    }

    @Test
    void truncatedLastRecordIsReportedWithTheBytesPresent()
    {
        final byte[] whole = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, LinkType.RAW)
            .record(1, 0, PACKET_A).record(2, 0, PACKET_B).toArray();
        final byte[] cut = Arrays.copyOf(whole, whole.length - 3);

        assertEquals(1, feedWhole(cut));
        assertEquals(1, records.packets.size());
        assertEquals(1, decoder.onEndOfStream());

        assertEquals(2, records.packets.size());
        final RecordCollector.Seen last = records.packets.get(1);
        assertTrue(last.truncated());
        assertEquals(PACKET_B.length - 3, last.data().length);
        assertEquals(PACKET_B.length, last.capturedLength());
        assertArrayEquals(Arrays.copyOf(PACKET_B, PACKET_B.length - 3), last.data());
        assertEquals(1, decoder.truncatedCount());
        assertEquals(List.of(), records.errors);
    }

    @Test
    void streamEndingInsideAHeaderIsReportedAsATruncatedHeader()
    {
        final byte[] whole = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, LinkType.RAW).record(1, 0, PACKET_A).toArray();

        final RecordCollector inRecordHeader = decode(Arrays.copyOf(whole, 24 + 10));
        assertEquals(DecodeError.TRUNCATED_RECORD_HEADER, inRecordHeader.errors.get(0).error());
        assertEquals(10, inRecordHeader.errors.get(0).value());
        assertEquals(16, inRecordHeader.errors.get(0).limit());
        assertEquals(24, inRecordHeader.errors.get(0).streamOffset());

        final RecordCollector inFileHeader = decode(Arrays.copyOf(whole, 20));
        assertEquals(DecodeError.TRUNCATED_FILE_HEADER, inFileHeader.errors.get(0).error());
        assertEquals(20, inFileHeader.errors.get(0).value());
        assertEquals(24, inFileHeader.errors.get(0).limit());

        final RecordCollector empty = decode(new byte[0]);
        assertEquals(List.of(), empty.errors, "an empty file is not an error: pflogd may just have created it");
        assertEquals(List.of(), empty.packets);
    }

    @Test
    void pcapngLastPacketCutInItsDataIsTruncatedButCutOnlyInItsTrailerIsWhole()
    {
        final byte[] whole = CaptureBuilder.pcapng(BIG_ENDIAN).section(BIG_ENDIAN)
            .interfaceDescription(LinkType.RAW, 0, -1).enhancedPacket(0, 1, PACKET_A, PACKET_A.length).toArray();
        final int epbStart = whole.length - epbLength(whole);

        final RecordCollector inData = decode(Arrays.copyOf(whole, epbStart + 28 + 10));
        assertEquals(1, inData.packets.size());
        assertTrue(inData.packets.get(0).truncated());
        assertEquals(10, inData.packets.get(0).data().length);
        assertEquals(PACKET_A.length, inData.packets.get(0).capturedLength());

        final RecordCollector inTrailer = decode(Arrays.copyOf(whole, whole.length - 2));
        assertEquals(1, inTrailer.packets.size());
        assertFalse(inTrailer.packets.get(0).truncated());
        assertArrayEquals(PACKET_A, inTrailer.packets.get(0).data());

        final RecordCollector inBlockHeader = decode(Arrays.copyOf(whole, epbStart + 6));
        assertEquals(DecodeError.TRUNCATED_BLOCK, inBlockHeader.errors.get(0).error());
        assertEquals(6, inBlockHeader.errors.get(0).value());
    }

    @Test
    void afterEndOfStreamTheNextFileStartsAfresh()
    {
        final byte[] littleEndian = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, LinkType.PFLOG)
            .record(1, 0, PACKET_A).toArray();
        final byte[] bigEndian = CaptureBuilder.pcap(BIG_ENDIAN, true, 0, LinkType.NFLOG)
            .record(2, 0, PACKET_B).toArray();

        feedWhole(littleEndian);
        decoder.onEndOfStream();
        feedWhole(bigEndian);
        decoder.onEndOfStream();

        assertEquals(2, records.packets.size());
        assertEquals(LinkType.NFLOG, records.packets.get(1).linkType());
        assertEquals(BIG_ENDIAN, records.packets.get(1).byteOrder());
        assertEquals(1, records.packets.get(1).index(), "record numbers restart with each stream");
        assertEquals(24, records.packets.get(1).streamOffset());
        assertEquals(2, decoder.packetCount(), "counters span streams");
    }

    @Test
    void pcapngTimestampResolutions()
    {
        assertEquals(1_500_000_000L, PcapngTimestamps.toNanos(1_500_000, 6, 0));
        assertEquals(123L, PcapngTimestamps.toNanos(123, 9, 0));
        assertEquals(12L, PcapngTimestamps.toNanos(12_345, 12, 0));
        assertEquals(3_000_000_000L, PcapngTimestamps.toNanos(3, 0, 0));
        assertEquals(1_500_000_000L, PcapngTimestamps.toNanos(3L << 29, 0x80 | 30, 0));
        assertEquals(2_250_000_000L, PcapngTimestamps.toNanos(9L << 38, 0x80 | 40, 0));
        assertEquals(10_000_000_001L, PcapngTimestamps.toNanos(1, 9, 10));
    }

    private int feedWhole(final byte[] capture)
    {
        return decoder.onBytes(new UnsafeBuffer(capture), 0, capture.length);
    }

    private static RecordCollector decode(final byte[] capture)
    {
        final RecordCollector collector = new RecordCollector();
        final PcapStreamDecoder streamDecoder = new PcapStreamDecoder(collector);
        streamDecoder.onBytes(new UnsafeBuffer(capture), 0, capture.length);
        streamDecoder.onEndOfStream();
        return collector;
    }

    /**
     * @return the length of the last block, from its trailer.
     */
    private static int epbLength(final byte[] capture)
    {
        final ByteOrder order = capture[8] == 0x1A ? BIG_ENDIAN : LITTLE_ENDIAN;
        return new UnsafeBuffer(capture).getInt(capture.length - 4, order);
    }

    private static int sectionAndInterfaceLength(final byte[] capture)
    {
        final ByteOrder order = capture[8] == 0x1A ? BIG_ENDIAN : LITTLE_ENDIAN;
        final UnsafeBuffer buffer = new UnsafeBuffer(capture);
        final int section = buffer.getInt(4, order);
        return section + buffer.getInt(section + 4, order);
    }
}
