package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.BanVisitor;

/**
 * One pass over the store that removes every entry whose expiry has passed (bans and tombstones alike: both carry
 * their end in {@link Ban#expiresAtMillis()}), at most {@link #MAX_REMOVALS_PER_SWEEP} at a time and at most once a
 * second, and finds the next expiry. The removed entries stay readable until the next sweep.
 */
final class ExpirySweep implements BanVisitor
{
    static final int MAX_REMOVALS_PER_SWEEP = 4096;
    private static final long SWEEP_INTERVAL_MILLIS = 1000;

    private final BanStore store;
    private final Ban[] removed = new Ban[MAX_REMOVALS_PER_SWEEP];
    private int removedCount;
    private long nowMillis;
    private long nextExpiryMillis;
    private long nextSweepMillis;

    ExpirySweep(final BanStore store)
    {
        this.store = store;
        for (int i = 0; i < removed.length; i++)
        {
            removed[i] = new Ban();
        }
    }

    boolean isDue(final long nowMillis)
    {
        return nowMillis >= nextSweepMillis;
    }

    /**
     * @param latestNextMillis the next expiry to report when nothing expires sooner.
     * @return entries removed; {@link #removed(int)} reads them.
     */
    int sweep(final long nowMillis, final long latestNextMillis)
    {
        this.nowMillis = nowMillis;
        nextSweepMillis = nowMillis + SWEEP_INTERVAL_MILLIS;
        nextExpiryMillis = latestNextMillis;
        removedCount = 0;
        store.forEach(this);
        for (int i = 0; i < removedCount; i++)
        {
            store.remove(removed[i].prefix());
        }
        if (removedCount == MAX_REMOVALS_PER_SWEEP)
        {
            // A full list means more may be waiting: look again at the next interval.
            nextExpiryMillis = nowMillis;
        }
        return removedCount;
    }

    Ban removed(final int index)
    {
        return removed[index];
    }

    long nextExpiryMillis()
    {
        return nextExpiryMillis;
    }

    public void visit(final Ban entry)
    {
        if (entry.isExpiredAt(nowMillis))
        {
            if (removedCount < MAX_REMOVALS_PER_SWEEP)
            {
                removed[removedCount++].set(entry);
            }
        }
        else if (entry.isUnban() || entry.expiresAtMillis() != Ban.PERMANENT)
        {
            nextExpiryMillis = Math.min(nextExpiryMillis, entry.expiresAtMillis());
        }
    }
}
