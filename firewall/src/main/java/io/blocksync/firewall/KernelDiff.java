package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.blocksync.firewall.KernelElement.State.DIRTY;
import static io.blocksync.firewall.KernelElement.State.ENFORCED;
import static io.blocksync.firewall.KernelElement.State.FAILED;

/**
 * The full check: compares a {@link KernelListing} with the desired elements and queues only the difference.
 * A desired element the kernel lacks, or holds with too little time left, is queued as an add; an element the kernel
 * holds that nothing bans is queued as a removal when blocksync owns the object's contents. Seeded elements the kernel
 * already holds as wanted are confirmed without a write, so a restart over a full set costs one listing.
 * Worker thread only.
 */
final class KernelDiff
{
    /** Seconds of slack before a kernel timeout counts as too short (listing and clock granularity). */
    private static final long SLACK_SECONDS = 2;

    private final DesiredState desired;
    private final long maxTimeoutSeconds;
    private final boolean ownsContents;
    private final IpPrefix scratch = new IpPrefix();
    private final ArrayList<KernelElement> settled = new ArrayList<>();

    KernelDiff(final DesiredState desired, final FirewallBackend backend)
    {
        this.desired = desired;
        this.maxTimeoutSeconds = backend.maxTimeoutSeconds();
        this.ownsContents = backend.ownsContents();
    }

    /**
     * @param confirmed receives elements the listing confirmed (their waiting changes complete as applied).
     * @return elements queued because the kernel differed from what an earlier commit or listing established (drift).
     */
    int apply(final KernelListing listing, final long nowNanos, final ArrayList<KernelElement> confirmed)
    {
        int drift = 0;
        settled.clear();
        for (final KernelElement element : desired.elements())
        {
            if (DIRTY == element.state || FAILED == element.state)
            {
                continue;
            }

            final Long left = listing.coverage(element.object, element.prefix, scratch);
            if (!element.desired())
            {
                continue;
            }
            if (null == left)
            {
                if (ENFORCED == element.state)
                {
                    drift++;
                }
                element.kernelMissing = true;
                element.awaitingListing = false;
                element.state = KernelElement.State.UNKNOWN;
                settled.add(element);
            }
            else if (tooShort(left, element.deadlineNanos, nowNanos))
            {
                element.awaitingListing = false;
                element.state = KernelElement.State.UNKNOWN;
                settled.add(element);
            }
            else if (ENFORCED != element.state)
            {
                element.awaitingListing = false;
                desired.enforced(element);
                confirmed.add(element);
            }
        }
        for (int i = 0, size = settled.size(); i < size; i++)
        {
            desired.markDirty(settled.get(i), nowNanos);
        }

        if (ownsContents)
        {
            drift += strays(listing, nowNanos);
        }

        return drift;
    }

    private int strays(final KernelListing listing, final long nowNanos)
    {
        int strays = 0;
        for (final Map.Entry<String, Map<IpPrefix, Long>> object : listing.objects().entrySet())
        {
            for (final IpPrefix prefix : object.getValue().keySet())
            {
                final KernelElement element = desired.find(object.getKey(), prefix);
                if (null == element || (!element.desired() && DIRTY != element.state))
                {
                    desired.markDirty(desired.element(object.getKey(), prefix), nowNanos);
                    strays++;
                }
            }
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
