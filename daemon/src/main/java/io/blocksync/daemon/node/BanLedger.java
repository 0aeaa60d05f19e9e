package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.store.BanEntry;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.BanStoreFullException;
import io.blocksync.firewall.Firewall;

/**
 * The ban table's rules: guard rails first (the per-origin rate limit is applied earlier, per datagram, by the
 * receiver), then last-writer-wins by (origin time, origin node id) against what
 * the store holds, then the store, then the firewall. Local decisions and peers' records go through the same
 * door. An UNBAN is kept as a tombstone for a while so that an older BAN arriving late cannot resurrect the ban.
 */
public final class BanLedger
{
    public static final int APPLIED = 0;
    public static final int DUPLICATE = 1;
    public static final int STALE = 2;
    public static final int EXPIRED = 3;
    public static final int PROTECTED = 4;
    public static final int TOO_BROAD = 5;
    public static final int STORE_FULL = 6;
    public static final int NOT_BANNED = 7;

    private static final String[] OUTCOME_NAMES =
    {
        "applied", "duplicate", "stale", "expired", "protected", "too broad", "store full", "not banned"
    };

    private final BanStore store;
    private final BanPolicy policy;
    private final Firewall firewall;
    private final Ban firewallChange = new Ban();
    private final NodeCounters counters;
    private final long tombstoneRetentionMillis;
    private final BanEntry current = new BanEntry();
    private final BanEntry next = new BanEntry();
    private long earliestExpiryMillis = Long.MAX_VALUE;

    /**
     * @param tombstoneRetentionMillis how long an UNBAN is kept to outvote late copies of the ban it lifted; stored
     *                                 as the tombstone's expiry so the store's own purge at start honours it too.
     */
    public BanLedger(
        final BanStore store,
        final BanPolicy policy,
        final Firewall firewall,
        final NodeCounters counters,
        final long tombstoneRetentionMillis)
    {
        this.tombstoneRetentionMillis = tombstoneRetentionMillis;
        this.store = store;
        this.policy = policy;
        this.firewall = firewall;
        this.counters = counters;
    }

    public static String outcomeName(final int outcome)
    {
        return outcome >= 0 && outcome < OUTCOME_NAMES.length ? OUTCOME_NAMES[outcome] : "unknown";
    }

    /** A peer's record, already authenticated and well formed. */
    public int applyRemote(final BanRecordFlyweight record, final IpPrefix scratchPrefix, final long nowMillis)
    {
        record.getPrefix(scratchPrefix);
        return apply(
            record.action(), scratchPrefix, record.protocol(), record.port(), record.originNodeId(),
            record.originSequence(), record.originTimeMillis(), record.durationSeconds(), record.reasonPacked(), nowMillis);
    }

    /**
     * A decision made here. Its time is moved past whatever the store holds for the prefix, so an operator's unban
     * wins even over a ban stamped by a peer whose clock runs ahead.
     *
     * @param decided receives the decision as applied (origin time, clamped duration) for the outbox.
     */
    public int decideLocal(
        final int action,
        final IpPrefix prefix,
        final long durationSeconds,
        final long reasonPacked,
        final int protocol,
        final int port,
        final int nodeId,
        final long originSequence,
        final long nowMillis,
        final BanEntry decided)
    {
        long originTime = nowMillis;
        final boolean exists = store.get(prefix, current);
        if (exists)
        {
            originTime = Math.max(originTime, current.originTimeMillis() + 1);
        }
        if (action == BanRecordFlyweight.ACTION_UNBAN && !(exists && isActiveBan(current, nowMillis)))
        {
            return NOT_BANNED;
        }

        final long duration = action == BanRecordFlyweight.ACTION_BAN ? policy.clampDuration(durationSeconds) : 0;
        // An unban carries the reason (and scope) of the ban it lifts, so firewalls with a table per reason find it.
        final boolean unban = action == BanRecordFlyweight.ACTION_UNBAN;
        final int outcome = apply(
            action, prefix, unban ? current.protocol() : protocol, unban ? current.port() : port, nodeId, originSequence,
            originTime, duration, unban ? current.reason() : reasonPacked, nowMillis);
        if (outcome == APPLIED)
        {
            decided.set(next);
        }
        return outcome;
    }

    /** Earliest expiry among bans stored since the last sweep; a sweep is only worth doing after it. */
    public long earliestExpiryMillis()
    {
        return earliestExpiryMillis;
    }

    void earliestExpiryMillis(final long earliest)
    {
        earliestExpiryMillis = earliest;
    }

    BanStore store()
    {
        return store;
    }

    Firewall firewall()
    {
        return firewall;
    }

    public static boolean isActiveBan(final BanEntry entry, final long nowMillis)
    {
        return entry.isBan() && (entry.expiresAtMillis() == 0 || entry.expiresAtMillis() > nowMillis);
    }

    private int apply(
        final int action,
        final IpPrefix prefix,
        final int protocol,
        final int port,
        final int originNodeId,
        final long originSequence,
        final long originTimeMillis,
        final long durationSeconds,
        final long reasonPacked,
        final long nowMillis)
    {
        long expiresAt = 0;
        if (action == BanRecordFlyweight.ACTION_BAN)
        {
            final int verdict = policy.checkPrefix(prefix);
            if (verdict != BanPolicy.ACCEPT)
            {
                (verdict == BanPolicy.PROTECTED ? counters.refusedProtected : counters.refusedTooBroad).incrementRelease();
                return verdict == BanPolicy.PROTECTED ? PROTECTED : TOO_BROAD;
            }

            final long duration = policy.clampDuration(durationSeconds);
            expiresAt = duration == 0 ? 0 : originTimeMillis + duration * 1000;
            if (expiresAt != 0 && expiresAt <= nowMillis)
            {
                counters.stale.incrementRelease();
                return EXPIRED;
            }
        }

        final boolean exists = store.get(prefix, current);
        final boolean wasActiveBan = exists && isActiveBan(current, nowMillis);
        if (exists)
        {
            final int order = compare(originTimeMillis, originNodeId, current.originTimeMillis(), current.originNodeId());
            if (order == 0)
            {
                counters.duplicates.incrementRelease();
                return DUPLICATE;
            }
            if (order < 0)
            {
                counters.stale.incrementRelease();
                return STALE;
            }
        }

        next.reset()
            .action(action == BanRecordFlyweight.ACTION_BAN ? BanEntry.BAN : BanEntry.UNBAN)
            .protocol(protocol)
            .port(port)
            .originNodeId(originNodeId)
            .originSequence(originSequence)
            .originTimeMillis(originTimeMillis)
            .expiresAtMillis(action == BanRecordFlyweight.ACTION_BAN ? expiresAt : originTimeMillis + tombstoneRetentionMillis)
            .durationSeconds(action == BanRecordFlyweight.ACTION_BAN ? policy.clampDuration(durationSeconds) : 0)
            .reason(reasonPacked)
            .hitCount(exists ? current.hitCount() : 0)
            .appliedAtMillis(nowMillis);
        try
        {
            store.put(prefix, next);
        }
        catch (final BanStoreFullException ex)
        {
            counters.storeFull.incrementRelease();
            return STORE_FULL;
        }

        if (action == BanRecordFlyweight.ACTION_BAN)
        {
            counters.bansApplied.incrementRelease();
            if (expiresAt != 0 && expiresAt < earliestExpiryMillis)
            {
                earliestExpiryMillis = expiresAt;
            }
            // A dropped change is counted by the firewall's listener (firewall_queue_full).
            firewall.ban(firewallChange.prefix(prefix).expiresAtMillis(expiresAt).reason(reasonPacked)
                .protocol(protocol).port(port));
        }
        else
        {
            counters.unbansApplied.incrementRelease();
            if (wasActiveBan)
            {
                firewall.unban(firewallChange.prefix(prefix).expiresAtMillis(0).reason(current.reason())
                    .protocol(current.protocol()).port(current.port()));
            }
        }
        return APPLIED;
    }

    /** Last writer wins: later origin time, then higher origin node id. */
    static int compare(final long timeA, final int nodeA, final long timeB, final int nodeB)
    {
        if (timeA != timeB)
        {
            return timeA < timeB ? -1 : 1;
        }
        return Integer.compare(nodeA, nodeB);
    }
}
