package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.NftSetDump;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * The elements live off the heap ({@link NftElementStore}: 32 bytes each, in address order, so the elements nested
 * in a prefix are the run that follows it); only the elements one batch touches have objects, for as long as the
 * batch. Worker thread only.
 */
final class NftSetModel
{
    static final long PERMANENT = Long.MAX_VALUE;
    private static final long MILLIS_PER_SECOND = 1000;
    /** Elements per list handed to the sink by a rewrite, so a rewrite of a large set holds few objects at once. */
    private static final int REWRITE_CHUNK = 4096;

    private final String reference;
    private final boolean interval;
    private final boolean addressOnly;
    /** The reference's parts as netlink names them: NFPROTO number, table and set name (ASCII). */
    private final int familyNumber;
    private final byte[] table;
    private final byte[] name;
    private final NftElementStore store = new NftElementStore();
    private final NftElementStore.Cursor cursor = store.new Cursor();
    private final NftElementStore.Cursor innerCursor = store.new Cursor();
    private final int[] lengthCounts = new int[129];
    private final LinkedHashMap<IpPrefix, NftElement.Before> touched = new LinkedHashMap<>();
    private final IpPrefix lookup = new IpPrefix();
    private final byte[] addressScratch = new byte[16];
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
            final List<IpPrefix> deletes = new ArrayList<>();
            final List<NftElement> refreshes = new ArrayList<>();
            final List<NftElement> adds = new ArrayList<>();
            for (final Map.Entry<IpPrefix, NftElement.Before> entry : touched.entrySet())
            {
                final NftElement.Before before = entry.getValue();
                final IpPrefix prefix = entry.getKey();
                final int now = find(prefix);
                final boolean nowInKernel = NftElementStore.NONE != now && store.inKernel(now);
                if (before.inKernel && !nowInKernel)
                {
                    deletes.add(prefix);
                }
                else if (!before.inKernel && nowInKernel)
                {
                    adds.add(new NftElement(prefix, store.deadlineMs(now)));
                }
                else if (before.inKernel && before.deadlineMs != store.deadlineMs(now))
                {
                    refreshes.add(new NftElement(prefix, store.deadlineMs(now)));
                }
            }

            if (!(interval && overlaps(adds, deletes)))
            {
                emitIncremental(sink, deletes, refreshes, adds, nowMs);
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
        for (final Map.Entry<IpPrefix, NftElement.Before> entry : touched.entrySet())
        {
            final NftElement.Before before = entry.getValue();
            final IpPrefix prefix = entry.getKey();
            int element = find(prefix);
            if (!before.existed)
            {
                if (NftElementStore.NONE != element)
                {
                    store.remove(element);
                    lengthCounts[prefix.prefixLength()]--;
                }
                continue;
            }
            if (NftElementStore.NONE == element)
            {
                element = insert(ElementKey.high(prefix), ElementKey.low(prefix), ElementKey.prefixBits(prefix),
                    before.deadlineMs, false);
            }
            store.inKernel(element, before.inKernel);
            store.deadlineMs(element, before.deadlineMs);
        }
        touched.clear();
    }

    private void emitIncremental(
        final NftElementSink sink,
        final List<IpPrefix> deletes,
        final List<NftElement> refreshes,
        final List<NftElement> adds,
        final long nowMs)
    {
        final List<IpPrefix> removals = new ArrayList<>(deletes);
        for (final NftElement element : refreshes)
        {
            removals.add(element.prefix);
        }
        if (!removals.isEmpty())
        {
            sink.remove(this, removals);
        }

        final List<NftElement> additions = new ArrayList<>(refreshes);
        additions.addAll(adds);
        if (!additions.isEmpty())
        {
            sink.add(this, additions, nowMs);
        }
    }

    private void emitRewrite(final NftElementSink sink, final long nowMs)
    {
        sink.flush(this);
        List<NftElement> maximal = new ArrayList<>(Math.min(REWRITE_CHUNK, store.size()));
        final List<IpPrefix> expired = new ArrayList<>();
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
                expired.add(prefixOf(element, new IpPrefix()));
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
                maximal.add(new NftElement(prefixOf(element, new IpPrefix()), store.deadlineMs(element)));
                if (maximal.size() == REWRITE_CHUNK)
                {
                    sink.add(this, maximal, nowMs);
                    maximal = new ArrayList<>(REWRITE_CHUNK);
                }
            }
        }

        for (final IpPrefix prefix : expired)
        {
            store.remove(find(prefix));
            lengthCounts[prefix.prefixLength()]--;
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
        ElementKey.toPrefix(high, low, meta, lookup, addressScratch);
        if (!touched.containsKey(lookup))
        {
            touched.put(new IpPrefix().set(lookup), new NftElement.Before(existed, inKernel, deadlineMs));
        }
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

    private int find(final IpPrefix prefix)
    {
        return store.find(ElementKey.high(prefix), ElementKey.low(prefix), ElementKey.prefixBits(prefix));
    }

    private IpPrefix prefixOf(final int element, final IpPrefix into)
    {
        return ElementKey.toPrefix(store.high(element), store.low(element), store.meta(element), into, addressScratch);
    }

    private boolean isExpired(final int element, final long nowMs)
    {
        final long deadlineMs = store.deadlineMs(element);
        return PERMANENT != deadlineMs && deadlineMs <= nowMs;
    }

    private static boolean overlaps(final List<NftElement> adds, final List<IpPrefix> deletes)
    {
        for (final NftElement add : adds)
        {
            for (final IpPrefix deleted : deletes)
            {
                if (add.prefix.overlaps(deleted) && !add.prefix.equals(deleted))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
