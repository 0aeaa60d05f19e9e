package io.blocksync.firewall;

import org.agrona.collections.IntArrayList;

import static io.blocksync.firewall.FirewallChange.Status.APPLIED;

/**
 * The full check's merge of a finished {@link KernelListing} into the desired state, cut into slices of at most
 * {@value #SLICE} elements so that the worker commits between them: judging 100,000 elements in one go held every
 * commit for tens of milliseconds (hundreds under load). First the desired elements are judged by id
 * ({@link KernelDiff#desired}), then, when blocksync owns the objects' contents, the listed elements by object and
 * position ({@link KernelDiff#strays}). What commits write between slices is recorded in the
 * {@link ChangedSinceListing} (recording goes on until the merge ends) and not judged, so a ban committed or lifted
 * during the merge is neither restored nor removed by it; a wholesale change (flush, objects re-created) voids the
 * merge. Holds only primitives and reused lists: no allocation per slice. Worker thread only, but {@link #active()}.
 */
final class SlicedMerge
{
    /** Elements judged per slice: about 0.1-0.3 ms of hash look-ups on a quiet core. */
    static final int SLICE = 2_048;

    private static final int IDLE = 0;
    private static final int DESIRED = 1;
    private static final int STRAYS = 2;

    private final DesiredState desired;
    private final ElementTable elements;
    private final KernelDiff diff;
    private final ChangedSinceListing changed;
    private final IntArrayList confirmed = new IntArrayList();
    private KernelListing listing;
    /** Volatile: {@link FirewallBatcher#fullCheckInFlight()} reads it from any thread; written twice per merge. */
    private volatile int phase = IDLE;
    private int cursor;
    private int object;
    private long listingEndNanos;
    private int drift;
    private int slices;

    SlicedMerge(final DesiredState desired, final KernelDiff diff)
    {
        this.desired = desired;
        this.elements = desired.elements;
        this.diff = diff;
        this.changed = desired.changedSinceListing;
    }

    /**
     * @return true while a merge has slices left.
     */
    boolean active()
    {
        return IDLE != phase;
    }

    /**
     * Start merging a listing the backend has adopted.
     *
     * @param listingEndNanos when the listing ended: the kernel's time left is compared as of then.
     */
    void begin(final KernelListing listing, final long listingEndNanos)
    {
        this.listing = listing;
        this.listingEndNanos = listingEndNanos;
        phase = DESIRED;
        cursor = 0;
        object = 0;
        drift = 0;
        slices = 0;
    }

    /**
     * Judge the next slice; its confirmed elements complete their waiting changes at once (before a commit could drop
     * and reuse their ids).
     *
     * @return true when the merge is complete ({@link #drift()} then holds its result).
     */
    boolean slice(final long nowNanos)
    {
        slices++;
        if (DESIRED == phase)
        {
            final int end = Math.min(elements.highWater(), cursor + SLICE);
            confirmed.clear();
            drift += diff.desired(listing, changed, listingEndNanos, cursor, end, confirmed);
            for (int i = 0, size = confirmed.size(); i < size; i++)
            {
                desired.waiting.complete(desired.waiting.take(confirmed.getInt(i)), APPLIED, null, nowNanos);
            }
            confirmed.clear();
            cursor = end;
            if (cursor >= elements.highWater())
            {
                phase = diff.ownsContents() ? STRAYS : IDLE;
                cursor = 0;
            }
        }
        else if (STRAYS == phase)
        {
            int budget = SLICE;
            while (budget > 0 && object < listing.objectCount())
            {
                final int count = listing.elementCount(object);
                final int end = Math.min(count, cursor + budget);
                drift += diff.strays(listing, changed, nowNanos, object, cursor, end);
                budget -= Math.max(1, end - cursor);
                cursor = end;
                if (cursor >= count)
                {
                    object++;
                    cursor = 0;
                }
            }
            if (object >= listing.objectCount())
            {
                phase = IDLE;
            }
        }
        if (IDLE == phase)
        {
            listing = null;
            return true;
        }
        return false;
    }

    /**
     * Drop the merge (the listing is void).
     */
    void abort()
    {
        phase = IDLE;
        listing = null;
    }

    /**
     * @return elements the merge found missing, stale or stray (valid once {@link #slice} returned true).
     */
    int drift()
    {
        return drift;
    }

    /**
     * @return slices the last (or current) merge took.
     */
    int slices()
    {
        return slices;
    }
}
