package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import org.agrona.collections.IntArrayList;

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
 * failed queue for their retry (both intrusive lists over the table's links). Publishes, per prefix, whether every
 * element of it is enforced, for the loop to read. Worker thread only, apart from {@link #isEnforced(IpPrefix)}.
 */
final class DesiredState
{
    final ElementTable elements = new ElementTable();
    final LiveBans bans = new LiveBans(elements);
    final WaitingChanges waiting;
    private final ElementKey publishKey = new ElementKey();
    private int dirtyHead = NONE;
    private int dirtyTail = NONE;
    private int dirtyCount;
    private int failedHead = NONE;
    private int failedTail = NONE;
    private long firstDirtyNanos;

    /**
     * @param publisher hands completed changes back to the loop.
     */
    DesiredState(final Consumer<FirewallChange> publisher)
    {
        this.waiting = new WaitingChanges(elements, publisher);
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
        if (0 == dirtyCount)
        {
            firstDirtyNanos = nowNanos;
        }
        elements.state(element, DIRTY);
        if (!elements.flag(element, QUEUED))
        {
            elements.flag(element, QUEUED, true);
            elements.previous[element] = dirtyTail;
            elements.next[element] = NONE;
            if (NONE == dirtyTail)
            {
                dirtyHead = element;
            }
            else
            {
                elements.next[dirtyTail] = element;
            }
            dirtyTail = element;
            dirtyCount++;
        }
        publish(element);
    }

    boolean hasDirty()
    {
        return 0 != dirtyCount;
    }

    int dirtyCount()
    {
        return dirtyCount;
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
        while (NONE != dirtyHead && into.size() < max)
        {
            final int element = dirtyHead;
            unlinkDirty(element);
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

    void failed(final int element, final long retryAtNanos)
    {
        elements.state(element, FAILED);
        elements.retryAtNanos[element] = retryAtNanos;
        elements.previous[element] = failedTail;
        elements.next[element] = NONE;
        if (NONE == failedTail)
        {
            failedHead = element;
        }
        else
        {
            elements.next[failedTail] = element;
        }
        failedTail = element;
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
        for (int element = failedTail; NONE != element; )
        {
            final int earlier = elements.previous[element];
            if (elements.retryAtNanos[element] <= nowNanos)
            {
                unlinkFailed(element);
                elements.state(element, ElementTable.UNKNOWN);
                markDirty(element, nowNanos);
                due++;
            }
            element = earlier;
        }

        return due;
    }

    long nextRetryNanos()
    {
        long next = LiveBans.PERMANENT;
        for (int element = failedHead; NONE != element; element = elements.next[element])
        {
            next = Math.min(next, elements.retryAtNanos[element]);
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
        dirtyHead = dirtyTail = failedHead = failedTail = NONE;
        dirtyCount = 0;
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
     * Forget an element nothing bans; its waiting changes must have been taken.
     */
    void drop(final int element)
    {
        if (elements.flag(element, QUEUED))
        {
            unlinkDirty(element);
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
        for (int slot = elements.firstSlot(key), element; NONE != (element = elements.elementAt(slot));
            slot = elements.nextSlot(slot))
        {
            if (elements.samePrefix(element, key))
            {
                elements.publish(element, enforced);
            }
        }
    }

    private void unlinkDirty(final int element)
    {
        final int previous = elements.previous[element];
        final int next = elements.next[element];
        if (NONE == previous)
        {
            dirtyHead = next;
        }
        else
        {
            elements.next[previous] = next;
        }
        if (NONE == next)
        {
            dirtyTail = previous;
        }
        else
        {
            elements.previous[next] = previous;
        }
        elements.flag(element, QUEUED, false);
        dirtyCount--;
    }

    private void unlinkFailed(final int element)
    {
        final int previous = elements.previous[element];
        final int next = elements.next[element];
        if (NONE == previous)
        {
            failedHead = next;
        }
        else
        {
            elements.next[previous] = next;
        }
        if (NONE == next)
        {
            failedTail = previous;
        }
        else
        {
            elements.previous[next] = previous;
        }
        // Out of the failed queue, whatever the caller sets next.
        elements.state(element, ElementTable.UNKNOWN);
    }
}
