package io.blocksync.firewall;

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

    static final class Ban
    {
        final BanKey key;
        final long sequence;
        int protocol;
        int port;
        long deadlineNanos;

        Ban(final BanKey key, final long sequence)
        {
            this.key = key;
            this.sequence = sequence;
        }
    }

    private static final Comparator<Ban> BY_DEADLINE =
        Comparator.<Ban>comparingLong((ban) -> ban.deadlineNanos).thenComparingLong((ban) -> ban.sequence);

    private final HashMap<BanKey, Ban> byKey = new HashMap<>();
    private final TreeSet<Ban> byDeadline = new TreeSet<>(BY_DEADLINE);
    private final BanKey lookup = new BanKey();
    private long nextSequence;

    void put(final FirewallChange change, final long deadlineNanos)
    {
        Ban ban = byKey.get(lookup.set(change));
        if (null == ban)
        {
            ban = new Ban(lookup.copy(), nextSequence++);
            byKey.put(ban.key, ban);
        }
        else
        {
            byDeadline.remove(ban);
        }

        ban.protocol = change.protocol();
        ban.port = change.port();
        ban.deadlineNanos = deadlineNanos;
        byDeadline.add(ban);
    }

    void remove(final FirewallChange change)
    {
        final Ban ban = byKey.remove(lookup.set(change));
        if (null != ban)
        {
            byDeadline.remove(ban);
        }
    }

    void clear()
    {
        byKey.clear();
        byDeadline.clear();
    }

    /**
     * @return the next ban whose deadline is at or before now, removed from the view, or null.
     */
    Ban pollExpired(final long nowNanos)
    {
        if (!byDeadline.isEmpty() && byDeadline.first().deadlineNanos <= nowNanos)
        {
            final Ban ban = byDeadline.pollFirst();
            byKey.remove(ban.key);
            return ban;
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

    List<Ban> bans()
    {
        return new ArrayList<>(byDeadline);
    }
}
