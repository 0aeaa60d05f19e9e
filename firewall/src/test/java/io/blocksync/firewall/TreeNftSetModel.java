package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The set model as it was before its elements moved off the heap ({@link NftElementStore}): a TreeMap of element
 * objects, kept as the reference the property test compares {@link NftSetModel} with: only the element logic, it
 * writes into the same {@link NftElementSink} (with a null set). The rest of this comment is the original's.
 * <p>
 * What one nftables set should hold, so the backend can turn a batch into commands the kernel accepts.
 * <p>
 * Two facts of nftables shape it. An interval set refuses overlapping elements ("interval overlaps with an existing
 * one" fails the whole transaction), so of nested bans only the outermost ones (maximal) go into the kernel and the
 * inner ones wait here until their container is lifted. And re-adding an existing element does not refresh its
 * timeout on older kernels, while deleting a missing one fails; so a known element is refreshed with
 * {@code add (1s); delete; add (T)} and a removal is {@code add (1s); delete}, which succeed whether or not the kernel
 * still holds it. When a batch would both delete and add overlapping elements (which nft 1.0.6 rejects even in one
 * transaction), the set is rewritten instead: {@code flush set} and every maximal element, atomically.
 */
final class TreeNftSetModel
{
    /** One element: a prefix, when it ends, and whether the kernel holds it. */
    static final class NftElement
    {
        final IpPrefix prefix;
        long deadlineMs;
        boolean inKernel;

        NftElement(final IpPrefix prefix, final long deadlineMs)
        {
            this.prefix = prefix;
            this.deadlineMs = deadlineMs;
        }
    }

    /** How an element stood before the batch being written. */
    static final class Before
    {
        final boolean existed;
        final boolean inKernel;
        final long deadlineMs;

        Before(final boolean existed, final boolean inKernel, final long deadlineMs)
        {
            this.existed = existed;
            this.inKernel = inKernel;
            this.deadlineMs = deadlineMs;
        }
    }

    static final long PERMANENT = Long.MAX_VALUE;
    private static final long MILLIS_PER_SECOND = 1000;

    private final String reference;
    private final boolean interval;
    private final TreeMap<IpPrefix, NftElement> elements = new TreeMap<>();
    private final int[] lengthCounts = new int[129];
    private final LinkedHashMap<IpPrefix, Before> touched = new LinkedHashMap<>();
    private final IpPrefix scratch = new IpPrefix();
    private final IpPrefix adoptScratch = new IpPrefix();
    private boolean rewrite;

    /**
     * @param reference {@code family table set} as nft commands name it.
     * @param interval  the set has {@code flags interval}: elements are prefixes and must not overlap.
     */
    TreeNftSetModel(final String reference, final boolean interval)
    {
        this.reference = reference;
        this.interval = interval;
    }

    int size()
    {
        return elements.size();
    }

    void add(final IpPrefix prefix, final long timeoutSeconds, final long nowMs)
    {
        final long deadlineMs = 0 == timeoutSeconds ? PERMANENT : nowMs + timeoutSeconds * MILLIS_PER_SECOND;
        NftElement element = live(prefix, nowMs);
        if (null != element)
        {
            touch(element.prefix, true, element.inKernel, element.deadlineMs);
            element.deadlineMs = deadlineMs;
            if (element.inKernel)
            {
                return;
            }
        }
        else
        {
            element = new NftElement(new IpPrefix().set(prefix), deadlineMs);
            touch(element.prefix, false, false, 0);
            insert(element);
        }
        if (interval && null != containerOf(element.prefix, nowMs))
        {
            return;
        }

        element.inKernel = true;
        if (interval)
        {
            for (final NftElement inner : containedIn(element.prefix))
            {
                if (inner.inKernel)
                {
                    touch(inner.prefix, true, true, inner.deadlineMs);
                    inner.inKernel = false;
                }
            }
        }
    }

    void remove(final IpPrefix prefix, final long nowMs)
    {
        final NftElement element = live(prefix, nowMs);
        if (null != element)
        {
            touch(element.prefix, true, element.inKernel, element.deadlineMs);
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
        for (final NftElement element : listing.consistent() ? elements.values() : List.<NftElement>of())
        {
            key.set(element.prefix);
            if (element.inKernel && KernelListing.ABSENT == listing.exact(object, key) &&
                !changed.since(reference, key))
            {
                element.inKernel = false;
            }
        }
        final byte[] scratch = new byte[16];
        for (int i = 0, count = listing.elementCount(object); i < count; i++)
        {
            listing.element(object, i, key);
            if (changed.since(reference, key))
            {
                continue;
            }
            final long left = listing.secondsLeft(object, i);
            final long deadlineMs = KernelListing.PERMANENT == left ? PERMANENT : nowMs + left * MILLIS_PER_SECOND;
            final IpPrefix prefix = ElementKey.toPrefix(key.high, key.low, key.prefixBits, scratch16(), scratch);
            NftElement element = elements.get(prefix);
            if (null == element)
            {
                element = new NftElement(new IpPrefix().set(prefix), deadlineMs);
                insert(element);
            }
            element.inKernel = true;
            element.deadlineMs = deadlineMs;
        }
        touched.clear();
        // A rewrite pending from a failed commit stays unless the listing saw every element as it is now.
        rewrite &= KernelListing.Changed.NONE != changed;
    }

    private IpPrefix scratch16()
    {
        return adoptScratch;
    }

    void clear()
    {
        elements.clear();
        Arrays.fill(lengthCounts, 0);
        touched.clear();
        rewrite = false;
    }

    /**
     * The next {@link #emit} writes the whole set, e.g. after a failed transaction left the
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
     * Write the changes that bring the kernel set from its state before this batch to the model's state.
     */
    void emit(final NftElementSink sink, final long nowMs)
    {
        if (!rewrite)
        {
            final List<IpPrefix> deletes = new ArrayList<>();
            final List<NftElement> refreshes = new ArrayList<>();
            final List<NftElement> adds = new ArrayList<>();
            for (final Map.Entry<IpPrefix, Before> entry : touched.entrySet())
            {
                final Before before = entry.getValue();
                final NftElement now = elements.get(entry.getKey());
                final boolean nowInKernel = null != now && now.inKernel;
                if (before.inKernel && !nowInKernel)
                {
                    deletes.add(entry.getKey());
                }
                else if (!before.inKernel && nowInKernel)
                {
                    adds.add(now);
                }
                else if (before.inKernel && before.deadlineMs != now.deadlineMs)
                {
                    refreshes.add(now);
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
        for (final Map.Entry<IpPrefix, Before> entry : touched.entrySet())
        {
            final Before before = entry.getValue();
            NftElement element = elements.get(entry.getKey());
            if (!before.existed)
            {
                if (null != element)
                {
                    elements.remove(element.prefix);
                    lengthCounts[element.prefix.prefixLength()]--;
                }
                continue;
            }
            if (null == element)
            {
                element = new NftElement(entry.getKey(), before.deadlineMs);
                insert(element);
            }
            element.inKernel = before.inKernel;
            element.deadlineMs = before.deadlineMs;
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
            final NftElementList list = new NftElementList();
            removals.forEach((prefix) -> list.add(prefix, 0));
            sink.remove(null, list);
        }

        final List<NftElement> additions = new ArrayList<>(refreshes);
        additions.addAll(adds);
        if (!additions.isEmpty())
        {
            sink.add(null, list(additions), nowMs);
        }
    }

    private void emitRewrite(final NftElementSink sink, final long nowMs)
    {
        sink.flush(null);
        final List<NftElement> maximal = new ArrayList<>(elements.size());
        final List<NftElement> expired = new ArrayList<>();
        NftElement outer = null;
        for (final NftElement element : elements.values())
        {
            if (isExpired(element, nowMs))
            {
                touch(element.prefix, true, false, element.deadlineMs);
                expired.add(element);
                continue;
            }

            // Sorted by address then length, so anything nested inside a maximal element follows it directly.
            final boolean inKernel = !(interval && null != outer && outer.prefix.contains(element.prefix));
            if (inKernel != element.inKernel)
            {
                touch(element.prefix, true, element.inKernel, element.deadlineMs);
            }
            element.inKernel = inKernel;
            if (element.inKernel)
            {
                outer = element;
                maximal.add(element);
            }
        }

        for (final NftElement element : expired)
        {
            elements.remove(element.prefix);
            lengthCounts[element.prefix.prefixLength()]--;
        }

        if (!maximal.isEmpty())
        {
            sink.add(null, list(maximal), nowMs);
        }
    }

    private static NftElementList list(final List<NftElement> elements)
    {
        final NftElementList list = new NftElementList();
        elements.forEach((element) -> list.add(element.prefix, element.deadlineMs));
        return list;
    }

    private void touch(final IpPrefix prefix, final boolean existed, final boolean inKernel, final long deadlineMs)
    {
        touched.putIfAbsent(prefix, new Before(existed, inKernel, deadlineMs));
    }

    private NftElement live(final IpPrefix prefix, final long nowMs)
    {
        final NftElement element = elements.get(prefix);
        if (null != element && isExpired(element, nowMs))
        {
            // The kernel dropped it on its own; nothing to delete, but what it covered may now be uncovered.
            touch(element.prefix, true, false, element.deadlineMs);
            erase(element, nowMs);
            return null;
        }

        return element;
    }

    private void insert(final NftElement element)
    {
        elements.put(element.prefix, element);
        lengthCounts[element.prefix.prefixLength()]++;
    }

    private void erase(final NftElement element, final long nowMs)
    {
        elements.remove(element.prefix);
        lengthCounts[element.prefix.prefixLength()]--;
        if (interval && element.inKernel)
        {
            element.inKernel = false;
            for (final NftElement inner : containedIn(element.prefix))
            {
                if (!inner.inKernel && !isExpired(inner, nowMs) && null == containerOf(inner.prefix, nowMs))
                {
                    touch(inner.prefix, true, false, inner.deadlineMs);
                    inner.inKernel = true;
                }
            }
        }
    }

    /**
     * @return a live element strictly containing the prefix, or null.
     */
    private NftElement containerOf(final IpPrefix prefix, final long nowMs)
    {
        for (int length = 0; length < prefix.prefixLength(); length++)
        {
            if (lengthCounts[length] > 0)
            {
                scratch.set(prefix).maskTo(length);
                final NftElement outer = elements.get(scratch);
                if (null != outer && !isExpired(outer, nowMs))
                {
                    return outer;
                }
            }
        }

        return null;
    }

    /**
     * @return elements strictly inside the prefix, in address order.
     */
    private List<NftElement> containedIn(final IpPrefix prefix)
    {
        final List<NftElement> inner = new ArrayList<>();
        for (final NftElement element : elements.tailMap(prefix, false).values())
        {
            if (!prefix.contains(element.prefix))
            {
                break;
            }
            inner.add(element);
        }

        return inner;
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

    private static boolean isExpired(final NftElement element, final long nowMs)
    {
        return PERMANENT != element.deadlineMs && element.deadlineMs <= nowMs;
    }
}
