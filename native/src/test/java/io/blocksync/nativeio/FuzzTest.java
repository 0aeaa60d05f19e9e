package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random and mutated bytes never make a decoder throw or read outside the region it was given: every buffer
 * here wraps exactly that region, so a stray read fails Agrona's bounds check.
 */
class FuzzTest
{
    private static final int RECORDS = 100_000;
    private static final int STREAMS = 5_000;
    private static final int[] LINK_TYPES = {
        LinkType.PFLOG, LinkType.NFLOG, LinkType.RAW, LinkType.IPV4, LinkType.IPV6, 1 };

    private final Random random = new Random(0xB10C5);

    @Test
    void randomAndMutatedRecordsNeverThrow()
    {
        final List<RecordCollector.Seen> seeds = seedRecords();
        final PacketEventDecoder decoder = new PacketEventDecoder();
        final CaptureRecord record = new CaptureRecord();
        final AttackEvent event = new AttackEvent();
        final StringBuilder text = new StringBuilder();
        final UnsafeBuffer region = new UnsafeBuffer(new byte[0]);
        final int[] results = new int[DecodeResult.values().length];

        for (int i = 0; i < RECORDS; i++)
        {
            final byte[] bytes;
            final int linkType;
            final ByteOrder order;
            if (0 == (i & 1))
            {
                final RecordCollector.Seen seed = seeds.get(random.nextInt(seeds.size()));
                bytes = mutate(seed.data());
                linkType = seed.linkType();
                order = random.nextInt(8) == 0 ? flip(seed.byteOrder()) : seed.byteOrder();
            }
            else
            {
                bytes = plausibleRandom();
                linkType = LINK_TYPES[random.nextInt(LINK_TYPES.length)];
                order = random.nextBoolean() ? LITTLE_ENDIAN : BIG_ENDIAN;
            }

            region.wrap(bytes, 0, bytes.length);
            record.link(linkType, order, 0).packet(i, bytes.length, bytes.length);
            final DecodeResult result = decoder.decode(record, region, 0, bytes.length, event);

            results[result.ordinal()]++;
            assertEquals(event.error().result(), result, event::toString);
            if (DecodeResult.OK == result)
            {
                assertTrue(event.packet().hasAddresses(), event::toString);
            }
            text.setLength(0);
            event.appendTo(text);
        }

        // The mix must reach every outcome, or the fuzzing is too shallow to mean much.
        for (final DecodeResult result : DecodeResult.values())
        {
            assertTrue(results[result.ordinal()] > 100, () -> result + " reached only " +
                results[result.ordinal()] + " times: " + Arrays.toString(results));
        }
    }

    @Test
    void mutatedCapturesFedInRandomPiecesNeverThrow()
    {
        final List<byte[]> captures = new ArrayList<>(SyntheticCaptures.all());
        if (SharedTestData.isPresent())
        {
            for (final String name : SharedTestData.ALL_CAPTURES)
            {
                captures.add(SharedTestData.bytes(name));
            }
        }

        final long[] seen = new long[1];
        final CaptureEventDecoder events = new CaptureEventDecoder(event ->
        {
            seen[0]++;
            assertEquals(event.error().result(), event.result());
        });
        final PcapStreamDecoder decoder = new PcapStreamDecoder(events);
        final UnsafeBuffer piece = new UnsafeBuffer(new byte[0]);
        for (int i = 0; i < STREAMS; i++)
        {
            final byte[] capture = mutate(captures.get(random.nextInt(captures.size())));
            int position = 0;
            while (position < capture.length)
            {
                final int size = Math.min(1 + random.nextInt(200), capture.length - position);
                final byte[] copy = Arrays.copyOfRange(capture, position, position + size);
                piece.wrap(copy, 0, size);
                decoder.onBytes(piece, 0, size);
                position += size;
            }
            decoder.onEndOfStream();
        }

        assertTrue(seen[0] > STREAMS, "mutated captures still yield events: " + seen[0]);
        assertTrue(events.okCount() > 0 && events.malformedCount() > 0 && events.captureErrorCount() > 0,
            "ok " + events.okCount() + ", malformed " + events.malformedCount() + ", stream errors " +
            events.captureErrorCount());
    }

    private List<RecordCollector.Seen> seedRecords()
    {
        final RecordCollector collector = new RecordCollector();
        final PcapStreamDecoder decoder = new PcapStreamDecoder(collector);
        final List<byte[]> captures = new ArrayList<>(SyntheticCaptures.all());
        if (SharedTestData.isPresent())
        {
            for (final String name : SharedTestData.ALL_CAPTURES)
            {
                captures.add(SharedTestData.bytes(name));
            }
        }
        for (final byte[] capture : captures)
        {
            decoder.onBytes(new UnsafeBuffer(capture), 0, capture.length);
            decoder.onEndOfStream();
        }
        return collector.packets;
    }

    private byte[] mutate(final byte[] original)
    {
        byte[] bytes = original.clone();
        final int flips = random.nextInt(9);
        for (int i = 0; i < flips && bytes.length > 0; i++)
        {
            final int at = random.nextInt(bytes.length);
            bytes[at] = random.nextInt(4) == 0 ? (byte)(random.nextBoolean() ? 0 : 0xFF) : (byte)random.nextInt(256);
        }

        switch (random.nextInt(4))
        {
            case 0:
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                break;
            case 1:
                final int extra = random.nextInt(64);
                final int length = bytes.length;
                bytes = Arrays.copyOf(bytes, length + extra);
                for (int i = length; i < bytes.length; i++)
                {
                    bytes[i] = (byte)random.nextInt(256);
                }
                break;
            default:
                break;
        }
        return bytes;
    }

    /**
     * Random bytes whose first bytes often look right, so decoding gets past the first check.
     */
    private byte[] plausibleRandom()
    {
        final byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        if (bytes.length > 4 && random.nextBoolean())
        {
            switch (random.nextInt(4))
            {
                case 0:
                    bytes[0] = (byte)new int[]{ 61, 69, 100 }[random.nextInt(3)];
                    bytes[1] = (byte)new int[]{ 2, 24, 28, 30 }[random.nextInt(4)];
                    break;
                case 1:
                    bytes[1] = 0;
                    break;
                case 2:
                    bytes[0] = 0x45;
                    break;
                default:
                    bytes[0] = 0x60;
                    break;
            }
        }
        return bytes;
    }

    private static ByteOrder flip(final ByteOrder order)
    {
        return LITTLE_ENDIAN == order ? BIG_ENDIAN : LITTLE_ENDIAN;
    }
}
