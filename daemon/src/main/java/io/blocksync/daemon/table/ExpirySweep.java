package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.BanVisitor;
import io.blocksync.daemon.store.StartScan;

/**
 * Removes the store's entries whose time is up (bans and tombstones alike: both carry their end in
 * {@link Ban#expiresAtMillis()}), reading only what is due: every stored entry with an end is in an
 * {@link ExpiryIndex} under it, added as it is stored ({@link #onStored}) and rebuilt by one scan of the store before
 * the loop starts ({@link #rebuild}). A due index entry is checked against the store, the one source of truth: an
 * entry re-banned to a later end, made permanent, lifted to a tombstone of another end, or removed, is stale, dropped
 * and counted ({@code expiry_stale_entries}), since its current value was indexed under its own end when stored.
 * <p>
 * Work per {@link #sweep} is bounded: at most {@link #MAX_ENTRIES_PER_SWEEP} index entries are read (due ones and ones
 * passed over for a later revolution of the wheel); the rest waits for the next duty cycle
 * ({@code expiry_capped_cycles}). Only when the index is full (the store holds far more than its capacity, or stale
 * entries piled up) does a sweep fall back to the whole-store scan of old, at most once a second, which also rebuilds
 * the index ({@code expiry_full_scans}). The removed entries stay readable until the next sweep. Loop thread only;
 * allocation-free in steady state.
 */
final class ExpirySweep implements BanVisitor, ExpiryIndex.DueHandler
{
    static final int MAX_ENTRIES_PER_SWEEP = 4096;
    private static final long FULL_SCAN_INTERVAL_MILLIS = 1000;
    private static final long NO_REMOVAL = Long.MIN_VALUE;

    private final BanStore store;
    private final NodeCounters counters;
    private final ExpiryIndex index;
    private final Ban[] removed = new Ban[MAX_ENTRIES_PER_SWEEP];
    private BanVisitor alsoVisit;
    private int removedCount;
    private int staleCount;
    private int readCount;
    private long nowMillis;
    private long nextFullScanMillis;
    private boolean built;
    private boolean overflowed;

    /**
     * @param maxIndexEntries see {@link ExpiryIndex#maxEntriesFor(long)}.
     */
    ExpirySweep(final BanStore store, final NodeCounters counters, final int maxIndexEntries)
    {
        this.store = store;
        this.counters = counters;
        this.index = new ExpiryIndex(maxIndexEntries);
        for (int i = 0; i < removed.length; i++)
        {
            removed[i] = new Ban();
        }
    }

    /**
     * Index every entry of the store by one scan, handing each entry to {@code alsoVisit} too (null for none), so
     * another role counting the store at start shares the scan. Before the loop starts.
     */
    void rebuild(final BanVisitor alsoVisit)
    {
        beginRebuild(alsoVisit);
        store.forEach(this);
        endRebuild();
    }

    /**
     * As {@link #rebuild}, fed by a pass over the store that another reads ({@code StartScan}): this sweep, then
     * {@code alsoVisit}, gets each of its entries, and the index counts as built when the pass has ended.
     */
    void rebuildFrom(final StartScan scan, final BanVisitor alsoVisit)
    {
        beginRebuild(alsoVisit);
        scan.add(this, this::endRebuild);
    }

    private void beginRebuild(final BanVisitor alsoVisit)
    {
        this.alsoVisit = alsoVisit;
        this.nowMillis = NO_REMOVAL;
        index.clear();
        overflowed = false;
    }

    private void endRebuild()
    {
        this.alsoVisit = null;
        built = true;
        counters.expiryIndexEntries.setRelease(index.size());
    }

    /**
     * The table stored {@code stored}, which replaced {@code replaced} (null when the prefix was new): index its end.
     * Nothing is added when the end's second is the one already indexed for the prefix.
     */
    void onStored(final Ban stored, final Ban replaced)
    {
        if (!hasEnd(stored) || (null != replaced && hasEnd(replaced) &&
            ExpiryIndex.secondOf(replaced.expiresAtMillis()) == ExpiryIndex.secondOf(stored.expiresAtMillis())))
        {
            return;
        }
        add(stored.prefix(), stored.expiresAtMillis());
    }

    /**
     * Remove what is due at {@code nowMillis}, reading at most {@link #MAX_ENTRIES_PER_SWEEP} index entries.
     *
     * @return entries removed; {@link #removed(int)} reads them.
     */
    int sweep(final long nowMillis)
    {
        removedCount = 0;
        staleCount = 0;
        readCount = 0;
        if (!built || overflowed)
        {
            if (built && nowMillis < nextFullScanMillis)
            {
                return 0;
            }
            if (built)
            {
                counters.expiryFullScans.incrementRelease();
            }
            fullScan(nowMillis);
            return removedCount;
        }

        this.nowMillis = nowMillis;
        readCount = index.pollDue(nowMillis, MAX_ENTRIES_PER_SWEEP, this);
        if (staleCount > 0)
        {
            counters.expiryStaleEntries.getAndAddRelease(staleCount);
        }
        if (readCount == MAX_ENTRIES_PER_SWEEP)
        {
            counters.expiryCappedCycles.incrementRelease();
        }
        if (readCount > 0)
        {
            counters.expiryIndexEntries.setRelease(index.size());
        }
        return removedCount;
    }

    /** Index entries the last sweep read (due or passed over), at most {@link #MAX_ENTRIES_PER_SWEEP}. */
    int lastRead()
    {
        return readCount;
    }

    /** Due index entries the last sweep found stale. */
    int lastStale()
    {
        return staleCount;
    }

    /** Whether the last sweep stopped at its bound with more perhaps due. */
    boolean lastCapped()
    {
        return readCount == MAX_ENTRIES_PER_SWEEP || removedCount == MAX_ENTRIES_PER_SWEEP;
    }

    /** Entries in the expiry index, stale ones included. */
    int indexSize()
    {
        return index.size();
    }

    Ban removed(final int index)
    {
        return removed[index];
    }

    public void onDue(final IpPrefix prefix)
    {
        final Ban entry = removed[removedCount];
        if (store.get(prefix, entry) && entry.isExpiredAt(nowMillis))
        {
            store.remove(prefix);
            removedCount++;
        }
        else
        {
            staleCount++;
        }
    }

    public void visit(final Ban entry)
    {
        if (null != alsoVisit)
        {
            alsoVisit.visit(entry);
        }
        if (NO_REMOVAL != nowMillis && entry.isExpiredAt(nowMillis) && removedCount < MAX_ENTRIES_PER_SWEEP)
        {
            removed[removedCount++].set(entry);
        }
        else if (hasEnd(entry))
        {
            // Past its end but beyond this sweep's bound: due at the next one.
            add(entry.prefix(), entry.expiresAtMillis());
        }
    }

    /** The scan of old: remove up to the bound of what has expired and index the rest. */
    private void fullScan(final long nowMillis)
    {
        this.nowMillis = nowMillis;
        nextFullScanMillis = nowMillis + FULL_SCAN_INTERVAL_MILLIS;
        index.clear();
        overflowed = false;
        store.forEach(this);
        for (int i = 0; i < removedCount; i++)
        {
            store.remove(removed[i].prefix());
        }
        built = true;
        counters.expiryIndexEntries.setRelease(index.size());
    }

    private void add(final IpPrefix prefix, final long expiresAtMillis)
    {
        if (!index.add(prefix, expiresAtMillis))
        {
            // The entry is in no index now: scan the store instead until everything fits again.
            overflowed = true;
        }
    }

    private static boolean hasEnd(final Ban entry)
    {
        return entry.isUnban() || entry.expiresAtMillis() != Ban.PERMANENT;
    }
}
