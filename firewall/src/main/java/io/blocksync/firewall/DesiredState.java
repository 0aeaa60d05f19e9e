package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.ConcurrentHashMap;

import static io.blocksync.firewall.KernelElement.State.DIRTY;
import static io.blocksync.firewall.KernelElement.State.ENFORCED;
import static io.blocksync.firewall.KernelElement.State.FAILED;

/**
 * The ban table as the kernel must hold it: the live bans (by prefix and reason, with their deadlines) and, derived
 * from them, one {@link KernelElement} per object and prefix, expiring at the latest of its bans. Elements whose
 * kernel copy must change are queued dirty for the next commit; failed ones wait for their retry. Publishes, per
 * prefix, whether every element of it is enforced, for the loop to read. Worker thread only, apart from
 * {@link #isEnforced(IpPrefix)}.
 */
final class DesiredState
{
    final LiveBans bans = new LiveBans();
    private final HashMap<ElementKey, KernelElement> elements = new HashMap<>();
    private final HashMap<IpPrefix, ArrayList<KernelElement>> byPrefix = new HashMap<>();
    private final LinkedHashSet<KernelElement> dirty = new LinkedHashSet<>();
    private final ArrayList<KernelElement> failed = new ArrayList<>();
    private final ConcurrentHashMap<IpPrefix, Boolean> enforced = new ConcurrentHashMap<>();
    /** The kernel's last refusal of a banned prefix, until it is enforced or no longer banned. */
    private final ConcurrentHashMap<IpPrefix, String> refusals = new ConcurrentHashMap<>();
    private final ElementKey lookup = new ElementKey();
    private long firstDirtyNanos;

    /**
     * @return the element of that object and prefix, created (not desired, state unknown) if missing.
     */
    KernelElement element(final String object, final IpPrefix prefix)
    {
        KernelElement element = elements.get(lookup.set(object, prefix));
        if (null == element)
        {
            element = new KernelElement(object, prefix);
            element.ban.prefix().set(prefix);
            elements.put(new ElementKey(object, element.prefix), element);
            byPrefix.computeIfAbsent(element.prefix, (key) -> new ArrayList<>(1)).add(element);
        }

        return element;
    }

    KernelElement find(final String object, final IpPrefix prefix)
    {
        return elements.get(lookup.set(object, prefix));
    }

    Collection<KernelElement> elements()
    {
        return elements.values();
    }

    int elementCount()
    {
        return elements.size();
    }

    /**
     * Recompute the element's deadline from its bans and queue it if the kernel must change.
     *
     * @return true if it was queued.
     */
    boolean reassess(final KernelElement element, final long nowNanos)
    {
        if (element.desired())
        {
            element.deadlineNanos = element.memberDeadline();
        }
        if (element.awaitingListing || !element.needsWrite())
        {
            // Seeded and not yet listed, the next listing decides; or the kernel already holds it as desired.
            return false;
        }

        markDirty(element, nowNanos);
        return true;
    }

    void markDirty(final KernelElement element, final long nowNanos)
    {
        if (FAILED == element.state)
        {
            failed.remove(element);
        }
        if (dirty.isEmpty())
        {
            firstDirtyNanos = nowNanos;
        }
        element.state = DIRTY;
        dirty.add(element);
        publish(element.prefix);
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
    void takeDirty(final ArrayList<KernelElement> into, final int max)
    {
        final Iterator<KernelElement> it = dirty.iterator();
        while (it.hasNext() && into.size() < max)
        {
            into.add(it.next());
            it.remove();
        }
    }

    /**
     * The kernel now holds what the element wants (or no longer holds a removed one).
     */
    void enforced(final KernelElement element)
    {
        element.attempts = 0;
        element.kernelMissing = false;
        if (element.desired())
        {
            element.state = ENFORCED;
            element.written = true;
            element.writtenDeadlineNanos = element.deadlineNanos;
        }
        else
        {
            drop(element);
        }
        publish(element.prefix);
    }

    void failed(final KernelElement element, final long retryAtNanos, final String error)
    {
        refusals.put(new IpPrefix().set(element.prefix), null == error ? "refused" : error);
        element.state = FAILED;
        element.retryAtNanos = retryAtNanos;
        failed.add(element);
        publish(element.prefix);
    }

    /**
     * Queue failed elements whose retry is due.
     *
     * @return how many.
     */
    int retryDue(final long nowNanos)
    {
        int due = 0;
        for (int i = failed.size() - 1; i >= 0; i--)
        {
            final KernelElement element = failed.get(i);
            if (element.retryAtNanos <= nowNanos)
            {
                failed.remove(i);
                element.state = KernelElement.State.UNKNOWN;
                markDirty(element, nowNanos);
                due++;
            }
        }

        return due;
    }

    long nextRetryNanos()
    {
        long next = LiveBans.PERMANENT;
        for (int i = 0, size = failed.size(); i < size; i++)
        {
            next = Math.min(next, failed.get(i).retryAtNanos);
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
        byPrefix.clear();
        dirty.clear();
        failed.clear();
        enforced.clear();
        refusals.clear();
    }

    /**
     * @param prefix host bits clear.
     * @return true when the prefix is banned and every kernel element for it is confirmed in the kernel. Any thread;
     * allocates nothing.
     */
    boolean isEnforced(final IpPrefix prefix)
    {
        return enforced.containsKey(prefix);
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
        if (null == byPrefix.get(prefix))
        {
            refusals.put(new IpPrefix().set(prefix), error);
        }
    }

    void drop(final KernelElement element)
    {
        elements.remove(lookup.set(element.object, element.prefix));
        dirty.remove(element);
        failed.remove(element);
        final ArrayList<KernelElement> list = byPrefix.get(element.prefix);
        if (null != list)
        {
            list.remove(element);
            if (list.isEmpty())
            {
                byPrefix.remove(element.prefix);
            }
        }
    }

    void publish(final IpPrefix prefix)
    {
        final ArrayList<KernelElement> list = byPrefix.get(prefix);
        boolean all = null != list;
        boolean any = false;
        if (null != list)
        {
            for (int i = 0, size = list.size(); i < size; i++)
            {
                final KernelElement element = list.get(i);
                if (element.desired())
                {
                    any = true;
                    all &= ENFORCED == element.state;
                }
            }
        }

        if (all && any)
        {
            // The element's own prefix is never changed: it serves as the key, no copy per element.
            enforced.put(list.get(0).prefix, Boolean.TRUE);
        }
        else
        {
            enforced.remove(prefix);
        }
        if (!any || all)
        {
            refusals.remove(prefix);
        }
    }
}
