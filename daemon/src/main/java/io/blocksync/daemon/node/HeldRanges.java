package io.blocksync.daemon.node;

/**
 * Marks the origin sequences one received frame (a BATCH or a SYNC) leaves held in the {@link HighWaterMarks},
 * except those whose records the ban table refused for now ({@link io.blocksync.daemon.table.BanOutcome#mayPassLater}:
 * stamped or versioned too far ahead): each of those stays a gap, so catch-up offers it again and the table takes it
 * once this node's clock has caught up. Marking such a record held would lose it for good: catch-up never offers
 * what the marks cover. Loop thread only; allocation-free.
 */
final class HeldRanges
{
    private final HighWaterMarks highWater;
    // Origin sequences of the frame being taken whose records were refused for now.
    private final long[] deferred;
    private int deferredCount;

    /**
     * @param maxRecords most records one frame carries.
     */
    HeldRanges(final HighWaterMarks highWater, final int maxRecords)
    {
        this.highWater = highWater;
        this.deferred = new long[maxRecords];
    }

    /** Start a frame: nothing deferred. */
    void clear()
    {
        deferredCount = 0;
    }

    /** The record at this origin sequence was refused for now. */
    void defer(final long originSequence)
    {
        if (deferredCount < deferred.length)
        {
            deferred[deferredCount++] = originSequence;
        }
    }

    /**
     * Mark origin sequences {@code (after, through]} of {@code origin} held, except those {@link #defer deferred};
     * then {@link #clear}.
     */
    void mark(final int origin, final long after, final long through)
    {
        // Insertion sort: a frame holds a handful of records, and a forged one may hold them in any order.
        for (int i = 1; i < deferredCount; i++)
        {
            final long value = deferred[i];
            int j = i - 1;
            while (j >= 0 && deferred[j] > value)
            {
                deferred[j + 1] = deferred[j];
                j--;
            }
            deferred[j + 1] = value;
        }
        long from = after;
        for (int i = 0; i < deferredCount; i++)
        {
            final long gap = deferred[i];
            if (gap > from && gap <= through)
            {
                if (gap - 1 > from)
                {
                    highWater.onRange(origin, from, gap - 1);
                }
                from = gap;
            }
        }
        if (through > from)
        {
            highWater.onRange(origin, from, through);
        }
        deferredCount = 0;
    }
}
