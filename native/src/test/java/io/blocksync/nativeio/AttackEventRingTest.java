package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events cross from source threads to the loop through the ring unchanged, a full ring drops and counts, and the
 * hand-off allocates nothing.
 */
class AttackEventRingTest
{
    @Test
    void everyDecodedEventSurvivesTheCodecFieldForField()
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[AttackEventCodec.LENGTH]);
        final AttackEvent copy = new AttackEvent();
        final List<String> compared = new ArrayList<>();
        final CaptureEventDecoder decoder = new CaptureEventDecoder(event ->
        {
            AttackEventCodec.encode(event, record, 0);
            AttackEventCodec.decode(record, 0, copy);
            assertEquals(EventFields.of(event), EventFields.of(copy));
            compared.add(EventFields.of(copy));
        });
        final PcapStreamDecoder stream = new PcapStreamDecoder(decoder);
        for (final byte[] capture : SyntheticCaptures.all())
        {
            stream.onBytes(new UnsafeBuffer(capture), 0, capture.length);
            stream.onEndOfStream();
        }

        assertTrue(compared.size() >= 12, compared::toString);
        assertTrue(compared.stream().anyMatch(text -> text.contains("result=TRUNCATED")), compared::toString);
    }

    @Test
    void aFullyPopulatedEventSurvivesTheCodec()
    {
        final AttackEvent event = fullEvent(0, 65000);
        final UnsafeBuffer record = new UnsafeBuffer(new byte[AttackEventCodec.LENGTH + 8]);
        AttackEventCodec.encode(event, record, 8);
        final AttackEvent copy = new AttackEvent();
        copy.ifname().set("stale");
        copy.logPrefix().set("stale and longer");
        AttackEventCodec.decode(record, 8, copy);

        assertEquals(EventFields.of(event), EventFields.of(copy));
        assertEquals(AttackEvent.LOG_PREFIX_CAPACITY, copy.logPrefix().length());
        assertEquals(AttackEvent.IFNAME_CAPACITY, copy.ifname().length());
        assertEquals("2001:db8::7", AddressText.format(copy.packet().source()));
    }

    @Test
    void eventsWrittenBySourceThreadsAreReadBackIdenticalAndInOrder() throws InterruptedException
    {
        final int perProducer = 5_000;
        final AttackEventRing ring = new AttackEventRing(64);
        final Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++)
        {
            final int producer = p;
            producers[p] = new Thread(() ->
            {
                for (int i = 0; i < perProducer; i++)
                {
                    final AttackEvent event = fullEvent(producer, i);
                    while (!ring.offer(event))
                    {
                        // Full: let the consumer run (this machine may have fewer cores than threads).
                        Thread.yield();
                    }
                }
            }, "producer-" + p);
            producers[p].start();
        }

        final int[] next = new int[producers.length];
        final List<String> mismatches = new ArrayList<>();
        final long deadline = System.currentTimeMillis() + Poll.DEFAULT_TIMEOUT.toMillis();
        while (next[0] + next[1] < producers.length * perProducer && System.currentTimeMillis() < deadline)
        {
            ring.drain(event ->
            {
                final int producer = event.group();
                final String expected = EventFields.of(fullEvent(producer, next[producer]));
                if (!expected.equals(EventFields.of(event)) && mismatches.size() < 5)
                {
                    mismatches.add("expected " + expected + "\n     got " + EventFields.of(event));
                }
                next[producer]++;
            }, 100);
        }
        for (final Thread producer : producers)
        {
            producer.join();
        }

        assertEquals(List.of(), mismatches);
        assertEquals(perProducer, next[0]);
        assertEquals(perProducer, next[1]);
        assertEquals(0, ring.drain(event -> mismatches.add("extra " + event), 100));
    }

    @Test
    void aFullRingRefusesEventsAndThePublisherCountsThemAsDropped()
    {
        final AttackEventRing ring = new AttackEventRing(8);
        final int capacity = ring.capacityEvents();
        assertTrue(capacity >= 8, "capacity " + capacity);

        final SourceCounters counters = new SourceCounters();
        final LogLines log = new LogLines();
        final RingEventPublisher publisher = new RingEventPublisher("test", ring, counters, log);
        for (int i = 0; i < capacity + 12; i++)
        {
            publisher.onEvent(fullEvent(1, i));
        }

        assertEquals(capacity, counters.events());
        assertEquals(12, counters.dropped());
        assertEquals(4, log.count("event ring full"), log::toString);

        final RingCollector loop = new RingCollector(ring);
        loop.drain();
        assertEquals(capacity, loop.events.size());
        assertEquals(0, loop.events.get(0).sourcePort());
        assertEquals(capacity - 1, loop.events.get(capacity - 1).sourcePort());

        publisher.onEvent(fullEvent(1, 999));
        assertEquals(capacity + 1, counters.events());
        assertEquals(12, counters.dropped());
    }

    @Test
    void eventsWithoutAnAttackerAreCountedAsMalformedAndLoggedSparingly()
    {
        final AttackEventRing ring = new AttackEventRing(16);
        final SourceCounters counters = new SourceCounters();
        final LogLines log = new LogLines();
        final RingEventPublisher publisher = new RingEventPublisher("pipe", ring, counters, log);
        final AttackEvent bad = new AttackEvent().linkType(LinkType.NFLOG)
            .error(DecodeError.TLV_OVERRUNS_RECORD, 4, 256, 8);
        for (int i = 0; i < 5; i++)
        {
            publisher.onEvent(bad);
        }
        publisher.muted(true);
        publisher.onEvent(fullEvent(0, 1));

        assertEquals(0, counters.events());
        assertEquals(5, counters.malformed());
        assertEquals(List.of(
            "pipe: skipped (1 so far): byte 4: TLV claims 256 bytes, only 8 remain in the record",
            "pipe: skipped (2 so far): byte 4: TLV claims 256 bytes, only 8 remain in the record",
            "pipe: skipped (4 so far): byte 4: TLV claims 256 bytes, only 8 remain in the record"), log.lines);
        assertEquals(0, ring.size());
    }

    @Test
    void handingOverAllocatesNothing()
    {
        final AttackEventRing ring = new AttackEventRing(256);
        final AttackEvent event = fullEvent(3, 1);
        final AtomicLong seen = new AtomicLong();
        final AttackEventHandler consumer = received -> seen.addAndGet(received.packet().sourcePort());
        for (int i = 0; i < 300_000; i++)
        {
            ring.offer(event);
            ring.drain(consumer, 10);
        }

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long seenBefore = seen.get();
        final long start = System.nanoTime();
        for (int i = 0; i < 100_000; i++)
        {
            assertTrue(ring.offer(event));
            ring.drain(consumer, 10);
        }
        final long elapsed = System.nanoTime() - start;
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("ring hand-off, offer + drain on one thread: %.0f ns/event, %,d bytes allocated%n",
            elapsed / 100_000.0, allocated);

        assertEquals(100_000L, seen.get() - seenBefore);
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated for 100,000 events");
        assertFalse(ring.size() > 0);
    }

    /**
     * @param producer goes into the group, so the consumer can tell producers apart.
     * @param sequence goes into the source port and the time.
     */
    static AttackEvent fullEvent(final int producer, final int sequence)
    {
        final AttackEvent event = new AttackEvent()
            .timeNanos(1_700_000_000_000_000_000L + sequence)
            .linkType(LinkType.PFLOG)
            .record(sequence + 1, 24L + sequence * 100L)
            .action(1).reason(0).direction(1)
            .ruleNumber(4_000_000_000L).subruleNumber(-1)
            .group(producer)
            .inputInterfaceIndex(2).outputInterfaceIndex(3)
            .uid(1000).gid(100).mark(0xFFFF_FFFFL);
        event.ifname().set("if-name-16-bytes");
        event.packet()
            .ipVersion(6)
            .protocol(TestPackets.TCP)
            .sourcePort(sequence)
            .destinationPort(22)
            .icmpType(AttackEvent.NONE).icmpCode(AttackEvent.NONE)
            .truncated(1 == (sequence & 1))
            .fragment(2 == (sequence & 2));
        event.logPrefix().set("p".repeat(AttackEvent.LOG_PREFIX_CAPACITY));
        final String error = AddressText.parse("2001:db8::" + Integer.toHexString(producer + 7),
            event.packet().source(), 32, 128);
        assertEquals(null, error);
        assertEquals(null, AddressText.parse("198.51.100.1", event.packet().destination(), 32, 128));
        if (0 == sequence % 3)
        {
            event.error(DecodeError.TRANSPORT_HEADER_TRUNCATED, 40 + sequence, 2, 4);
        }
        return event;
    }
}
