package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.NftSetDump;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What one nftables set should hold, so the backend can turn a batch into commands the kernel accepts.
 * <p>
 * Two facts of nftables shape it. An interval set refuses overlapping elements ("interval overlaps with an existing
 * one" fails the whole transaction), so of nested bans only the outermost ones (maximal) go into the kernel and the
 * inner ones wait here until their container is lifted. And re-adding an existing element does not refresh its
 * timeout on older kernels, while deleting a missing one fails; so a known element is refreshed with
 * {@code add (1s); delete; add (T)} and a removal is {@code add (1s); delete}, which succeed whether or not the kernel
 * still holds it. When a batch would both delete and add overlapping elements (which nft 1.0.6 rejects even in one
 * transaction), the set is rewritten instead: {@code flush set} and every maximal element, atomically.
 * <p>
 * The elements live off the heap, 32 bytes each: an interval set's in address order ({@link NftElementStore}, so the
 * elements nested in a prefix are the run that follows it), a plain set's hashed ({@link NftElementHash}: nothing
 * nests there, and a find is a probe instead of three searches). What a batch touched is kept in primitive arrays
 * ({@link NftTouched}) and written through reused {@link NftElementList}s: no object per element. Worker thread only.
 */
final class NftSetModel
{
    static final long PERMANENT = Long.MAX_VALUE;
    private static final long MILLIS_PER_SECOND = 1000;
    /** Elements per list handed to the sink by a rewrite, so the list stays small however large the set. */
    private static final int REWRITE_CHUNK = 4096;

    private final String reference;
    private final boolean interval;
    private final boolean addressOnly;
    /** The reference's parts as netlink names them: NFPROTO number, table and set name (ASCII). */
    private final int familyNumber;
    private final byte[] table;
    private final byte[] name;
    private final NftElements store;
    private final NftElements.Cursor cursor;
    private final NftElements.Cursor innerCursor;
    private final int[] lengthCounts = new int[129];
    private final NftTouched touched = new NftTouched();
    /** What {@link #emit} writes: reused batch after batch. */
    private final NftElementList deletes = new NftElementList();
    private final NftElementList refreshes = new NftElementList();
    private final NftElementList adds = new NftElementList();
    private final NftElementList removals = new NftElementList();
    private final NftElementList additions = new NftElementList();
    private boolean rewrite;

    /**
     * @param reference   {@code family table set} as nft commands name it.
     * @param interval    the set has {@code flags interval}: elements are prefixes and must not overlap.
     * @param addressOnly elements are written without a length (a plain address set, possibly matched through a mask).
     */
    NftSetModel(final String reference, final boolean interval, final boolean addressOnly)
    {
        this.reference = reference;
        this.interval = interval;
        this.addressOnly = addressOnly;
        final String[] words = reference.split(" ");
        this.familyNumber = NftSetDump.family(words[0]);
        this.table = words[1].getBytes(StandardCharsets.US_ASCII);
        this.name = words[2].getBytes(StandardCharsets.US_ASCII);
        this.store = interval ? new NftElementStore() : new NftElementHash();
        this.cursor = store.cursor();
        this.innerCursor = store.cursor();
    }

    boolean addressOnly()
    {
        return addressOnly;
    }

    int familyNumber()
    {
        return familyNumber;
    }

    byte[] table()
    {
        return table;
    }

    byte[] name()
    {
        return name;
    }

    String reference()
    {
        return reference;
    }

    int size()
    {
        return store.size();
    }

    /**
     * @return direct memory the elements take, in bytes.
     */
    long directBytes()
    {
        return store.directBytes();
    }

    void add(final IpPrefix prefix, final long timeoutSeconds, final long nowMs)
    {
        final long deadlineMs = 0 == timeoutSeconds ? PERMANENT : nowMs + timeoutSeconds * MILLIS_PER_SECOND;
        final long high = ElementKey.high(prefix);
        final long low = ElementKey.low(prefix);
        final int meta = ElementKey.prefixBits(prefix);
        int element = live(high, low, meta, nowMs);
        if (NftElementStore.NONE != element)
        {
            touch(high, low, meta, true, store.inKernel(element), store.deadlineMs(element));
            store.deadlineMs(element, deadlineMs);
            if (store.inKernel(element))
            {
                return;
            }
        }
        else
        {
            touch(high, low, meta, false, false, 0);
            element = insert(high, low, meta, deadlineMs, false);
        }
        if (interval && NftElementStore.NONE != containerOf(high, low, meta, nowMs))
        {
            return;
        }

        store.inKernel(element, true);
        if (interval)
        {
            innerCursor.seek(high, low, meta);
            for (int inner = innerCursor.next(); NftElementStore.NONE != inner; inner = innerCursor.next())
            {
                if (!store.is(inner, high, low, meta))
                {
                    if (!store.inside(inner, high, low, meta))
                    {
                        break;
                    }
                    if (store.inKernel(inner))
                    {
                        touch(inner, true, true, store.deadlineMs(inner));
                        store.inKernel(inner, false);
                    }
                }
            }
        }
    }

    void remove(final IpPrefix prefix, final long nowMs)
    {
        final long high = ElementKey.high(prefix);
        final long low = ElementKey.low(prefix);
        final int meta = ElementKey.prefixBits(prefix);
        final int element = live(high, low, meta, nowMs);
        if (NftElementStore.NONE != element)
        {
            touch(high, low, meta, true, store.inKernel(element), store.deadlineMs(element));
            erase(element, nowMs);
        }
    }

    /**
     * Take in what a listing of the kernel set showed, so the next batch is written against the kernel's real
     * contents: listed elements are known to be in the kernel (with the kernel's deadline), elements believed in the
     * kernel but not listed are known to be missing; elements a commit wrote after the listing started keep what
     * the model says.
     *
     * @param object the set's index in the listing, or -1 if the listing does not have it (nothing is known).
     */
    void adopt(final KernelListing listing, final int object, final KernelListing.Changed changed, final long nowMs)
    {
        if (object < 0)
        {
            return;
        }
        final ElementKey key = new ElementKey();
        // An interrupted dump may lack elements the kernel holds: only what it lists is taken as a fact.
        if (listing.consistent())
        {
            cursor.first();
            for (int element = cursor.next(); NftElementStore.NONE != element; element = cursor.next())
            {
                if (store.inKernel(element))
                {
                    key.set(store.high(element), store.low(element), store.meta(element));
                    if (KernelListing.ABSENT == listing.exact(object, key) && !changed.since(reference, key))
                    {
                        store.inKernel(element, false);
                    }
                }
            }
        }
        for (int i = 0, count = listing.elementCount(object); i < count; i++)
        {
            listing.element(object, i, key);
            if (changed.since(reference, key))
            {
                continue;
            }
            final long left = listing.secondsLeft(object, i);
            final long deadlineMs = KernelListing.PERMANENT == left ? PERMANENT : nowMs + left * MILLIS_PER_SECOND;
            final int element = store.find(key.high, key.low, key.prefixBits);
            if (NftElementStore.NONE == element)
            {
                insert(key.high, key.low, key.prefixBits, deadlineMs, true);
            }
            else
            {
                store.inKernel(element, true);
                store.deadlineMs(element, deadlineMs);
            }
        }
        touched.clear();
        // A rewrite pending from a failed commit stays unless the listing saw every element as it is now.
        rewrite &= KernelListing.Changed.NONE != changed;
    }

    boolean interval()
    {
        return interval;
    }

    void clear()
    {
        store.clear();
        Arrays.fill(lengthCounts, 0);
        touched.clear();
        rewrite = false;
    }

    /**
     * The next {@link #emit(StringBuilder, long)} writes the whole set, e.g. after a failed transaction left the
     * kernel in an unknown state, or for reconciliation.
     */
    void rewriteNext()
    {
        rewrite = true;
    }

    boolean hasWork()
    {
        return rewrite || !touched.isEmpty();
    }

    /**
     * Append the commands that bring the kernel set from its state before this batch to the model's state.
     */
    void emit(final StringBuilder script, final long nowMs)
    {
        emit(new NftScriptSink(script), nowMs);
    }

    /**
     * Write the changes that bring the kernel set from its state before this batch to the model's state.
     */
    void emit(final NftElementSink sink, final long nowMs)
    {
        if (!rewrite)
        {
            deletes.clear();
            refreshes.clear();
            adds.clear();
            for (int touch = 0, size = touched.size(); touch < size; touch++)
            {
                final long high = touched.high(touch);
                final long low = touched.low(touch);
                final int meta = touched.meta(touch);
                final boolean beforeInKernel = touched.inKernel(touch);
                final int now = store.find(high, low, meta);
                final boolean nowInKernel = NftElementStore.NONE != now && store.inKernel(now);
                if (beforeInKernel && !nowInKernel)
                {
                    deletes.add(high, low, meta, touched.deadlineMs(touch));
                }
                else if (!beforeInKernel && nowInKernel)
                {
                    adds.add(high, low, meta, store.deadlineMs(now));
                }
                else if (beforeInKernel && touched.deadlineMs(touch) != store.deadlineMs(now))
                {
                    refreshes.add(high, low, meta, store.deadlineMs(now));
                }
            }

            if (!(interval && overlaps(adds, deletes)))
            {
                emitIncremental(sink, nowMs);
                return;
            }
        }

        emitRewrite(sink, nowMs);
    }

    void commit()
    {
        touched.clear();
        rewrite = false;
    }

    /**
     * The batch's transaction failed, so the kernel holds what it held before (an nft transaction is all or nothing):
     * every element the batch touched goes back to its state before it, so a refused element is not taken for one
     * the kernel holds, and the next batch (e.g. one half of the failed one) writes only its own changes.
     */
    void abort()
    {
        for (int touch = 0, size = touched.size(); touch < size; touch++)
        {
            final long high = touched.high(touch);
            final long low = touched.low(touch);
            final int meta = touched.meta(touch);
            int element = store.find(high, low, meta);
            if (!touched.existed(touch))
            {
                if (NftElementStore.NONE != element)
                {
                    store.remove(element);
                    lengthCounts[meta & 0xFF]--;
                }
                continue;
            }
            if (NftElementStore.NONE == element)
            {
                element = insert(high, low, meta, touched.deadlineMs(touch), false);
            }
            store.inKernel(element, touched.inKernel(touch));
            store.deadlineMs(element, touched.deadlineMs(touch));
        }
        touched.clear();
    }

    /**
     * Removals first (a refresh is a removal and an add), then additions, each in the order the batch touched them.
     */
    private void emitIncremental(final NftElementSink sink, final long nowMs)
    {
        NftElementList removed = deletes;
        NftElementList added = adds;
        if (!refreshes.isEmpty())
        {
            removals.clear();
            removals.addAll(deletes);
            removals.addAll(refreshes);
            additions.clear();
            additions.addAll(refreshes);
            additions.addAll(adds);
            removed = removals;
            added = additions;
        }
        if (!removed.isEmpty())
        {
            sink.remove(this, removed);
        }
        if (!added.isEmpty())
        {
            sink.add(this, added, nowMs);
        }
    }

    private void emitRewrite(final NftElementSink sink, final long nowMs)
    {
        sink.flush(this);
        final NftElementList maximal = additions;
        final NftElementList expired = removals;
        maximal.clear();
        expired.clear();
        boolean outer = false;
        long outerHigh = 0;
        long outerLow = 0;
        int outerMeta = 0;
        cursor.first();
        for (int element = cursor.next(); NftElementStore.NONE != element; element = cursor.next())
        {
            if (isExpired(element, nowMs))
            {
                touch(element, true, false, store.deadlineMs(element));
                expired.add(store.high(element), store.low(element), store.meta(element), store.deadlineMs(element));
                continue;
            }

            // Sorted by address then length, so anything nested inside a maximal element follows it directly.
            final boolean inKernel = !(interval && outer && store.inside(element, outerHigh, outerLow, outerMeta));
            if (inKernel != store.inKernel(element))
            {
                touch(element, true, store.inKernel(element), store.deadlineMs(element));
            }
            store.inKernel(element, inKernel);
            if (inKernel)
            {
                outer = true;
                outerHigh = store.high(element);
                outerLow = store.low(element);
                outerMeta = store.meta(element);
                maximal.add(outerHigh, outerLow, outerMeta, store.deadlineMs(element));
                if (maximal.size() == REWRITE_CHUNK)
                {
                    sink.add(this, maximal, nowMs);
                    maximal.clear();
                }
            }
        }

        for (int i = 0, size = expired.size(); i < size; i++)
        {
            store.remove(store.find(expired.high(i), expired.low(i), expired.meta(i)));
            lengthCounts[expired.prefixLength(i)]--;
        }

        if (!maximal.isEmpty())
        {
            sink.add(this, maximal, nowMs);
        }
    }

    private void touch(
        final long high, final long low, final int meta, final boolean existed, final boolean inKernel,
        final long deadlineMs)
    {
        touched.touch(high, low, meta, existed, inKernel, deadlineMs);
    }

    private void touch(final int element, final boolean existed, final boolean inKernel, final long deadlineMs)
    {
        touch(store.high(element), store.low(element), store.meta(element), existed, inKernel, deadlineMs);
    }

    /**
     * @return the live element of the key, or {@link NftElementStore#NONE}; an expired one is erased first.
     */
    private int live(final long high, final long low, final int meta, final long nowMs)
    {
        final int element = store.find(high, low, meta);
        if (NftElementStore.NONE != element && isExpired(element, nowMs))
        {
            // The kernel dropped it on its own; nothing to delete, but what it covered may now be uncovered.
            touch(high, low, meta, true, false, store.deadlineMs(element));
            erase(element, nowMs);
            return NftElementStore.NONE;
        }

        return element;
    }

    private int insert(final long high, final long low, final int meta, final long deadlineMs, final boolean inKernel)
    {
        lengthCounts[meta & 0xFF]++;
        return store.insert(high, low, meta, deadlineMs, inKernel ? NftElementStore.IN_KERNEL : 0);
    }

    private void erase(final int element, final long nowMs)
    {
        final long high = store.high(element);
        final long low = store.low(element);
        final int meta = store.meta(element);
        final boolean wasInKernel = store.inKernel(element);
        store.remove(element);
        lengthCounts[meta & 0xFF]--;
        if (interval && wasInKernel)
        {
            innerCursor.seek(high, low, meta);
            for (int inner = innerCursor.next(); NftElementStore.NONE != inner; inner = innerCursor.next())
            {
                if (!store.inside(inner, high, low, meta))
                {
                    break;
                }
                if (!store.inKernel(inner) && !isExpired(inner, nowMs) &&
                    NftElementStore.NONE == containerOf(store.high(inner), store.low(inner), store.meta(inner), nowMs))
                {
                    touch(inner, true, false, store.deadlineMs(inner));
                    store.inKernel(inner, true);
                }
            }
        }
    }

    /**
     * @return a live element strictly containing the prefix, or {@link NftElementStore#NONE}: one look-up per
     * shorter length the set holds.
     */
    private int containerOf(final long high, final long low, final int meta, final long nowMs)
    {
        final int family = meta & ~0xFF;
        for (int length = 0, prefixLength = meta & 0xFF; length < prefixLength; length++)
        {
            if (lengthCounts[length] > 0)
            {
                final int outer =
                    store.find(ElementKey.maskHigh(high, length), ElementKey.maskLow(low, length), family | length);
                if (NftElementStore.NONE != outer && !isExpired(outer, nowMs))
                {
                    return outer;
                }
            }
        }

        return NftElementStore.NONE;
    }

    private boolean isExpired(final int element, final long nowMs)
    {
        final long deadlineMs = store.deadlineMs(element);
        return PERMANENT != deadlineMs && deadlineMs <= nowMs;
    }

    private static boolean overlaps(final NftElementList adds, final NftElementList deletes)
    {
        for (int add = 0; add < adds.size(); add++)
        {
            for (int delete = 0; delete < deletes.size(); delete++)
            {
                if (ElementKey.overlapsOther(adds.high(add), adds.low(add), adds.meta(add),
                    deletes.high(delete), deletes.low(delete), deletes.meta(delete)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
