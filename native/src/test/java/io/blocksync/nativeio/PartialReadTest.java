package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A pipe delivers a capture in pieces of any size; the events must not depend on where the pieces break.
 */
class PartialReadTest
{
    @Test
    void oneByteAtATimeGivesTheSameEventsAsTheWholeCapture()
    {
        for (final Capture capture : captures())
        {
            final List<SeenEvent> whole = decodeInChunks(capture.bytes(), null);
            assertFalse(whole.isEmpty(), capture.name());
            assertEquals(whole, decodeInChunks(capture.bytes(), new int[]{ 1 }), capture.name());
        }
    }

    @Test
    void randomChunkSizesGiveTheSameEventsAsTheWholeCapture()
    {
        final Random random = new Random(20240917);
        for (final Capture capture : captures())
        {
            final List<SeenEvent> whole = decodeInChunks(capture.bytes(), null);
            for (int round = 0; round < 50; round++)
            {
                final int[] sizes = new int[64];
                for (int i = 0; i < sizes.length; i++)
                {
                    sizes[i] = 1 + random.nextInt(random.nextBoolean() ? 7 : 300);
                }
                assertEquals(whole, decodeInChunks(capture.bytes(), sizes), capture.name() + " round " + round);
            }
        }
    }

    @Test
    void eventsArriveAsSoonAsTheirRecordIsComplete()
    {
        final byte[] capture = SyntheticCaptures.pflogPcap(java.nio.ByteOrder.LITTLE_ENDIAN);
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final PcapStreamDecoder decoder = new PcapStreamDecoder(new CaptureEventDecoder(collector));
        final UnsafeBuffer buffer = new UnsafeBuffer(capture);
        final int firstRecordEnd = 24 + 16 + (buffer.getInt(24 + 8, java.nio.ByteOrder.LITTLE_ENDIAN));

        decoder.onBytes(buffer, 0, firstRecordEnd - 1);
        assertEquals(0, collector.events.size());
        assertEquals(1, decoder.onBytes(buffer, firstRecordEnd - 1, 1));
        assertEquals(1, collector.events.size(), "no waiting for the next record's bytes");
    }

    private record Capture(String name, byte[] bytes)
    {
    }

    private static List<Capture> captures()
    {
        final List<Capture> captures = new ArrayList<>();
        final List<byte[]> synthetic = SyntheticCaptures.all();
        for (int i = 0; i < synthetic.size(); i++)
        {
            captures.add(new Capture("synthetic " + i, synthetic.get(i)));
        }
        if (SharedTestData.isPresent())
        {
            for (final String name : SharedTestData.ALL_CAPTURES)
            {
                captures.add(new Capture(name, SharedTestData.bytes(name)));
            }
        }
        return captures;
    }

    /**
     * @param sizes chunk sizes to cycle through, or null for one call with everything. Each chunk is copied to a
     *              different place in a reused buffer, as a reader thread's buffer would be.
     */
    private static List<SeenEvent> decodeInChunks(final byte[] capture, final int[] sizes)
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final PcapStreamDecoder decoder = new PcapStreamDecoder(new CaptureEventDecoder(collector));
        if (null == sizes)
        {
            decoder.onBytes(new UnsafeBuffer(capture), 0, capture.length);
        }
        else
        {
            final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1024]);
            int position = 0;
            int chunk = 0;
            while (position < capture.length)
            {
                final int size = Math.min(sizes[chunk++ % sizes.length], capture.length - position);
                final int at = (chunk * 37) % (scratch.capacity() - size);
                scratch.setMemory(0, scratch.capacity(), (byte)0x5A);
                scratch.putBytes(at, capture, position, size);
                decoder.onBytes(scratch, at, size);
                position += size;
            }
        }
        decoder.onEndOfStream();
        return collector.events;
    }
}
