package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 */
final class NftSetModel
{
    static final long PERMANENT = Long.MAX_VALUE;
    private static final int ELEMENTS_PER_COMMAND = 1024;
    private static final long MILLIS_PER_SECOND = 1000;

    private static final class Element
    {
        final IpPrefix prefix;
        long deadlineMs;
        boolean inKernel;

        Element(final IpPrefix prefix, final long deadlineMs)
        {
            this.prefix = prefix;
            this.deadlineMs = deadlineMs;
        }
    }

    private static final class Before
    {
        final boolean inKernel;
        final long deadlineMs;

        Before(final boolean inKernel, final long deadlineMs)
        {
            this.inKernel = inKernel;
            this.deadlineMs = deadlineMs;
        }
    }

    private final String reference;
    private final boolean interval;
    private final boolean addressOnly;
    private final TreeMap<IpPrefix, Element> elements = new TreeMap<>();
    private final int[] lengthCounts = new int[129];
    private final LinkedHashMap<IpPrefix, Before> touched = new LinkedHashMap<>();
    private final IpPrefix scratch = new IpPrefix();
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
    }

    String reference()
    {
        return reference;
    }

    int size()
    {
        return elements.size();
    }

    void add(final IpPrefix prefix, final long timeoutSeconds, final long nowMs)
    {
        final long deadlineMs = 0 == timeoutSeconds ? PERMANENT : nowMs + timeoutSeconds * MILLIS_PER_SECOND;
        final Element existing = live(prefix, nowMs);
        if (null != existing)
        {
            touch(existing.prefix, existing.inKernel, existing.deadlineMs);
            existing.deadlineMs = deadlineMs;
            return;
        }

        final Element element = new Element(new IpPrefix().set(prefix), deadlineMs);
        touch(element.prefix, false, 0);
        insert(element);
        if (interval && null != containerOf(element.prefix, nowMs))
        {
            return;
        }

        element.inKernel = true;
        if (interval)
        {
            for (final Element inner : containedIn(element.prefix))
            {
                if (inner.inKernel)
                {
                    touch(inner.prefix, true, inner.deadlineMs);
                    inner.inKernel = false;
                }
            }
        }
    }

    void remove(final IpPrefix prefix, final long nowMs)
    {
        final Element element = live(prefix, nowMs);
        if (null != element)
        {
            touch(element.prefix, element.inKernel, element.deadlineMs);
            erase(element, nowMs);
        }
    }

    void clear()
    {
        elements.clear();
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
        if (!rewrite)
        {
            final List<IpPrefix> deletes = new ArrayList<>();
            final List<Element> refreshes = new ArrayList<>();
            final List<Element> adds = new ArrayList<>();
            for (final Map.Entry<IpPrefix, Before> entry : touched.entrySet())
            {
                final Before before = entry.getValue();
                final Element now = elements.get(entry.getKey());
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
                emitIncremental(script, deletes, refreshes, adds, nowMs);
                return;
            }
        }

        emitRewrite(script, nowMs);
    }

    void commit()
    {
        touched.clear();
        rewrite = false;
    }

    void abort()
    {
        touched.clear();
        rewrite = true;
    }

    private void emitIncremental(
        final StringBuilder script,
        final List<IpPrefix> deletes,
        final List<Element> refreshes,
        final List<Element> adds,
        final long nowMs)
    {
        final List<IpPrefix> removals = new ArrayList<>(deletes);
        for (final Element element : refreshes)
        {
            removals.add(element.prefix);
        }

        // Adding first makes the delete succeed even if the kernel already expired the element.
        for (int from = 0; from < removals.size(); from += ELEMENTS_PER_COMMAND)
        {
            final int to = Math.min(removals.size(), from + ELEMENTS_PER_COMMAND);
            script.append("add element ").append(reference).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(script, removals.get(i), i > from);
                script.append(" timeout 1s");
            }
            script.append(" }\ndelete element ").append(reference).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(script, removals.get(i), i > from);
            }
            script.append(" }\n");
        }

        final List<Element> additions = new ArrayList<>(refreshes);
        additions.addAll(adds);
        appendAdds(script, additions, nowMs);
    }

    private void emitRewrite(final StringBuilder script, final long nowMs)
    {
        script.append("flush set ").append(reference).append('\n');
        final List<Element> maximal = new ArrayList<>(elements.size());
        final List<Element> expired = new ArrayList<>();
        Element outer = null;
        for (final Element element : elements.values())
        {
            if (isExpired(element, nowMs))
            {
                expired.add(element);
                continue;
            }

            // Sorted by address then length, so anything nested inside a maximal element follows it directly.
            element.inKernel = !(interval && null != outer && outer.prefix.contains(element.prefix));
            if (element.inKernel)
            {
                outer = element;
                maximal.add(element);
            }
        }

        for (final Element element : expired)
        {
            elements.remove(element.prefix);
            lengthCounts[element.prefix.prefixLength()]--;
        }

        appendAdds(script, maximal, nowMs);
    }

    private void appendAdds(final StringBuilder script, final List<Element> additions, final long nowMs)
    {
        for (int from = 0; from < additions.size(); from += ELEMENTS_PER_COMMAND)
        {
            final int to = Math.min(additions.size(), from + ELEMENTS_PER_COMMAND);
            script.append("add element ").append(reference).append(" { ");
            for (int i = from; i < to; i++)
            {
                final Element element = additions.get(i);
                appendElement(script, element.prefix, i > from);
                if (PERMANENT != element.deadlineMs)
                {
                    final long remainingMs = Math.max(MILLIS_PER_SECOND, element.deadlineMs - nowMs);
                    script.append(" timeout ");
                    appendDuration(script, (remainingMs + MILLIS_PER_SECOND - 1) / MILLIS_PER_SECOND);
                }
            }
            script.append(" }\n");
        }
    }

    private void appendElement(final StringBuilder script, final IpPrefix prefix, final boolean comma)
    {
        if (comma)
        {
            script.append(", ");
        }

        if (addressOnly)
        {
            AddressText.appendAddress(prefix.family(), prefix.copyAddress(), script);
        }
        else
        {
            AddressText.append(prefix, script);
        }
    }

    /**
     * nft parses a bare seconds count into a 32-bit millisecond field, so large values must be split into units.
     */
    static void appendDuration(final StringBuilder out, final long seconds)
    {
        final long days = seconds / 86_400;
        final long hours = seconds / 3_600 % 24;
        final long minutes = seconds / 60 % 60;
        final long secs = seconds % 60;
        if (days > 0)
        {
            out.append(days).append('d');
        }
        if (hours > 0)
        {
            out.append(hours).append('h');
        }
        if (minutes > 0)
        {
            out.append(minutes).append('m');
        }
        if (secs > 0 || 0 == seconds)
        {
            out.append(secs).append('s');
        }
    }

    private void touch(final IpPrefix prefix, final boolean inKernel, final long deadlineMs)
    {
        touched.putIfAbsent(prefix, new Before(inKernel, deadlineMs));
    }

    private Element live(final IpPrefix prefix, final long nowMs)
    {
        final Element element = elements.get(prefix);
        if (null != element && isExpired(element, nowMs))
        {
            // The kernel dropped it on its own; nothing to delete, but what it covered may now be uncovered.
            touch(element.prefix, false, 0);
            erase(element, nowMs);
            return null;
        }

        return element;
    }

    private void insert(final Element element)
    {
        elements.put(element.prefix, element);
        lengthCounts[element.prefix.prefixLength()]++;
    }

    private void erase(final Element element, final long nowMs)
    {
        elements.remove(element.prefix);
        lengthCounts[element.prefix.prefixLength()]--;
        if (interval && element.inKernel)
        {
            element.inKernel = false;
            for (final Element inner : containedIn(element.prefix))
            {
                if (!inner.inKernel && !isExpired(inner, nowMs) && null == containerOf(inner.prefix, nowMs))
                {
                    touch(inner.prefix, false, inner.deadlineMs);
                    inner.inKernel = true;
                }
            }
        }
    }

    /**
     * @return a live element strictly containing the prefix, or null.
     */
    private Element containerOf(final IpPrefix prefix, final long nowMs)
    {
        for (int length = 0; length < prefix.prefixLength(); length++)
        {
            if (lengthCounts[length] > 0)
            {
                scratch.set(prefix).maskTo(length);
                final Element outer = elements.get(scratch);
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
    private List<Element> containedIn(final IpPrefix prefix)
    {
        final List<Element> inner = new ArrayList<>();
        for (final Element element : elements.tailMap(prefix, false).values())
        {
            if (!prefix.contains(element.prefix))
            {
                break;
            }
            inner.add(element);
        }

        return inner;
    }

    private static boolean overlaps(final List<Element> adds, final List<IpPrefix> deletes)
    {
        for (final Element add : adds)
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

    private static boolean isExpired(final Element element, final long nowMs)
    {
        return PERMANENT != element.deadlineMs && element.deadlineMs <= nowMs;
    }
}
