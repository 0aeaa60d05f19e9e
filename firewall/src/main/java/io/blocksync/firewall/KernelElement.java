package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;

/**
 * One element of one kernel object (nft set, ipset set, pf table) as the reconciler wants it: the prefix, the bans
 * that map to it (however many reasons or origins), held until the latest of them ends, and what is known about the
 * kernel's copy. Worker thread only.
 */
final class KernelElement
{
    enum State
    {
        /** Not known whether the kernel holds it (seeded at start, before the first listing). */
        UNKNOWN,
        /** The kernel must change: queued for the next commit. */
        DIRTY,
        /** The last commit or listing confirmed the kernel holds what is desired. */
        ENFORCED,
        /** The last commit failed; retried at {@link #retryAtNanos}. */
        FAILED
    }

    final String object;
    final IpPrefix prefix;
    /** The last ban given for the element: its reason routes the change when the backend maps by reason. */
    final Ban ban = new Ban();
    final ArrayList<LiveBans.Entry> members = new ArrayList<>(1);
    final ArrayList<FirewallChange> waiting = new ArrayList<>(1);
    long deadlineNanos;
    long writtenDeadlineNanos;
    boolean written;
    boolean kernelMissing;
    /** Seeded at start: the first listing (or re-assert) decides whether to write it. */
    boolean awaitingListing;
    State state = State.UNKNOWN;
    int attempts;
    long retryAtNanos;

    KernelElement(final String object, final IpPrefix prefix)
    {
        this.object = object;
        this.prefix = new IpPrefix().set(prefix);
    }

    boolean desired()
    {
        return !members.isEmpty();
    }

    /**
     * @return the latest end of the member bans on the worker's nano clock, {@link LiveBans#PERMANENT} for never.
     */
    long memberDeadline()
    {
        long latest = Long.MIN_VALUE;
        for (int i = 0, size = members.size(); i < size; i++)
        {
            latest = Math.max(latest, members.get(i).deadlineNanos());
        }

        return latest;
    }

    /**
     * @return true when the kernel's copy must change: a desired element not (or not so long) in the kernel, or an
     * element no longer desired that the kernel may still hold.
     */
    boolean needsWrite()
    {
        if (desired())
        {
            return State.ENFORCED != state || writtenDeadlineNanos != deadlineNanos;
        }

        // Deleted from the map once its removal is confirmed, so an element still here may be in the kernel.
        return true;
    }
}
