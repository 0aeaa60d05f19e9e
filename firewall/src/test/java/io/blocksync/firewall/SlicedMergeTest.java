package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full check's merge runs in slices between commits (issue 11): with 50,000 elements listed, a lone ban offered
 * while the merge is in progress is committed before the merge ends, a ban lifted meanwhile is neither restored nor
 * judged a stray, and the slices allocate nothing. The worker is stepped by hand (no threads, no clock); the backend
 * keeps a map as its kernel and lists it on the worker.
 */
class SlicedMergeTest
{
    private static final int LISTED = 50_000;
    private static final long SECOND = 1_000_000_000L;

    private final ListedBackend backend = new ListedBackend();
    private long now = 1_000 * SECOND;

    @Test
    void aLoneBanOfferedDuringAMergeIsCommittedBeforeTheMergeEndsAndALiftedBanStaysLifted()
    {
        final List<FirewallChange> live = new ArrayList<>(LISTED);
        for (int i = 0; i < LISTED; i++)
        {
            final FirewallChange change = Bans.add(address(i), 3_600);
            live.add(change);
            backend.kernel.put(change.ban().prefix(), 3_600L);
        }
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0)
            .checkIntervalMs(1_000).fullCheckIntervalMs(1_000), () -> now);
        batcher.open(live);
        runMerge(batcher);
        assertEquals(1, batcher.reconciles(), "the start-up check confirmed the seeded bans");
        assertEquals(0, backend.applies);

        now += 2 * SECOND;
        batcher.doWork(now);
        assertTrue(batcher.fullCheckInFlight(), "a first slice judged, the merge goes on");
        assertEquals(1, batcher.reconciles());
        assertEquals(2, backend.listings);

        final String lone = "198.51.100.77";
        final String lifted = address(LISTED - 1);
        assertTrue(batcher.offer(ADD, Bans.ban(lone, Bans.SSH), 600));
        assertTrue(batcher.offer(REMOVE, Bans.ban(lifted, Bans.SSH), 0));
        batcher.doWork(now += 1_000);
        assertTrue(backend.kernel.containsKey(Bans.prefix(lone)), "committed between slices");
        assertTrue(batcher.isEnforced(Bans.prefix(lone)));
        assertFalse(backend.kernel.containsKey(Bans.prefix(lifted)));
        assertTrue(batcher.fullCheckInFlight(), "before the merge ended");
        assertEquals(1, batcher.reconciles(), "before the merge ended");

        int steps = 2;
        while (batcher.fullCheckInFlight() && steps < 1_000)
        {
            batcher.doWork(now += 1_000);
            steps++;
        }
        assertEquals(2, batcher.reconciles());
        assertTrue(steps >= LISTED / SlicedMerge.SLICE, "sliced: " + steps + " steps");
        assertEquals(0, batcher.repairedElements(), "the lone ban and the lifted one are not drift");
        assertFalse(backend.kernel.containsKey(Bans.prefix(lifted)), "the lifted ban is not restored");
        assertEquals(LISTED, backend.kernel.size(), "49,999 seeded and the lone ban");
        assertTrue(batcher.isEnforced(Bans.prefix(address(0))));
        assertTrue(batcher.isEnforced(Bans.prefix(address(LISTED - 2))));
        assertEquals(1, backend.applies, "only the lone ban and the lift were written, in one commit");
    }

    @Test
    void aStrayAddedDuringTheListingIsRemovedAndTheSlicesAllocateNothing()
    {
        final List<FirewallChange> live = new ArrayList<>(LISTED);
        for (int i = 0; i < LISTED; i++)
        {
            final FirewallChange change = Bans.add(address(i), 3_600);
            live.add(change);
            backend.kernel.put(change.ban().prefix(), 3_600L);
        }
        backend.kernel.put(Bans.prefix("203.0.113.200"), 3_600L);
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0)
            .checkIntervalMs(1_000).fullCheckIntervalMs(1_000), () -> now);
        batcher.open(live);
        runMerge(batcher);
        assertEquals(1, batcher.repairedElements(), "the stray");
        assertFalse(backend.kernel.containsKey(Bans.prefix("203.0.113.200")));

        // Steady state: the next full check's slices (after the one that lists and adopts) allocate nothing.
        now += 2 * SECOND;
        batcher.doWork(now);
        assertTrue(batcher.fullCheckInFlight());
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        int slices = 0;
        while (batcher.fullCheckInFlight())
        {
            batcher.doWork(now += 1_000);
            slices++;
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(2, batcher.reconciles());
        assertTrue(slices > 10, slices + " slices");
        assertTrue(allocated < 1_024, allocated + " bytes allocated over " + slices + " slices");
    }

    @Test
    void aDueFullCheckWaitsWhileBulkFlowsButNoLongerThanTheFullCheckIntervalPastItsTime()
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0)
            .capacity(65_536).maxBatch(256).checkIntervalMs(1_000).fullCheckIntervalMs(5_000), () -> now);
        batcher.open(List.of());
        runMerge(batcher);
        assertEquals(1, backend.listings, "the start-up check");
        final long start = now;

        // 2,000 bans a second (a join): the check due 1 s after the first waits until 5 s past its time.
        int offered = 0;
        int listingsAt5500 = -1;
        while (now - start < 8 * SECOND)
        {
            for (int i = 0; i < 200; i++)
            {
                assertTrue(batcher.offer(ADD, Bans.ban(address(offered++), Bans.SSH), 600));
            }
            for (int i = 0; i < 10; i++)
            {
                batcher.doWork(now += SECOND / 100);
            }
            if (listingsAt5500 < 0 && now - start >= 5_500_000_000L)
            {
                listingsAt5500 = backend.listings;
            }
        }
        assertEquals(1, listingsAt5500, "no listing while bulk flows, until 5 s past the check's time");
        assertEquals(2, backend.listings, "then one, bulk or not");
        assertEquals(offered, backend.kernel.size(), "every ban committed meanwhile");

        // Bulk stops: the next check runs at its time.
        final int listings = backend.listings;
        for (int i = 0; i < 300 && backend.listings == listings; i++)
        {
            batcher.doWork(now += SECOND / 100);
        }
        assertEquals(listings + 1, backend.listings, "a check within 3 s once bulk stopped");
    }

    @Test
    void aListingThatTakesLongerThanTheFullCheckIntervalIsRepeatedAtMostOneTenthOfTheTime()
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0)
            .checkIntervalMs(1_000).fullCheckIntervalMs(5_000), () -> now);
        batcher.open(List.of());
        // Each listing takes 10 s (as 1,000,000 elements take the kernel a minute): 2 s of that is more than 1/10
        // of a 5 s interval, so the next one starts 100 s after this one began, not 5 s.
        backend.onList = () -> now += 10 * SECOND;
        runMerge(batcher);
        assertEquals(1, backend.listings);
        final long started = now - 10 * SECOND;
        while (now - started < 99 * SECOND)
        {
            batcher.doWork(now += SECOND / 10);
        }
        assertEquals(1, backend.listings, "no listing within 100 s of the last one's start");
        while (now - started < 101 * SECOND)
        {
            batcher.doWork(now += SECOND / 10);
        }
        assertEquals(2, backend.listings, "the next one at 100 s");
    }

    private void runMerge(final FirewallBatcher batcher)
    {
        final long checks = batcher.reconciles();
        for (int steps = 0; batcher.reconciles() == checks && steps < 1_000; steps++)
        {
            batcher.doWork(now += 1_000);
        }
        // The stray's removal is committed after the merge that found it.
        batcher.doWork(now += 1_000);
    }

    private static String address(final int i)
    {
        return "10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF);
    }

    /**
     * A listable backend whose kernel is a map of prefix to seconds left; listed on the worker.
     */
    private static final class ListedBackend implements FirewallBackend
    {
        final Map<IpPrefix, Long> kernel = new HashMap<>();
        int listings;
        int applies;
        Runnable onList = () -> { };

        @Override
        public void start()
        {
        }

        @Override
        public void apply(final List<FirewallChange> batch)
        {
            applies++;
            for (final FirewallChange change : batch)
            {
                if (ADD == change.op())
                {
                    kernel.put(new IpPrefix().set(change.ban().prefix()), change.timeoutSeconds());
                }
                else
                {
                    kernel.remove(change.ban().prefix());
                }
            }
        }

        @Override
        public void reconcile(final Iterable<FirewallChange> liveBans)
        {
        }

        @Override
        public void flush()
        {
            kernel.clear();
        }

        @Override
        public List<String> objects()
        {
            return List.of("");
        }

        @Override
        public boolean listable()
        {
            return true;
        }

        @Override
        public boolean ownsContents()
        {
            return true;
        }

        @Override
        public KernelListing list()
        {
            listings++;
            onList.run();
            final KernelListing listing = new KernelListing();
            listing.object("");
            kernel.forEach((prefix, left) -> listing.add("", prefix, left));
            return listing;
        }

        @Override
        public void close()
        {
        }
    }
}
