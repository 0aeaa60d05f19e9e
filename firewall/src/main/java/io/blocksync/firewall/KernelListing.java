package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.HashMap;
import java.util.Map;

/**
 * What the kernel holds, per object: each element's prefix (host bits clear) and its kernel time left in seconds
 * ({@link #PERMANENT} for an element without timeout, {@link #UNKNOWN} where the filter has no timeouts, e.g. pf).
 * Built by a backend's {@link FirewallBackend#list()} on the worker thread.
 */
public final class KernelListing
{
    public static final long PERMANENT = Long.MAX_VALUE;
    public static final long UNKNOWN = -1;

    private final Map<String, Map<IpPrefix, Long>> objects = new HashMap<>();
    private final Map<String, boolean[]> lengths = new HashMap<>();
    private int size;

    /**
     * @param object        the object, as {@link FirewallBackend#objectFor} names it.
     * @param prefix        copied.
     * @param secondsLeft   kernel time left, {@link #PERMANENT} or {@link #UNKNOWN}.
     */
    public void add(final String object, final IpPrefix prefix, final long secondsLeft)
    {
        final IpPrefix copy = new IpPrefix().set(prefix);
        if (null == objects.computeIfAbsent(object, (name) -> new HashMap<>()).put(copy, secondsLeft))
        {
            size++;
        }
        lengths.computeIfAbsent(object, (name) -> new boolean[129])[copy.prefixLength()] = true;
    }

    /**
     * Declare an object that exists and is empty (an object never declared is treated as empty too).
     */
    public void object(final String object)
    {
        objects.computeIfAbsent(object, (name) -> new HashMap<>());
    }

    /**
     * @return the element's kernel time left; for a prefix held only inside a shorter element of the same object
     * (nested bans in an interval set keep only the outer one), that one's; null when nothing covers it.
     */
    Long coverage(final String object, final IpPrefix prefix, final IpPrefix scratch)
    {
        final Map<IpPrefix, Long> elements = objects.get(object);
        if (null == elements)
        {
            return null;
        }
        final Long exact = elements.get(prefix);
        if (null != exact)
        {
            return exact;
        }

        final boolean[] present = lengths.get(object);
        if (null == present)
        {
            return null;
        }
        for (int length = 0; length < prefix.prefixLength(); length++)
        {
            if (present[length])
            {
                final Long outer = elements.get(scratch.set(prefix).maskTo(length));
                if (null != outer)
                {
                    return outer;
                }
            }
        }

        return null;
    }

    Map<String, Map<IpPrefix, Long>> objects()
    {
        return objects;
    }

    /**
     * @return elements over every object.
     */
    public int size()
    {
        return size;
    }
}
