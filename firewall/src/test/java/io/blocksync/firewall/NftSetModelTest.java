package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the off-heap set model writes: a container added over a prefix the kernel holds (and lifted again) rewrites an
 * interval set, a refresh is a removal and an add with the new time, an expired element is nothing to delete, a
 * failed transaction rolls back, and a set grows well past its first regions (sorted or hashed).
 */
class NftSetModelTest
{
    private static final long NOW = 1_000_000;
    private final List<String> written = new ArrayList<>();
    private final NftElementSink sink = new NftElementSink()
    {
        public void flush(final NftSetModel set)
        {
            written.add("flush");
        }

        public void remove(final NftSetModel set, final NftElementList elements)
        {
            for (int i = 0; i < elements.size(); i++)
            {
                written.add("remove " + elements.prefix(i, new IpPrefix()));
            }
        }

        public void add(final NftSetModel set, final NftElementList elements, final long nowMs)
        {
            for (int i = 0; i < elements.size(); i++)
            {
                final long deadlineMs = elements.deadlineMs(i);
                written.add("add " + elements.prefix(i, new IpPrefix()) + " " +
                    (NftSetModel.PERMANENT == deadlineMs ? "permanent" : (deadlineMs - nowMs) / 1000 + "s"));
            }
        }
    };

    @Test
    void aContainerOverAPrefixTheKernelHoldsRewritesTheIntervalSetAndLiftingItPutsTheInnerOneBack()
    {
        final NftSetModel set = new NftSetModel("inet blocksync ban4", true, false);
        set.add(Bans.prefix("198.51.100.0/24"), 600, NOW);
        assertEquals(List.of("add 198.51.100.0/24 600s"), write(set, NOW));

        set.add(Bans.prefix("198.51.0.0/16"), 600, NOW);
        set.add(Bans.prefix("198.51.100.128/25"), 600, NOW);
        assertEquals(List.of("flush", "add 198.51.0.0/16 600s"), write(set, NOW), "only the outermost goes in");
        assertEquals(3, set.size());

        set.remove(Bans.prefix("198.51.0.0/16"), NOW + 1_000);
        assertEquals(List.of("flush", "add 198.51.100.0/24 599s"), write(set, NOW + 1_000),
            "the /24 is maximal again, its /25 still inside it");
        assertEquals(2, set.size());
    }

    @Test
    void aRefreshIsARemovalAndAnAddAndAnExpiredElementIsNothingToDelete()
    {
        final NftSetModel set = new NftSetModel("inet blocksync ban4_host", false, true);
        set.add(Bans.prefix("192.0.2.7"), 60, NOW);
        set.add(Bans.prefix("192.0.2.8"), 1, NOW);
        assertEquals(List.of("add 192.0.2.7 60s", "add 192.0.2.8 1s"), write(set, NOW));

        set.add(Bans.prefix("192.0.2.7"), 0, NOW + 5_000);
        set.remove(Bans.prefix("192.0.2.8"), NOW + 5_000);
        assertEquals(List.of("remove 192.0.2.7", "add 192.0.2.7 permanent"), write(set, NOW + 5_000),
            "192.0.2.8 ended in the kernel on its own");
        assertEquals(1, set.size());
    }

    @Test
    void aFailedTransactionRollsBackSoTheNextBatchWritesItsOwnChangesOnly()
    {
        final NftSetModel set = new NftSetModel("inet blocksync ban4_host", false, true);
        set.add(Bans.prefix("192.0.2.1"), 60, NOW);
        write(set, NOW);
        set.remove(Bans.prefix("192.0.2.1"), NOW);
        set.add(Bans.prefix("192.0.2.2"), 60, NOW);
        set.emit(sink, NOW);
        set.abort();
        written.clear();
        assertFalse(set.hasWork());
        assertEquals(1, set.size(), "192.0.2.1 back, 192.0.2.2 gone");

        set.add(Bans.prefix("192.0.2.3"), 60, NOW);
        assertEquals(List.of("add 192.0.2.3 60s"), write(set, NOW));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void growsPastItsFirstRegionsAndARewriteWritesEveryElementOnce(final boolean interval)
    {
        final NftSetModel set = new NftSetModel("inet blocksync ban6_64", interval, !interval);
        final int count = 100_000;
        for (int i = count - 1; i >= 0; i--)
        {
            set.add(Bans.prefix(String.format("2001:db8:%x:%x::/64", i >> 16, i & 0xFFFF)), 3_600, NOW);
        }
        final List<String> added = write(set, NOW);
        assertEquals(count, added.size());
        assertEquals("add 2001:db8:1:869f::/64 3600s", added.get(0), "in the order added");
        assertEquals(count, set.size());
        assertTrue(set.directBytes() >= count * (long)NftElements.ENTRY, set.directBytes() + " bytes");

        set.rewriteNext();
        final List<String> rewrite = write(set, NOW);
        assertEquals(count + 1, rewrite.size());
        assertEquals("flush", rewrite.get(0));
        if (interval)
        {
            // An interval set's store keeps address order; a plain set's has none to keep.
            assertEquals("add 2001:db8::/64 3600s", rewrite.get(1));
            assertEquals("add 2001:db8:1:869f::/64 3600s", rewrite.get(count));
        }
        final List<String> sorted = new ArrayList<>(rewrite.subList(1, count + 1));
        Collections.sort(sorted);
        Collections.sort(added);
        assertEquals(added, sorted);
    }

    private List<String> write(final NftSetModel set, final long nowMs)
    {
        written.clear();
        set.emit(sink, nowMs);
        set.commit();
        return new ArrayList<>(written);
    }
}
