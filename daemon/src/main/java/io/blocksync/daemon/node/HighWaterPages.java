package io.blocksync.daemon.node;

import io.blocksync.codec.HeartbeatFrameFlyweight;

import java.util.Arrays;

/**
 * The high-water list in the order HEARTBEAT pages carry it: {@link HighWaterMarks}' slots sorted by node id (as
 * unsigned 32-bit values, docs/PROTOCOL.md "HEARTBEAT"), with a cursor for the sender's next page and a search for
 * the receiver's. Sized once at start (the configured nodes are fixed); allocation-free afterwards. Loop thread only.
 */
final class HighWaterPages
{
    private final HighWaterMarks marks;
    private final int[] slots;
    private final int[] ids;
    private int cursor;

    HighWaterPages(final HighWaterMarks marks)
    {
        this.marks = marks;
        final int count = marks.count();
        final Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compareUnsigned(marks.nodeIdAt(a), marks.nodeIdAt(b)));
        slots = new int[count];
        ids = new int[count];
        for (int k = 0; k < count; k++)
        {
            slots[k] = order[k];
            ids[k] = marks.nodeIdAt(order[k]);
        }
    }

    int count()
    {
        return slots.length;
    }

    /** The slot ({@link HighWaterMarks} index) at position {@code k} of the sorted list. */
    int slotAt(final int k)
    {
        return slots[k];
    }

    int idAt(final int k)
    {
        return ids[k];
    }

    /** Position of the first origin whose id is above {@code id} (unsigned); {@link #count()} when none is. */
    int firstAbove(final int id)
    {
        int low = 0;
        int high = ids.length;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (Integer.compareUnsigned(ids[mid], id) <= 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * Write the next page of the list into {@code heartbeat} (begun, no entries yet) with the list's digest, and move
     * the cursor past it: {@code pageEntries} origins from where the last page ended, the last page ending the list
     * ({@link HeartbeatFrameFlyweight#END_OF_LIST}), after which the next starts again from the first.
     *
     * @param pageEntries origins per page, 1 to {@link HeartbeatFrameFlyweight#MAX_ENTRIES}.
     */
    void nextPage(final HeartbeatFrameFlyweight heartbeat, final int pageEntries)
    {
        final int start = cursor;
        final int end = Math.min(slots.length, start + pageEntries);
        final int after = start == 0 ? 0 : ids[start - 1];
        final int through = end == slots.length ? HeartbeatFrameFlyweight.END_OF_LIST : ids[end - 1];
        heartbeat.page(marks.digest(), after, through);
        for (int k = start; k < end; k++)
        {
            heartbeat.appendEntry(ids[k], marks.highWaterAt(slots[k]));
        }
        cursor = end == slots.length ? 0 : end;
    }
}
