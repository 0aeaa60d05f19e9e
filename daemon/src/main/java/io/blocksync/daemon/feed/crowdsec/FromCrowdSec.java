package io.blocksync.daemon.feed.crowdsec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prefixes this node banned because CrowdSec decided so, with the live decision ids behind each, the reason the
 * ban carries and, once the loop has taken it, the origin sequence of the ban the latest decision made: the bouncer lifts a ban only when its last decision is deleted (CrowdSec may hold several for one
 * address, a cscli one and a community one), and the pusher leaves these bans out (they came from CrowdSec: pushing
 * them back would echo). Written by the bouncer thread, read by the push thread.
 */
final class FromCrowdSec
{
    /**
     * @param generation     the full answer (start-up or resync) that last showed a decision for the prefix.
     * @param originSequence the origin sequence of the ban this node made for it; 0 while not known; {@link #NO_BAN}
     *                       when the node refused the decisions' ban (nothing of theirs to lift).
     */
    private record Entry(Set<Long> ids, long reasonId, long generation, long originSequence)
    {
    }

    /**
     * A prefix no decision holds any more: the reason and origin sequence (0 when not known) of the ban this node made
     * for it, which is what may be lifted.
     */
    record Gone(String prefix, long reasonId, long originSequence)
    {
    }

    /** An origin sequence no ban has: the node refused to ban the prefix for its decisions (review 8 finding 5). */
    static final long NO_BAN = -1;

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
            return new Entry(ids, reasonId, generation, null == old ? 0 : old.originSequence());
        });
    }

    /**
     * Bouncer: the loop applied this node's ban of the prefix for a decision, numbered {@code originSequence}: the ban
     * a deletion may lift from now on. Nothing when no decision holds the prefix any more.
     */
    void applied(final String prefix, final long reasonId, final long originSequence)
    {
        byPrefix.computeIfPresent(prefix, (key, old) -> new Entry(old.ids(), reasonId, old.generation(), originSequence));
    }

    /**
     * Bouncer: the loop refused the ban of the prefix (busy, store full, a guard rail): while no ban of a decision is
     * known for it, a deletion lifts nothing, not another ban of the same reason.
     */
    void refused(final String prefix)
    {
        byPrefix.computeIfPresent(prefix, (key, old) ->
            0 == old.originSequence() ? new Entry(old.ids(), old.reasonId(), old.generation(), NO_BAN) : old);
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
                gone.add(new Gone(prefix, entry.reasonId(), entry.originSequence()));
            }
        });
        return gone;
    }

    /**
     * Bouncer: a decision for the prefix was deleted.
     *
     * @return the ban to lift when no live decision is left for the prefix; null when others hold it, or when this
     * node never took one for it.
     */
    Gone remove(final String prefix, final long decisionId)
    {
        final Gone[] lift = new Gone[1];
        byPrefix.computeIfPresent(prefix, (key, old) ->
        {
            if (!old.ids().remove(decisionId))
            {
                return old;
            }
            final boolean last = old.ids().isEmpty();
            lift[0] = last ? new Gone(prefix, old.reasonId(), old.originSequence()) : null;
            return last ? null : old;
        });
        return lift[0];
    }

    /**
     * Bouncer: a lift that did not reach the loop is known again, under no live decision (generation 0), so that the
     * next full answer's sweep lifts it unless that answer shows a live decision for the prefix.
     */
    void restore(final Gone lift)
    {
        byPrefix.putIfAbsent(lift.prefix(), new Entry(new HashSet<>(), lift.reasonId(), 0, lift.originSequence()));
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
