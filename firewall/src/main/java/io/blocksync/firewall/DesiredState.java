package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.LongArrayList;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static io.blocksync.firewall.ElementTable.AWAITING_LISTING;
import static io.blocksync.firewall.ElementTable.DIRTY;
import static io.blocksync.firewall.ElementTable.ENFORCED;
import static io.blocksync.firewall.ElementTable.FAILED;
import static io.blocksync.firewall.ElementTable.KERNEL_MISSING;
import static io.blocksync.firewall.ElementTable.NONE;
import static io.blocksync.firewall.ElementTable.QUEUED;
import static io.blocksync.firewall.ElementTable.WRITTEN;

/**
 * The ban table as the kernel must hold it: the live bans ({@link LiveBans}, by prefix and reason, with their
 * deadlines) and, derived from them, one element per object and prefix ({@link ElementTable}), expiring at the latest
 * of its bans. Elements whose kernel copy must change wait in the dirty queue for the next commit; failed ones in the
 * failed list for their retry. Publishes, per prefix, whether every
 * element of it is enforced, for the loop to read. Worker thread only, apart from {@link #isEnforced(IpPrefix)}.
 */
final class DesiredState
{
    final ElementTable elements = new ElementTable();
    final LiveBans bans = new LiveBans(elements);
    final WaitingChanges waiting;
    /** What commits wrote while a full listing runs on its own session ({@link KernelCheck}). */
    final ChangedSinceListing changedSinceListing = new ChangedSinceListing();
    private final ElementKey publishKey = new ElementKey();
    /** Elements whose kernel copy must change, oldest first; each once ({@link ElementTable#QUEUED}). */
    private final IntArrayQueue dirty = new IntArrayQueue(NONE);
    /** Elements whose last commit failed, oldest first, with their retry times. */
    private final IntArrayList failed = new IntArrayList();
    private final LongArrayList retryAt = new LongArrayList();
    /** The kernel's last refusal of a banned prefix, until it is enforced or no longer banned; only failures pay. */
    private final ConcurrentHashMap<IpPrefix, String> refusals = new ConcurrentHashMap<>();
    private final IpPrefix refusalPrefix = new IpPrefix();
    private final byte[] prefixScratch = new byte[16];
    private final ElementKey lookupKey = new ElementKey();
    private long firstDirtyNanos;

    /**
     * @param publisher hands completed changes back to the loop.
     */
    DesiredState(final Consumer<FirewallChange> publisher)
    {
        this.waiting = new WaitingChanges(publisher);
    }

    /**
     * @return the element of that object and prefix, created (not desired, state unknown) if missing.
     */
    int element(final int object, final ElementKey key)
    {
        final int element = elements.find(object, key);
        return NONE != element ? element : elements.create(object, key);
    }

    /**
     * @return the latest end of the element's bans on the worker's nano clock, {@link LiveBans#PERMANENT} for never;
     * recomputed from its few member bans rather than stored.
     */
    long deadlineNanos(final int element)
    {
        return bans.memberDeadline(element);
    }

    /**
     * Queue the element if the kernel must change (its deadline follows its member bans).
     *
     * @return true if it was queued.
     */
    boolean reassess(final int element, final long nowNanos)
    {
        if (elements.flag(element, AWAITING_LISTING) || !needsWrite(element))
        {
            // Seeded and not yet listed, the next listing decides; or the kernel already holds it as desired.
            return false;
        }

        markDirty(element, nowNanos);
        return true;
    }

    /**
     * @return true when the kernel's copy must change: a desired element not (or not so long) in the kernel, or an
     * element no longer desired that the kernel may still hold.
     */
    boolean needsWrite(final int element)
    {
        if (elements.desired(element))
        {
            return ENFORCED != elements.state(element) ||
                elements.writtenDeadlineNanos[element] != deadlineNanos(element);
        }

        // Deleted from the table once its removal is confirmed, so an element still here may be in the kernel.
        return true;
    }

    void markDirty(final int element, final long nowNanos)
    {
        if (FAILED == elements.state(element))
        {
            unlinkFailed(element);
        }
        if (dirty.isEmpty())
        {
            firstDirtyNanos = nowNanos;
        }
        elements.state(element, DIRTY);
        if (!elements.flag(element, QUEUED))
        {
            elements.flag(element, QUEUED, true);
            dirty.offerInt(element);
        }
        publish(element);
    }

    boolean hasDirty()
    {
        return !dirty.isEmpty();
    }

    int dirtyCount()
    {
        return dirty.size();
    }

    long firstDirtyNanos()
    {
        return firstDirtyNanos;
    }

    /**
     * Move up to {@code max} dirty elements into {@code into}, oldest first.
     */
    void takeDirty(final IntArrayList into, final int max)
    {
        while (!dirty.isEmpty() && into.size() < max)
        {
            final int element = dirty.pollInt();
            elements.flag(element, QUEUED, false);
            into.addInt(element);
        }
    }

    /**
     * The kernel now holds what the element wants (or no longer holds a removed one). Take its waiting changes first:
     * a removed element is dropped here.
     */
    void enforced(final int element)
    {
        elements.attempts(element, 0);
        elements.flag(element, KERNEL_MISSING, false);
        if (elements.desired(element))
        {
            elements.state(element, ENFORCED);
            elements.flag(element, WRITTEN, true);
            elements.writtenDeadlineNanos[element] = deadlineNanos(element);
            publish(element);
        }
        else
        {
            elements.key(element, publishKey);
            drop(element);
            publish(publishKey);
        }
    }

    void failed(final int element, final long retryAtNanos, final String error)
    {
        refusals.put(elements.prefix(element, new IpPrefix(), new byte[16]), null == error ? "refused" : error);
        elements.state(element, FAILED);
        failed.addInt(element);
        retryAt.addLong(retryAtNanos);
        publish(element);
    }

    /**
     * Queue failed elements whose retry is due, newest failure first.
     *
     * @return how many.
     */
    int retryDue(final long nowNanos)
    {
        int due = 0;
        for (int i = failed.size() - 1; i >= 0; i--)
        {
            if (retryAt.getLong(i) <= nowNanos)
            {
                final int element = failed.getInt(i);
                unlinkFailed(element);
                markDirty(element, nowNanos);
                due++;
            }
        }

        return due;
    }

    long nextRetryNanos()
    {
        long next = LiveBans.PERMANENT;
        for (int i = 0, size = retryAt.size(); i < size; i++)
        {
            next = Math.min(next, retryAt.getLong(i));
        }

        return next;
    }

    /**
     * Forget everything (after a flush of the backend's objects).
     */
    void clear()
    {
        bans.clear();
        elements.clear();
        waiting.clear();
        dirty.clear();
        failed.clear();
        retryAt.clear();
        refusals.clear();
    }

    /**
     * @param prefix host bits clear.
     * @return true when the prefix is banned and every kernel element for it is confirmed in the kernel. Any thread;
     * allocates nothing.
     */
    boolean isEnforced(final IpPrefix prefix)
    {
        return elements.isPublished(prefix);
    }

    /**
     * @param prefix host bits clear.
     * @return the kernel's own words for why it refused the last write of a banned, not enforced prefix (it is
     * retried); null when none was refused. Any thread.
     */
    String refusal(final IpPrefix prefix)
    {
        return refusals.get(prefix);
    }

    /**
     * A ban no kernel object can hold (e.g. IPv6 without an IPv6 set): its refusal stays, as it can never be enforced.
     */
    void refuseUnmapped(final IpPrefix prefix, final String error)
    {
        final ElementKey key = lookupKey.set(prefix);
        for (int slot = elements.firstSlot(key), element; NONE != (element = elements.elementAt(slot));
            slot = elements.nextSlot(slot))
        {
            if (elements.samePrefix(element, key))
            {
                return;
            }
        }
        refusals.put(new IpPrefix().set(prefix), error);
    }

    /**
     * Forget an element nothing bans; its waiting changes must have been taken.
     */
    void drop(final int element)
    {
        if (elements.flag(element, QUEUED))
        {
            unqueue(element);
        }
        if (FAILED == elements.state(element))
        {
            unlinkFailed(element);
        }
        elements.remove(element);
    }

    void publish(final int element)
    {
        publish(elements.key(element, publishKey));
    }

    private void publish(final ElementKey key)
    {
        boolean all = true;
        boolean any = false;
        for (int slot = elements.firstSlot(key), element; NONE != (element = elements.elementAt(slot));
            slot = elements.nextSlot(slot))
        {
            if (elements.samePrefix(element, key) && elements.desired(element))
            {
                any = true;
                all &= ENFORCED == elements.state(element);
            }
        }
        final boolean enforced = all && any;
        if ((enforced || !any) && !refusals.isEmpty())
        {
            refusals.remove(ElementKey.toPrefix(key.high, key.low, key.prefixBits, refusalPrefix, prefixScratch));
        }
        for (int slot = elements.firstSlot(key), element; NONE != (element = elements.elementAt(slot));
            slot = elements.nextSlot(slot))
        {
            if (elements.samePrefix(element, key))
            {
                elements.publish(element, enforced);
            }
        }
    }

    /**
     * Not reached today (only elements taken for a commit are dropped); kept so the queue can never hold a freed id.
     */
    private void unqueue(final int element)
    {
        for (int i = 0, size = dirty.size(); i < size; i++)
        {
            final int queued = dirty.pollInt();
            if (queued != element)
            {
                dirty.offerInt(queued);
            }
        }
        elements.flag(element, QUEUED, false);
    }

    private void unlinkFailed(final int element)
    {
        for (int i = failed.size() - 1; i >= 0; i--)
        {
            if (failed.getInt(i) == element)
            {
                failed.removeAt(i);
                retryAt.removeAt(i);
                break;
            }
        }
        // Out of the failed queue, whatever the caller sets next.
        elements.state(element, ElementTable.UNKNOWN);
    }
}
