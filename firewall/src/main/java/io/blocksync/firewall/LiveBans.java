package io.blocksync.firewall;

import io.blocksync.codec.Ban;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;

/**
 * The worker's view of what should be in the firewall: every ban it was given that has not been removed or expired,
 * with its deadline. It drives expiry (so backends without kernel timeouts, such as pf, lose bans on time) and the
 * periodic re-assert. Worker thread only.
 */
final class LiveBans
{
    static final long PERMANENT = Long.MAX_VALUE;

    /**
     * One live ban: the {@link Ban} last given for its prefix and reason, and when it ends on the worker's nano clock.
     */
    static final class Entry
    {
        private final BanKey key;
        private final long sequence;
        private long deadlineNanos;
        /** The kernel element this ban keeps; set by the reconciler. */
        KernelElement element;

        private Entry(final BanKey key, final long sequence)
        {
            this.key = key;
            this.sequence = sequence;
        }

        /**
         * @return the ban: prefix, reason, protocol, port. Read it, do not modify it.
         */
        Ban ban()
        {
            return key.ban();
        }

        /**
         * @return nano clock time the ban ends, {@link #PERMANENT} for never.
         */
        long deadlineNanos()
        {
            return deadlineNanos;
        }
    }

    private static final Comparator<Entry> BY_DEADLINE =
        Comparator.<Entry>comparingLong((entry) -> entry.deadlineNanos).thenComparingLong((entry) -> entry.sequence);

    private final HashMap<BanKey, Entry> byKey = new HashMap<>();
    private final TreeSet<Entry> byDeadline = new TreeSet<>(BY_DEADLINE);
    private final BanKey lookup = new BanKey();
    private long nextSequence;

    /**
     * Add the change's ban, or replace the one of the same prefix and reason.
     */
    Entry put(final FirewallChange change, final long deadlineNanos)
    {
        Entry entry = byKey.get(lookup.set(change.ban()));
        if (null == entry)
        {
            entry = new Entry(lookup.copy(), nextSequence++);
            byKey.put(entry.key, entry);
        }
        else
        {
            byDeadline.remove(entry);
            entry.key.set(change.ban());
        }

        entry.deadlineNanos = deadlineNanos;
        byDeadline.add(entry);

        return entry;
    }

    /**
     * @return the removed entry, or null if no ban of that prefix and reason was live.
     */
    Entry remove(final FirewallChange change)
    {
        final Entry entry = byKey.remove(lookup.set(change.ban()));
        if (null != entry)
        {
            byDeadline.remove(entry);
        }

        return entry;
    }

    void clear()
    {
        byKey.clear();
        byDeadline.clear();
    }

    /**
     * @return the next ban whose deadline is at or before now, removed from the view, or null.
     */
    Entry pollExpired(final long nowNanos)
    {
        if (!byDeadline.isEmpty() && byDeadline.first().deadlineNanos <= nowNanos)
        {
            final Entry entry = byDeadline.pollFirst();
            byKey.remove(entry.key);
            return entry;
        }

        return null;
    }

    long nextDeadlineNanos()
    {
        return byDeadline.isEmpty() ? PERMANENT : byDeadline.first().deadlineNanos;
    }

    int size()
    {
        return byKey.size();
    }

    /**
     * @return a copy of the live bans in deadline order.
     */
    List<Entry> bans()
    {
        return new ArrayList<>(byDeadline);
    }
}
