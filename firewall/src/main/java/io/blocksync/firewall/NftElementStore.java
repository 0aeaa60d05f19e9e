package io.blocksync.firewall;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The elements of an interval set's {@link NftSetModel}, off the Java heap: entries of 32 bytes ({@link NftElements})
 * in address order, so a 1,000,000-element set costs 32 MB of direct memory (and a transient copy while a region
 * grows) and no heap. Entries sort by family, address (unsigned), then length, as {@code IpPrefix} compares, so every
 * prefix nested in another follows it directly: an interval set's overlaps are a contiguous run after the container.
 * <p>
 * Two sorted regions: a main region that only ever gets tombstones ({@link #DEAD}) between merges, and a small delta
 * region that takes inserts by shifting; when the delta outgrows {@code max(256, sqrt(2 main))} entries it is merged
 * into the main region from the end, in place, dropping tombstones: an insert costs O(log n) to find its place and
 * O(sqrt n) bytes moved (up to 45 KB at 1,000,000 entries, a few microseconds), with no object and no
 * rebalancing. Positions ({@link #find}) are valid until the next
 * {@link #insert} or {@link #remove}; reads and flag writes by position do not move anything. Worker thread only.
 * <p>
 * Searches of the main region start in its sparse index ({@link NftElementIndex}) and end in one block of 2 KB: a
 * plain binary search of 32 MB touched ~20 entries in as many cache lines, most of them misses. The last search of the main region is kept for the {@link #insert} that
 * follows a {@link #find} of the same key (the model's every add of a new element).
 */
final class NftElementStore extends NftElements
{
    private static final int MIN_DELTA = 256;
    private static final int INITIAL_MAIN = 64;

    private int mainCount;
    private int deadCount;
    private int deltaCount;
    private int deltaCapacity;
    private final NftElementIndex index = new NftElementIndex();
    /** The last main-region search ({@link #searchMain}): its key and result, until the main region changes. */
    private boolean lastValid;
    private long lastHigh;
    private long lastLow;
    private int lastMeta;
    private int lastResult;

    NftElementStore()
    {
        main = allocateEntries(INITIAL_MAIN);
        deltaCapacity = 64;
        delta = allocateEntries(deltaCapacity);
    }

    @Override
    int size()
    {
        return mainCount - deadCount + deltaCount;
    }

    @Override
    long directBytes()
    {
        return (long)main.capacity() + delta.capacity();
    }

    @Override
    int find(final long high, final long low, final int meta)
    {
        final int inMain = searchMain(high, low, meta, mainCount);
        if (inMain >= 0 && 0 == (main.getInt(inMain * ENTRY + FLAGS) & DEAD))
        {
            return inMain;
        }
        final int inDelta = search(delta, 0, deltaCount, high, low, meta);
        return inDelta >= 0 ? DELTA_BIT | inDelta : NONE;
    }

    @Override
    int insert(final long high, final long low, final int meta, final long deadlineMs, final int flags)
    {
        final int inMain = searchMain(high, low, meta, mainCount);
        if (inMain >= 0)
        {
            // A tombstone of the same prefix comes back to life in place: its key is already this one.
            deadCount--;
            writeValue(main, inMain, deadlineMs, flags);
            return inMain;
        }
        if (deltaCount == deltaCapacity)
        {
            if (deltaCount >= deltaLimit())
            {
                merge();
            }
            else
            {
                deltaCapacity *= 2;
                delta = grow(delta, (long)deltaCount * ENTRY, (long)deltaCapacity * ENTRY);
            }
        }
        final int at = -search(delta, 0, deltaCount, high, low, meta) - 1;
        delta.putBytes((at + 1) * ENTRY, delta, at * ENTRY, (deltaCount - at) * ENTRY);
        writeKey(delta, at, high, low, meta);
        writeValue(delta, at, deadlineMs, flags);
        deltaCount++;
        return DELTA_BIT | at;
    }

    @Override
    void remove(final int position)
    {
        if (0 == (position & DELTA_BIT))
        {
            main.putInt(position * ENTRY + FLAGS, DEAD);
            deadCount++;
            if (deadCount > MIN_DELTA && deadCount > mainCount >>> 1)
            {
                // Mostly tombstones: squeezed out so walks and searches stay proportional to the live entries.
                merge();
            }
            return;
        }
        final int at = position & ~DELTA_BIT;
        delta.putBytes(at * ENTRY, delta, (at + 1) * ENTRY, (deltaCount - at - 1) * ENTRY);
        deltaCount--;
    }

    @Override
    void clear()
    {
        mainCount = 0;
        deadCount = 0;
        deltaCount = 0;
        index.clear();
        lastValid = false;
    }

    @Override
    Cursor cursor()
    {
        return new SortedCursor();
    }

    /**
     * Walks the live entries in address order.
     */
    private final class SortedCursor extends Cursor
    {
        private int nextMain;
        private int nextDelta;

        /**
         * Start at the first live entry at or after the key.
         */
        @Override
        Cursor seek(final long high, final long low, final int meta)
        {
            final int inMain = searchMain(high, low, meta, mainCount);
            final int inDelta = search(delta, 0, deltaCount, high, low, meta);
            nextMain = inMain >= 0 ? inMain : -inMain - 1;
            nextDelta = inDelta >= 0 ? inDelta : -inDelta - 1;
            return this;
        }

        @Override
        Cursor first()
        {
            nextMain = 0;
            nextDelta = 0;
            return this;
        }

        @Override
        int next()
        {
            while (nextMain < mainCount && 0 != (main.getInt(nextMain * ENTRY + FLAGS) & DEAD))
            {
                nextMain++;
            }
            if (nextMain < mainCount && (nextDelta >= deltaCount || compare(main, nextMain, delta, nextDelta) < 0))
            {
                return nextMain++;
            }
            return nextDelta < deltaCount ? DELTA_BIT | nextDelta++ : NONE;
        }
    }

    @Override
    public void close()
    {
        BufferUtil.free(main);
        BufferUtil.free(delta);
    }

    /**
     * Merge the delta into the main region from the end (no entry is overwritten before it is read), then squeeze
     * out the tombstones. Each delta entry, from the last, finds its place among the main entries not yet moved by
     * binary search, and the main entries above it move up in one copy: a merge is one memmove of the main region
     * above the smallest delta entry plus a search per delta entry, not a comparison and a 32-byte copy per main
     * entry (a node re-applying 1,000,000 bans in store order, which is random in address order, spent ~18 s of
     * its commit worker's CPU in that per-entry loop).
     */
    private void merge()
    {
        final int total = mainCount + deltaCount;
        if (total * (long)ENTRY > main.capacity())
        {
            main = grow(main, (long)mainCount * ENTRY, (long)Math.max(total + (total >>> 1), INITIAL_MAIN) * ENTRY);
        }
        int end = mainCount;
        int to = total;
        for (int fromDelta = deltaCount - 1; fromDelta >= 0; fromDelta--)
        {
            final int at = fromDelta * ENTRY;
            // The delta never holds a key the main region holds (insert revives a tombstone in place). The sparse
            // index still describes the entries below end: only those above it have moved.
            final int found = searchMain(delta.getLong(at + HIGH), delta.getLong(at + LOW), delta.getInt(at + META), end);
            final int above = found >= 0 ? found + 1 : -found - 1;
            final int run = end - above;
            if (run > 0)
            {
                to -= run;
                main.putBytes(to * ENTRY, main, above * ENTRY, run * ENTRY);
            }
            end = above;
            main.putBytes(--to * ENTRY, delta, at, ENTRY);
        }
        int live = 0;
        // Entries below the smallest delta entry's place kept their positions (unless tombstones go).
        final int unmoved = deadCount > 0 ? 0 : end;
        if (deadCount > 0)
        {
            for (int i = 0; i < total; i++)
            {
                if (0 == (main.getInt(i * ENTRY + FLAGS) & DEAD))
                {
                    if (live != i)
                    {
                        main.putBytes(live * ENTRY, main, i * ENTRY, ENTRY);
                    }
                    live++;
                }
            }
        }
        else
        {
            live = total;
        }
        mainCount = live;
        deadCount = 0;
        deltaCount = 0;
        lastValid = false;
        index.update(main, mainCount, unmoved);
    }

    /**
     * {@link #search} of the main entries below {@code end} through the sparse index: its last block whose first key
     * is at most the key, then that block. Requires the sparse index to describe those entries.
     */
    private int searchMain(final long high, final long low, final int meta, final int end)
    {
        final boolean whole = end == mainCount;
        if (whole && lastValid && lastHigh == high && lastLow == low && lastMeta == meta)
        {
            return lastResult;
        }
        final int from = Math.min(index.blockStart(high, low, meta), end);
        final int to = Math.min(from + NftElementIndex.BLOCK, end);
        final int result = search(main, from, to, high, low, meta);
        if (whole)
        {
            lastValid = true;
            lastHigh = high;
            lastLow = low;
            lastMeta = meta;
            lastResult = result;
        }
        return result;
    }

    /**
     * sqrt(2n) balances the shift into the delta (half of it per insert) against the merge (n every delta-full).
     */
    private int deltaLimit()
    {
        return Math.max(MIN_DELTA, (int)Math.sqrt(2.0 * mainCount));
    }



    /**
     * @return the index of the key (dead or alive) among the entries {@code [from, to)}, or
     * {@code -(insertion point) - 1}.
     */
    private static int search(
        final UnsafeBuffer region, final int from, final int to, final long high, final long low, final int meta)
    {
        int lo = from;
        int hi = to - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final int at = mid * ENTRY;
            final int c = compare(region.getLong(at + HIGH), region.getLong(at + LOW), region.getInt(at + META),
                high, low, meta);
            if (c < 0)
            {
                lo = mid + 1;
            }
            else if (c > 0)
            {
                hi = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -lo - 1;
    }

    private static int compare(final UnsafeBuffer a, final int i, final UnsafeBuffer b, final int j)
    {
        return compare(a.getLong(i * ENTRY + HIGH), a.getLong(i * ENTRY + LOW), a.getInt(i * ENTRY + META),
            b.getLong(j * ENTRY + HIGH), b.getLong(j * ENTRY + LOW), b.getInt(j * ENTRY + META));
    }

    /**
     * Family, then address (unsigned, as {@code IpPrefix.compareTo}), then length.
     */
    static int compare(
        final long high1, final long low1, final int meta1, final long high2, final long low2, final int meta2)
    {
        int result = Integer.compare(meta1 >>> 8, meta2 >>> 8);
        if (0 == result)
        {
            result = Long.compareUnsigned(high1, high2);
            if (0 == result)
            {
                result = Long.compareUnsigned(low1, low2);
                if (0 == result)
                {
                    result = Integer.compare(meta1 & 0xFF, meta2 & 0xFF);
                }
            }
        }
        return result;
    }

    private static UnsafeBuffer allocateEntries(final int entries)
    {
        return allocate((long)entries * ENTRY);
    }
}
