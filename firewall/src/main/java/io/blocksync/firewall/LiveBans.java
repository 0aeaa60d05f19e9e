package io.blocksync.firewall;

import java.util.Arrays;

import static io.blocksync.firewall.ElementTable.NONE;

/**
 * The worker's view of what should be in the firewall: every ban it was given that has not been removed or expired,
 * keyed by ban identity (prefix and reason), with its deadline on the worker's nano clock. Flat: per ban id its
 * reason, deadline, creation sequence, the kernel element it keeps ({@link ElementTable}, which holds the prefix) and
 * the next member ban of that element; an open-addressing index by prefix and reason; a binary min-heap by
 * (deadline, sequence) for expiry (so backends without kernel timeouts, such as pf, lose bans on time). 36 bytes
 * a ban. Worker thread only.
 */
final class LiveBans
{
    static final long PERMANENT = Long.MAX_VALUE;

    private static final int INITIAL_CAPACITY = 64;
    private static final float LOAD_FACTOR = 0.6f;

    private final ElementTable elements;
    private long[] reason = new long[INITIAL_CAPACITY];
    private long[] deadlineNanos = new long[INITIAL_CAPACITY];
    private int[] sequence = new int[INITIAL_CAPACITY];
    private int[] element = new int[INITIAL_CAPACITY];
    /** Next member of the same element; the free list reuses it. */
    private int[] memberNext = new int[INITIAL_CAPACITY];
    private int[] heapPosition = new int[INITIAL_CAPACITY];
    private int[] heap = new int[INITIAL_CAPACITY];
    /** Ban id + 1 per slot, 0 for empty. */
    private int[] index = new int[2 * INITIAL_CAPACITY];
    private final ElementKey probe = new ElementKey();
    private int size;
    private int highWater;
    private int freeHead = NONE;
    private int nextSequence;

    LiveBans(final ElementTable elements)
    {
        this.elements = elements;
    }

    /**
     * @return the live ban of that prefix and reason, or {@link ElementTable#NONE}.
     */
    int find(final ElementKey key, final long reason)
    {
        final int mask = index.length - 1;
        for (int slot = hash(key.hash, reason) & mask; 0 != index[slot]; slot = (slot + 1) & mask)
        {
            final int id = index[slot] - 1;
            if (this.reason[id] == reason && elements.samePrefix(element[id], key))
            {
                return id;
            }
        }
        return NONE;
    }

    /**
     * A new live ban (not yet in the view) that keeps the element.
     *
     * @return its id.
     */
    int add(final int elementId, final ElementKey key, final long reason, final long deadlineNanos)
    {
        if (NONE == freeHead && highWater == this.reason.length)
        {
            grow(this.reason.length + (this.reason.length >> 1));
        }
        if (size + 1 > LOAD_FACTOR * index.length)
        {
            rehash(2 * index.length);
        }
        final int id;
        if (NONE != freeHead)
        {
            id = freeHead;
            freeHead = memberNext[id];
        }
        else
        {
            id = highWater++;
        }
        this.reason[id] = reason;
        this.deadlineNanos[id] = deadlineNanos;
        sequence[id] = nextSequence++;
        element[id] = elementId;
        memberNext[id] = elements.memberHead[elementId];
        elements.memberHead[elementId] = id;
        ProbeIndex.insert(index, id, hash(key.hash, reason));
        heap[size] = id;
        heapPosition[id] = size;
        size++;
        siftUp(size - 1);
        return id;
    }

    void deadline(final int id, final long deadlineNanos)
    {
        final long old = this.deadlineNanos[id];
        this.deadlineNanos[id] = deadlineNanos;
        if (deadlineNanos < old)
        {
            siftUp(heapPosition[id]);
        }
        else
        {
            siftDown(heapPosition[id]);
        }
    }

    int element(final int id)
    {
        return element[id];
    }

    /**
     * Forget the ban; it no longer keeps its element.
     *
     * @return the element it kept.
     */
    int remove(final int id)
    {
        final int elementId = element[id];
        unlinkMember(elementId, id);
        unindex(id);
        final int position = heapPosition[id];
        final int last = heap[--size];
        if (position != size)
        {
            heap[position] = last;
            heapPosition[last] = position;
            siftDown(position);
            siftUp(heapPositionOf(last));
        }
        memberNext[id] = freeHead;
        freeHead = id;
        return elementId;
    }

    /**
     * Remove the next ban whose deadline is at or before now.
     *
     * @return the element it kept, or {@link ElementTable#NONE} when none is due.
     */
    int pollExpired(final long nowNanos)
    {
        if (size > 0 && deadlineNanos[heap[0]] <= nowNanos)
        {
            return remove(heap[0]);
        }
        return NONE;
    }

    /**
     * @return the latest deadline of the element's member bans, {@link #PERMANENT} for never, Long.MIN_VALUE for none.
     */
    long memberDeadline(final int elementId)
    {
        long latest = Long.MIN_VALUE;
        for (int id = elements.memberHead[elementId]; NONE != id; id = memberNext[id])
        {
            latest = Math.max(latest, deadlineNanos[id]);
        }
        return latest;
    }

    long nextDeadlineNanos()
    {
        return 0 == size ? PERMANENT : deadlineNanos[heap[0]];
    }

    int size()
    {
        return size;
    }

    void clear()
    {
        Arrays.fill(index, 0);
        size = 0;
        highWater = 0;
        freeHead = NONE;
    }

    private int heapPositionOf(final int id)
    {
        return heapPosition[id];
    }

    private void unlinkMember(final int elementId, final int id)
    {
        int previous = NONE;
        for (int member = elements.memberHead[elementId]; NONE != member; member = memberNext[member])
        {
            if (member == id)
            {
                if (NONE == previous)
                {
                    elements.memberHead[elementId] = memberNext[id];
                }
                else
                {
                    memberNext[previous] = memberNext[id];
                }
                return;
            }
            previous = member;
        }
    }

    private void unindex(final int id)
    {
        final int mask = index.length - 1;
        int slot = hashOf(id) & mask;
        while (index[slot] != id + 1)
        {
            slot = (slot + 1) & mask;
        }
        index[slot] = 0;
        for (int next = (slot + 1) & mask; 0 != index[next]; next = (next + 1) & mask)
        {
            final int home = hashOf(index[next] - 1) & mask;
            if (((next - home) & mask) >= ((next - slot) & mask))
            {
                index[slot] = index[next];
                index[next] = 0;
                slot = next;
            }
        }
    }

    private boolean before(final int a, final int b)
    {
        return deadlineNanos[a] < deadlineNanos[b] ||
            (deadlineNanos[a] == deadlineNanos[b] && sequence[a] - sequence[b] < 0);
    }

    private void siftUp(final int from)
    {
        int position = from;
        final int id = heap[position];
        while (position > 0)
        {
            final int parent = (position - 1) >>> 1;
            if (!before(id, heap[parent]))
            {
                break;
            }
            heap[position] = heap[parent];
            heapPosition[heap[position]] = position;
            position = parent;
        }
        heap[position] = id;
        heapPosition[id] = position;
    }

    private void siftDown(final int from)
    {
        int position = from;
        final int id = heap[position];
        while (true)
        {
            int child = 2 * position + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child]))
            {
                child++;
            }
            if (!before(heap[child], id))
            {
                break;
            }
            heap[position] = heap[child];
            heapPosition[heap[position]] = position;
            position = child;
        }
        heap[position] = id;
        heapPosition[id] = position;
    }

    private int hashOf(final int id)
    {
        return hash(elements.key(element[id], probe).hash, reason[id]);
    }

    private static int hash(final int prefixHash, final long reason)
    {
        long h = (prefixHash ^ reason) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int)(h ^ (h >>> 32));
    }

    private void rehash(final int capacity)
    {
        final int[] fresh = new int[capacity];
        for (int from = 0; from < index.length; from += ProbeIndex.REHASH_CHUNK)
        {
            rehash(fresh, from, Math.min(index.length, from + ProbeIndex.REHASH_CHUNK));
        }
        index = fresh;
    }

    private void rehash(final int[] fresh, final int fromSlot, final int toSlot)
    {
        for (int slot = fromSlot; slot < toSlot; slot++)
        {
            if (0 != index[slot])
            {
                ProbeIndex.insert(fresh, index[slot] - 1, hashOf(index[slot] - 1));
            }
        }
    }

    private void grow(final int capacity)
    {
        reason = Arrays.copyOf(reason, capacity);
        deadlineNanos = Arrays.copyOf(deadlineNanos, capacity);
        sequence = Arrays.copyOf(sequence, capacity);
        element = Arrays.copyOf(element, capacity);
        memberNext = Arrays.copyOf(memberNext, capacity);
        heapPosition = Arrays.copyOf(heapPosition, capacity);
        heap = Arrays.copyOf(heap, capacity);
    }
}
