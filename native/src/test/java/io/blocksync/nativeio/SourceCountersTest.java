package io.blocksync.nativeio;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceCountersTest
{
    @Test
    void idsAreTheOnesTheStatusFileAlreadyHolds()
    {
        // A contract: changing one renumbers a counter in every status file reader.
        assertEquals(1, SourceCounter.EVENTS.id());
        assertEquals(2, SourceCounter.MALFORMED.id());
        assertEquals(3, SourceCounter.DROPPED.id());
        assertEquals(4, SourceCounter.RESTARTS.id());
        assertEquals(5, SourceCounter.FAILURES.id());

        final Set<Integer> ids = new HashSet<>();
        for (final SourceCounter counter : SourceCounter.values())
        {
            assertTrue(counter.id() > 0, counter::toString);
            assertTrue(ids.add(counter.id()), () -> "id " + counter.id() + " used twice");
        }
    }

    @Test
    void labelsAreTheFieldNamesAndTheWordsStatusPrints()
    {
        final List<String> fields = new ArrayList<>();
        for (final Field field : SourceCounters.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(field.getModifiers()))
            {
                fields.add(field.getName());
            }
        }
        final List<String> labels = new ArrayList<>();
        for (final SourceCounter counter : SourceCounter.values())
        {
            labels.add(counter.label());
        }

        assertEquals(List.of("events", "malformed", "dropped", "restarts", "failures"), labels);
        // getDeclaredFields promises no order: compare as sets.
        assertEquals(new HashSet<>(labels), new HashSet<>(fields));
        assertEquals(labels.size(), fields.size());
    }

    @Test
    void getReadsTheCounterTheIdNames()
    {
        final SourceCounters counters = new SourceCounters();
        counters.incrementEvents();
        counters.incrementEvents();
        counters.incrementMalformed();
        counters.incrementDropped();
        counters.incrementDropped();
        counters.incrementDropped();
        counters.incrementRestarts();
        counters.incrementFailures();
        counters.incrementFailures();

        assertEquals(2, counters.get(SourceCounter.EVENTS));
        assertEquals(1, counters.get(SourceCounter.MALFORMED));
        assertEquals(3, counters.get(SourceCounter.DROPPED));
        assertEquals(1, counters.get(SourceCounter.RESTARTS));
        assertEquals(2, counters.get(SourceCounter.FAILURES));
        assertEquals("events=2 malformed=1 dropped=3 restarts=1 failures=2", counters.toString());
    }
}
