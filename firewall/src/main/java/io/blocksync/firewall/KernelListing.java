package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * What the kernel holds, per object: each element's prefix (host bits clear) and its kernel time left in seconds
 * ({@link #PERMANENT} for an element without timeout, {@link #UNKNOWN} where the filter has no timeouts, e.g. pf).
 * Flat: per object, parallel primitive arrays (packed prefix as in {@link ElementKey}, time left) and an
 * open-addressing index, ~48 bytes an element and no object per element, so a listing of 100,000 elements is a few
 * MB of arrays rather than a map of boxed keys. Filled by one thread (the listing thread or the worker) and handed
 * over whole; {@link #consistent()} says whether the kernel changed the objects while they were being listed.
 */
public final class KernelListing
{
    public static final long PERMANENT = Long.MAX_VALUE;
    public static final long UNKNOWN = -1;
    /** {@link #secondsLeft(int, int)} of an element that is not listed. */
    static final long ABSENT = Long.MIN_VALUE;

    /**
     * Which elements a commit wrote after the listing started: the listing judges none of them.
     */
    @FunctionalInterface
    public interface Changed
    {
        Changed NONE = (object, key) -> false;

        /**
         * @param object as {@link FirewallBackend#objectFor} names it.
         * @param prefix as {@link ElementKey} packs it.
         */
        boolean since(String object, ElementKey prefix);
    }

    private final ArrayList<ObjectElements> objects = new ArrayList<>();
    private final ElementKey key = new ElementKey();
    private int size;
    private boolean consistent = true;

    /**
     * @param object        the object, as {@link FirewallBackend#objectFor} names it.
     * @param prefix        read, not kept.
     * @param secondsLeft   kernel time left, {@link #PERMANENT} or {@link #UNKNOWN}.
     */
    public void add(final String object, final IpPrefix prefix, final long secondsLeft)
    {
        add(object, key.set(prefix), secondsLeft);
    }

    /**
     * @param prefix as {@link ElementKey} packs it, host bits clear.
     */
    void add(final String object, final ElementKey prefix, final long secondsLeft)
    {
        if (objectElements(object).put(prefix, secondsLeft))
        {
            size++;
        }
    }

    /**
     * An interval the object holds that is not a prefix, e.g. {@code 198.51.100.3-198.51.100.9} added by hand to an
     * nft interval set: blocksync writes only prefixes, so it is someone else's, and it is deleted exactly as
     * written here where blocksync owns the object's contents.
     *
     * @param range {@code first-last} as nft writes and accepts it, both ends included.
     */
    void addRange(final String object, final String range)
    {
        objectElements(object).ranges.add(range);
        size++;
    }

    /**
     * @return how many intervals that are not prefixes the object holds ({@link #addRange}).
     */
    int rangeCount(final int object)
    {
        return objects.get(object).ranges.size();
    }

    /**
     * @return the object's interval {@code range} as {@code first-last}.
     */
    String range(final int object, final int range)
    {
        return objects.get(object).ranges.get(range);
    }

    /**
     * Declare an object that exists and is empty (an object never declared is treated as empty too).
     */
    public void object(final String object)
    {
        objectElements(object);
    }

    /**
     * The kernel changed the objects while they were listed (a netlink dump interrupted, {@code NLM_F_DUMP_INTR}):
     * elements may be missing from the listing although the kernel holds them.
     */
    void inconsistent()
    {
        consistent = false;
    }

    boolean consistent()
    {
        return consistent;
    }

    /**
     * @return the element's kernel time left; for a prefix held only inside a shorter element of the same object
     * (nested bans in an interval set keep only the outer one), that one's; {@link #ABSENT} when nothing covers it.
     */
    long coverage(final String object, final ElementKey prefix)
    {
        final int index = indexOf(object);
        if (index < 0)
        {
            return ABSENT;
        }
        final ObjectElements elements = objects.get(index);
        final int exact = elements.find(prefix.high, prefix.low, prefix.prefixBits, prefix.hash);
        if (exact >= 0)
        {
            return elements.left[exact];
        }

        final int family = prefix.prefixBits >>> 8;
        final int length = prefix.prefixBits & 0xFF;
        for (int outer = 0; outer < length; outer++)
        {
            if (elements.lengths[outer])
            {
                final long high = mask(prefix.high, outer);
                final long low = mask(prefix.low, outer - 64);
                final int bits = family << 8 | outer;
                final int found = elements.find(high, low, bits, ElementKey.hash(high, low, bits));
                if (found >= 0)
                {
                    return elements.left[found];
                }
            }
        }

        return ABSENT;
    }

    int objectCount()
    {
        return objects.size();
    }

    String objectName(final int object)
    {
        return objects.get(object).name;
    }

    /**
     * @return the object's index, or -1 when it was not listed.
     */
    int indexOf(final String object)
    {
        for (int i = 0, count = objects.size(); i < count; i++)
        {
            if (objects.get(i).name.equals(object))
            {
                return i;
            }
        }
        return -1;
    }

    int elementCount(final int object)
    {
        return objects.get(object).count;
    }

    /**
     * @return element {@code element} of the object, packed into {@code into}.
     */
    ElementKey element(final int object, final int element, final ElementKey into)
    {
        final ObjectElements elements = objects.get(object);
        return into.set(elements.high[element], elements.low[element], elements.bits[element]);
    }

    /**
     * @return the exact element's time left in the object, {@link #ABSENT} if not listed.
     */
    long exact(final int object, final ElementKey prefix)
    {
        final ObjectElements elements = objects.get(object);
        final int found = elements.find(prefix.high, prefix.low, prefix.prefixBits, prefix.hash);
        return found < 0 ? ABSENT : elements.left[found];
    }

    long secondsLeft(final int object, final int element)
    {
        return objects.get(object).left[element];
    }

    /**
     * @return elements over every object.
     */
    public int size()
    {
        return size;
    }

    private ObjectElements objectElements(final String object)
    {
        final int index = indexOf(object);
        if (index >= 0)
        {
            return objects.get(index);
        }
        final ObjectElements elements = new ObjectElements(object);
        objects.add(elements);
        return elements;
    }

    /**
     * @param bits how many leading bits of the word to keep (≤ 0 keeps none, ≥ 64 all).
     */
    private static long mask(final long word, final int bits)
    {
        return bits <= 0 ? 0 : bits >= 64 ? word : word & (-1L << (64 - bits));
    }

    /**
     * One object's elements in parallel arrays with a linear-probing index (element id + 1, 0 empty).
     */
    private static final class ObjectElements
    {
        private static final int INITIAL_CAPACITY = 16;

        final String name;
        /** Intervals that are not prefixes: rare (never blocksync's), so a plain list. */
        final ArrayList<String> ranges = new ArrayList<>(0);
        final boolean[] lengths = new boolean[129];
        long[] high = new long[INITIAL_CAPACITY];
        long[] low = new long[INITIAL_CAPACITY];
        int[] bits = new int[INITIAL_CAPACITY];
        long[] left = new long[INITIAL_CAPACITY];
        int[] index = new int[2 * INITIAL_CAPACITY];
        int count;

        ObjectElements(final String name)
        {
            this.name = name;
        }

        int find(final long high, final long low, final int bits, final int hash)
        {
            final int mask = index.length - 1;
            for (int slot = hash & mask; 0 != index[slot]; slot = (slot + 1) & mask)
            {
                final int id = index[slot] - 1;
                if (this.bits[id] == bits && this.high[id] == high && this.low[id] == low)
                {
                    return id;
                }
            }
            return -1;
        }

        /**
         * @return true if the prefix was new (a repeated one keeps the last time left).
         */
        boolean put(final ElementKey key, final long secondsLeft)
        {
            final int found = find(key.high, key.low, key.prefixBits, key.hash);
            if (found >= 0)
            {
                left[found] = secondsLeft;
                return false;
            }
            if (count == high.length)
            {
                final int capacity = 2 * high.length;
                high = Arrays.copyOf(high, capacity);
                low = Arrays.copyOf(low, capacity);
                bits = Arrays.copyOf(bits, capacity);
                left = Arrays.copyOf(left, capacity);
                rehash(2 * capacity);
            }
            final int id = count++;
            high[id] = key.high;
            low[id] = key.low;
            bits[id] = key.prefixBits;
            left[id] = secondsLeft;
            lengths[key.prefixBits & 0xFF] = true;
            insert(index, id, key.hash);
            return true;
        }

        private void rehash(final int capacity)
        {
            final int[] fresh = new int[capacity];
            for (int id = 0; id < count; id++)
            {
                insert(fresh, id, ElementKey.hash(high[id], low[id], bits[id]));
            }
            index = fresh;
        }

        private static void insert(final int[] index, final int id, final int hash)
        {
            final int mask = index.length - 1;
            int slot = hash & mask;
            while (0 != index[slot])
            {
                slot = (slot + 1) & mask;
            }
            index[slot] = id + 1;
        }
    }
}
