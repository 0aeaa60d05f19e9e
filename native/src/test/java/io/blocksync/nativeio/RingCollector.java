package io.blocksync.nativeio;

import io.blocksync.testkit.Poll;

import java.util.ArrayList;
import java.util.List;

/**
 * The event loop's side of an {@link AttackEventRing} in tests: drains it into copies.
 */
final class RingCollector
{
    final AttackEventRing ring;
    final List<SeenEvent> events = new ArrayList<>();

    RingCollector(final AttackEventRing ring)
    {
        this.ring = ring;
    }

    int drain()
    {
        return ring.drain(event -> events.add(SeenEvent.of(event)), 1000);
    }

    /**
     * Drain until at least this many events have arrived.
     */
    void awaitAtLeast(final int count, final EventSource source, final LogLines log)
    {
        Poll.until(count + " events from " + source.name(),
            () ->
            {
                drain();
                return events.size() >= count;
            },
            () -> events.size() + " arrived; counters " + source.counters() + "\nlog:\n" + log);
    }

    List<Integer> sourcePorts()
    {
        final List<Integer> ports = new ArrayList<>();
        for (final SeenEvent event : events)
        {
            ports.add(event.sourcePort());
        }
        return ports;
    }
}
