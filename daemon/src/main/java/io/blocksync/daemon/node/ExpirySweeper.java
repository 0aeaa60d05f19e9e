package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.store.BanEntry;
import io.blocksync.daemon.store.BanEntryVisitor;

/**
 * Removes expired bans and old tombstones from the store and tells the firewall, at most once a second and only
 * when the earliest known expiry has passed, so an idle node does no work. Kernel sets expire their own elements
 * (nftables and ipset timeouts); the removal here matters for pf, the control script and the ban list itself.
 */
public final class ExpirySweeper implements BanEntryVisitor
{
    private static final int MAX_REMOVALS_PER_SWEEP = 4096;
    private static final long SWEEP_INTERVAL_MILLIS = 1000;

    private final BanLedger ledger;
    private final NodeCounters counters;
    private final long tombstoneRetentionMillis;
    private final IpPrefix[] expired = new IpPrefix[MAX_REMOVALS_PER_SWEEP];
    private final long[] expiredReason = new long[MAX_REMOVALS_PER_SWEEP];
    private final int[] expiredProtocol = new int[MAX_REMOVALS_PER_SWEEP];
    private final int[] expiredPort = new int[MAX_REMOVALS_PER_SWEEP];
    private final boolean[] expiredWasBan = new boolean[MAX_REMOVALS_PER_SWEEP];
    private final Ban firewallChange = new Ban().action(BanAction.UNBAN);
    private int expiredCount;
    private long nowMillis;
    private long nextEarliest;
    private long nextSweepMillis;

    public ExpirySweeper(final BanLedger ledger, final NodeCounters counters, final long tombstoneRetentionMillis)
    {
        this.ledger = ledger;
        this.counters = counters;
        this.tombstoneRetentionMillis = tombstoneRetentionMillis;
        for (int i = 0; i < expired.length; i++)
        {
            expired[i] = new IpPrefix();
        }
    }

    /** Force a full sweep at the next opportunity, e.g. after start-up. */
    public void sweepSoon()
    {
        ledger.earliestExpiryMillis(0);
    }

    /**
     * @return removals done (0 when no sweep was due).
     */
    public int poll(final long now)
    {
        if (now < nextSweepMillis || now < ledger.earliestExpiryMillis())
        {
            return 0;
        }
        nextSweepMillis = now + SWEEP_INTERVAL_MILLIS;
        nowMillis = now;
        expiredCount = 0;
        nextEarliest = now + tombstoneRetentionMillis;
        ledger.store().forEach(this);

        for (int i = 0; i < expiredCount; i++)
        {
            ledger.store().remove(expired[i]);
            if (expiredWasBan[i])
            {
                counters.bansExpired.incrementRelease();
                ledger.firewall().unban(firewallChange.prefix(expired[i]).reason(expiredReason[i])
                    .protocol(expiredProtocol[i]).port(expiredPort[i]));
            }
        }
        // A full sweep list means more may be waiting: look again at the next interval.
        ledger.earliestExpiryMillis(expiredCount == MAX_REMOVALS_PER_SWEEP ? now : nextEarliest);
        counters.storeSize.setRelease(ledger.store().size());
        return Math.max(1, expiredCount);
    }

    public void visit(final IpPrefix key, final BanEntry entry)
    {
        final long expiresAt = entry.isBan() ?
            entry.expiresAtMillis() : entry.originTimeMillis() + tombstoneRetentionMillis;
        if (entry.isBan() && expiresAt == 0)
        {
            return;
        }
        if (expiresAt > nowMillis)
        {
            nextEarliest = Math.min(nextEarliest, expiresAt);
            return;
        }
        if (expiredCount < MAX_REMOVALS_PER_SWEEP)
        {
            final int i = expiredCount++;
            expired[i].set(key);
            expiredReason[i] = entry.reason();
            expiredProtocol[i] = entry.protocol();
            expiredPort[i] = entry.port();
            expiredWasBan[i] = entry.isBan();
        }
    }
}
