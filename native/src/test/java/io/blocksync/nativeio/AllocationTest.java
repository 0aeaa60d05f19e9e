package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding is allocation-free per event: after warm-up, 100,000 passes over every capture allocate (almost)
 * nothing on this thread. Also prints a rough per-event cost; the JMH benchmark is the real measurement.
 */
class AllocationTest
{
    private static final long ALLOCATION_BOUND_BYTES = 64 * 1024;

    private final long[] outcomes = new long[DecodeResult.values().length];
    private final CaptureEventDecoder events = new CaptureEventDecoder(event -> outcomes[event.result().ordinal()]++);
    private final PcapStreamDecoder decoder = new PcapStreamDecoder(events);

    @Test
    void decodingEveryCaptureOverAndOverAllocatesNothing()
    {
        final List<UnsafeBuffer> captures = new ArrayList<>();
        for (final byte[] capture : SyntheticCaptures.all())
        {
            captures.add(new UnsafeBuffer(capture));
        }
        if (SharedTestData.isPresent())
        {
            for (final String name : SharedTestData.ALL_CAPTURES)
            {
                captures.add(new UnsafeBuffer(SharedTestData.bytes(name)));
            }
        }

        measure("every capture, file by file", captures, 20_000, 100_000);
    }

    @Test
    void decodingALongStreamAllocatesNothing()
    {
        final CaptureBuilder.Pcap pcap = CaptureBuilder.pcap(LITTLE_ENDIAN, false, 0, LinkType.NFLOG);
        final byte[] ssh = TestPackets.ipv4("203.0.113.9", "192.0.2.1", TestPackets.TCP, TestPackets.tcp(40000, 22));
        final byte[] record = TestPackets.nflog(2, 5,
            TestPackets.tlv(LITTLE_ENDIAN, NflogRecordDecoder.TYPE_PACKET_HDR, new byte[]{ 8, 0, 1, 0 }),
            TestPackets.tlv(LITTLE_ENDIAN, NflogRecordDecoder.TYPE_PREFIX, TestPackets.cString("bs-ssh")),
            TestPackets.tlv(LITTLE_ENDIAN, NflogRecordDecoder.TYPE_IFINDEX_INDEV, TestPackets.be32(2)),
            TestPackets.tlv(LITTLE_ENDIAN, NflogRecordDecoder.TYPE_PAYLOAD, ssh));
        for (int i = 0; i < 10_000; i++)
        {
            pcap.record(1_700_000_000L + i, i, record);
        }

        measure("one NFLOG stream of 10,000 records", List.of(new UnsafeBuffer(pcap.toArray())), 100, 200);
    }

    private void measure(final String name, final List<UnsafeBuffer> captures, final int warmUp, final int passes)
    {
        decodeAll(captures, warmUp);
        final long eventsPerPass = (events.okCount() + events.malformedCount() + events.truncatedCount() +
            events.unsupportedCount()) / warmUp;

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long okBefore = events.okCount();
        final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        final long start = System.nanoTime();

        decodeAll(captures, passes);

        final long elapsed = System.nanoTime() - start;
        final long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        final long decoded = eventsPerPass * passes;

        assertTrue(allocated < ALLOCATION_BOUND_BYTES,
            () -> name + ": " + allocated + " bytes allocated decoding " + decoded + " events");
        assertEquals(outcomes[DecodeResult.OK.ordinal()], events.okCount());
        assertTrue(events.okCount() - okBefore >= decoded / 2, name + ": most events decode");
        System.out.printf("%s: %,d events in %,d ms, %.0f ns/event, %,d bytes allocated%n",
            name, decoded, elapsed / 1_000_000, (double)elapsed / decoded, allocated);
    }

    /**
     * Each capture is fed whole on even passes (decoded in place) and in two pieces on odd ones (the record
     * across the cut goes through the decoder's own buffer), then ended.
     */
    private void decodeAll(final List<UnsafeBuffer> captures, final int passes)
    {
        for (int pass = 0; pass < passes; pass++)
        {
            for (int i = 0, size = captures.size(); i < size; i++)
            {
                final UnsafeBuffer capture = captures.get(i);
                final int length = capture.capacity();
                if (0 == (pass & 1))
                {
                    decoder.onBytes(capture, 0, length);
                }
                else
                {
                    final int half = length / 2;
                    decoder.onBytes(capture, 0, half);
                    decoder.onBytes(capture, half, length - half);
                }
                decoder.onEndOfStream();
            }
        }
    }
}
