package io.blocksync.daemon.status;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Detection to kernel-enforced latency of bans, as a fixed-bucket histogram: one writer (the loop, as the firewall
 * reports each ban the kernel took), any number of readers (the HTTP thread). Lock-free and allocation-free: a sample
 * is two ordered adds to an {@link AtomicLongArray}. A reader may see a sample in its bucket before the sum has it,
 * never the reverse of a count (buckets are written before the count), which Prometheus tolerates between scrapes.
 * <p>
 * Latency is the wall-clock time from the decision ({@code Ban#originTimeMillis}, the origin's clock) to the moment
 * this node learns the kernel holds the ban: for a peer's ban it includes the network, the peer's delivery and the
 * clock offset between the two hosts (a negative result counts as 0).
 */
public final class EnforcementLatency
{
    /** Upper bounds of the buckets, ms, inclusive; a last bucket (+Inf) takes the rest. */
    private static final long[] BOUNDS_MILLIS = {
        1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000 };

    private static final int SUM_SLOT = BOUNDS_MILLIS.length + 1;
    private static final int COUNT_SLOT = BOUNDS_MILLIS.length + 2;

    /** Non-cumulative bucket counts, then +Inf, then the sum in ms, then the count. */
    private final AtomicLongArray slots = new AtomicLongArray(BOUNDS_MILLIS.length + 3);

    /**
     * Loop thread.
     *
     * @param millis decision to enforcement, ms; negative counts as 0.
     */
    public void record(final long millis)
    {
        final long value = Math.max(0, millis);
        int bucket = BOUNDS_MILLIS.length;
        for (int i = 0; i < BOUNDS_MILLIS.length; i++)
        {
            if (value <= BOUNDS_MILLIS[i])
            {
                bucket = i;
                break;
            }
        }
        slots.getAndIncrement(bucket);
        slots.getAndAdd(SUM_SLOT, value);
        slots.getAndIncrement(COUNT_SLOT);
    }

    /** @return the number of buckets, +Inf included. */
    public static int bucketCount()
    {
        return BOUNDS_MILLIS.length + 1;
    }

    /** @return the inclusive upper bound of bucket {@code index}, in seconds; +Inf for the last. */
    public static double upperBoundSeconds(final int index)
    {
        return index < BOUNDS_MILLIS.length ? BOUNDS_MILLIS[index] / 1000.0 : Double.POSITIVE_INFINITY;
    }

    /** @return the samples in bucket {@code index} alone (not cumulative); any thread. */
    public long bucket(final int index)
    {
        return slots.get(index);
    }

    /** @return the sum of the samples, ms; any thread. */
    public long sumMillis()
    {
        return slots.get(SUM_SLOT);
    }

    /** @return the number of samples; any thread. */
    public long count()
    {
        return slots.get(COUNT_SLOT);
    }
}
