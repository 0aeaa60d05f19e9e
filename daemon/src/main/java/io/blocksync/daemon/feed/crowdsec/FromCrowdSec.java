package io.blocksync.daemon.feed.crowdsec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prefixes this node banned because CrowdSec decided so, with the live decision ids behind each and the reason
 * the ban carries: the bouncer lifts a ban only when its last decision is deleted (CrowdSec may hold several for one
 * address, a cscli one and a community one), and the pusher leaves these bans out (they came from CrowdSec: pushing
 * them back would echo). Written by the bouncer thread, read by the push thread.
 */
final class FromCrowdSec
{
    /** @param generation the full answer (start-up or resync) that last showed a decision for the prefix. */
    private record Entry(Set<Long> ids, long reasonId, long generation)
    {
    }

    /** A prefix no decision holds any more, and the reason of the ban this node made for it. */
    record Gone(String prefix, long reasonId)
    {
    }

    private final ConcurrentHashMap<String, Entry> byPrefix = new ConcurrentHashMap<>();

    /**
     * Bouncer: a live decision for the prefix, under the ban's reason (the latest decision's).
     *
     * @param generation the current full answer's number; the first decision of a newer one replaces the ids known.
     */
    void add(final String prefix, final long decisionId, final long reasonId, final long generation)
    {
        byPrefix.compute(prefix, (key, old) ->
        {
            final Set<Long> ids = null == old || old.generation() != generation ? new HashSet<>() : old.ids();
            ids.add(decisionId);
            return new Entry(ids, reasonId, generation);
        });
    }

    /** Bouncer: whether a live decision holds the prefix. */
    boolean contains(final String prefix)
    {
        return byPrefix.containsKey(prefix);
    }

    /**
     * Bouncer, once a full answer is read whole: the prefixes it no longer shows (their deletion was in a delta that
     * got lost), forgotten here; their bans are to be lifted.
     */
    List<Gone> sweep(final long generation)
    {
        final List<Gone> gone = new ArrayList<>();
        byPrefix.forEach((prefix, entry) ->
        {
            if (entry.generation() < generation && byPrefix.remove(prefix, entry))
            {
                gone.add(new Gone(prefix, entry.reasonId()));
            }
        });
        return gone;
    }

    /**
     * Bouncer: a decision for the prefix was deleted.
     *
     * @return the reason id of the ban to lift when no live decision is left for it; 0 when others hold it, or when
     * this node never took one for it.
     */
    long remove(final String prefix, final long decisionId)
    {
        final long[] lift = new long[1];
        byPrefix.computeIfPresent(prefix, (key, old) ->
        {
            if (!old.ids().remove(decisionId))
            {
                return old;
            }
            final boolean last = old.ids().isEmpty();
            lift[0] = last ? old.reasonId() : 0;
            return last ? null : old;
        });
        return lift[0];
    }

    /** Pusher: whether this node's ban of the prefix under this reason is CrowdSec's own. */
    boolean isCrowdSecs(final String prefix, final long reasonId)
    {
        final Entry entry = byPrefix.get(prefix);
        return null != entry && entry.reasonId() == reasonId;
    }

    int size()
    {
        return byPrefix.size();
    }
}
