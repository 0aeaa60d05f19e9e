package io.blocksync.firewall;

import org.agrona.collections.IntArrayList;

import java.util.concurrent.TimeUnit;

import static io.blocksync.firewall.ElementTable.AWAITING_LISTING;
import static io.blocksync.firewall.ElementTable.DIRTY;
import static io.blocksync.firewall.ElementTable.ENFORCED;
import static io.blocksync.firewall.ElementTable.FAILED;
import static io.blocksync.firewall.ElementTable.KERNEL_MISSING;
import static io.blocksync.firewall.ElementTable.NONE;
import static io.blocksync.firewall.ElementTable.UNKNOWN;

/**
 * The full check: compares a {@link KernelListing} with the desired elements and queues only the difference.
 * A desired element the kernel lacks, or holds with too little time left, is queued as an add; an element the kernel
 * holds that nothing bans is queued as a removal when blocksync owns the object's contents (an interval that is not a
 * prefix, which blocksync never writes, is deleted by the backend's adopt and counted here). Seeded elements the kernel
 * already holds as wanted are confirmed without a write, so a restart over a full set costs one listing. Judged a
 * slice at a time ({@link SlicedMerge}), so commits go on between slices. Worker thread only.
 */
final class KernelDiff
{
    /** Seconds of slack before a kernel timeout counts as too short (listing and clock granularity). */
    private static final long SLACK_SECONDS = 2;

    private final DesiredState desired;
    private final ElementTable elements;
    private final long maxTimeoutSeconds;
    private final boolean ownsContents;
    private final ElementKey key = new ElementKey();
    private final IntArrayList settled = new IntArrayList();

    KernelDiff(final DesiredState desired, final FirewallBackend backend)
    {
        this.desired = desired;
        this.elements = desired.elements;
        this.maxTimeoutSeconds = backend.maxTimeoutSeconds();
        this.ownsContents = backend.ownsContents();
    }

    /**
     * Judge the desired elements with ids in {@code [from, to)} against the listing (one slice of a merge).
     *
     * @param changed   elements a commit wrote after the listing started: not judged.
     * @param nowNanos  the listing's end: the kernel's time left is compared as of then.
     * @param confirmed receives elements the listing confirmed (their waiting changes complete as applied).
     * @return elements queued because the kernel differed from what an earlier commit or listing established (drift);
     * elements an interrupted listing ({@link KernelListing#consistent()} false) lacks are queued but not counted.
     */
    int desired(
        final KernelListing listing,
        final ChangedSinceListing changed,
        final long nowNanos,
        final int from,
        final int to,
        final IntArrayList confirmed)
    {
        int drift = 0;
        settled.clear();
        for (int element = from; element < to; element++)
        {
            if (!elements.inUse(element) || !elements.desired(element))
            {
                continue;
            }
            final int state = elements.state(element);
            if (DIRTY == state || FAILED == state)
            {
                continue;
            }

            elements.key(element, key);
            if (changed.contains(elements.objectIndexOf(element), key))
            {
                continue;
            }
            final long left = listing.coverage(elements.objectName(element), key);
            if (KernelListing.ABSENT == left)
            {
                if (ENFORCED == state && listing.consistent())
                {
                    drift++;
                }
                elements.flag(element, KERNEL_MISSING, listing.consistent());
                elements.flag(element, AWAITING_LISTING, false);
                elements.state(element, UNKNOWN);
                settled.addInt(element);
            }
            else if (tooShort(left, desired.deadlineNanos(element), nowNanos))
            {
                elements.flag(element, AWAITING_LISTING, false);
                elements.state(element, UNKNOWN);
                settled.addInt(element);
            }
            else if (ENFORCED != state)
            {
                elements.flag(element, AWAITING_LISTING, false);
                desired.enforced(element);
                confirmed.addInt(element);
            }
        }
        for (int i = 0, size = settled.size(); i < size; i++)
        {
            desired.markDirty(settled.getInt(i), nowNanos);
        }

        return drift;
    }

    /**
     * @return true when elements the kernel holds that nobody banned are removed (blocksync owns the contents).
     */
    boolean ownsContents()
    {
        return ownsContents;
    }

    /**
     * Judge the listed elements {@code [from, to)} of one listed object: those nothing bans are queued for removal
     * (one slice of a merge; only when blocksync {@link #ownsContents() owns the contents}).
     *
     * @return the strays found.
     */
    int strays(
        final KernelListing listing,
        final ChangedSinceListing changed,
        final long nowNanos,
        final int object,
        final int from,
        final int to)
    {
        int strays = 0;
        final int objectIndex = elements.objectIndex(listing.objectName(object));
        for (int i = from; i < to; i++)
        {
            listing.element(object, i, key);
            if (changed.contains(objectIndex, key))
            {
                continue;
            }
            final int element = elements.find(objectIndex, key);
            if (NONE == element || (!elements.desired(element) && DIRTY != elements.state(element)))
            {
                desired.markDirty(desired.element(objectIndex, key), nowNanos);
                strays++;
            }
        }
        if (0 == from)
        {
            // Intervals that are not prefixes are nobody's ban: the backend's adopt deleted them.
            strays += listing.rangeCount(object);
        }

        return strays;
    }

    private boolean tooShort(final long kernelLeft, final long deadlineNanos, final long nowNanos)
    {
        if (KernelListing.UNKNOWN == kernelLeft || KernelListing.PERMANENT == kernelLeft)
        {
            return false;
        }

        long need = LiveBans.PERMANENT == deadlineNanos ?
            KernelListing.PERMANENT : KernelTimeout.secondsLeft(deadlineNanos - nowNanos, TimeUnit.NANOSECONDS);
        if (maxTimeoutSeconds > 0)
        {
            need = Math.min(need, maxTimeoutSeconds / 2);
        }

        return KernelListing.PERMANENT == need || kernelLeft + SLACK_SECONDS < need;
    }
}
