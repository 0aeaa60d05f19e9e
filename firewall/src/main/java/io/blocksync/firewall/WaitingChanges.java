package io.blocksync.firewall;

import org.agrona.collections.Int2IntHashMap;

import java.util.Arrays;
import java.util.function.Consumer;

import static io.blocksync.firewall.ElementTable.NONE;

/**
 * The loop's changes waiting for their kernel element to be committed, as singly linked lists (oldest first) in a pool
 * of nodes, the heads in a map by element id: only elements with changes in flight have one. Both grow to the batcher's
 * slots in flight and are reused after. Worker thread only.
 */
final class WaitingChanges
{
    private FirewallChange[] change = new FirewallChange[64];
    private int[] next = new int[64];
    private int freeHead = NONE;
    private int highWater;
    private final Int2IntHashMap heads = new Int2IntHashMap(NONE);
    private final Consumer<FirewallChange> publisher;

    /**
     * @param publisher hands a completed change back to the loop.
     */
    WaitingChanges(final Consumer<FirewallChange> publisher)
    {
        this.publisher = publisher;
    }

    /**
     * Append the change to the element's list.
     */
    void add(final int element, final FirewallChange waiting)
    {
        final int node = allocate();
        change[node] = waiting;
        next[node] = NONE;
        int last = heads.get(element);
        if (NONE == last)
        {
            heads.put(element, node);
            return;
        }
        while (NONE != next[last])
        {
            last = next[last];
        }
        next[last] = node;
    }

    /**
     * A later change of the same ban (prefix and reason) decides: earlier ones of that reason complete as superseded.
     */
    void supersede(final int element, final long reason, final long nowNanos)
    {
        int previous = NONE;
        int node = heads.get(element);
        while (NONE != node)
        {
            final int following = next[node];
            if (change[node].ban().reason() == reason)
            {
                if (NONE == previous)
                {
                    setHead(element, following);
                }
                else
                {
                    next[previous] = following;
                }
                finish(node, FirewallChange.Status.SUPERSEDED, null, nowNanos);
            }
            else
            {
                previous = node;
            }
            node = following;
        }
    }

    /**
     * @return the element's list, detached from it (complete it with {@link #complete}).
     */
    int take(final int element)
    {
        return heads.remove(element);
    }

    /**
     * Complete every change of a list from {@link #take(int)}, oldest first, and hand each to the loop.
     */
    void complete(final int head, final FirewallChange.Status status, final String error, final long nowNanos)
    {
        for (int node = head; NONE != node; )
        {
            final int following = next[node];
            finish(node, status, error, nowNanos);
            node = following;
        }
    }

    void clear()
    {
        Arrays.fill(change, 0, highWater, null);
        freeHead = NONE;
        highWater = 0;
        heads.clear();
    }

    private void setHead(final int element, final int head)
    {
        if (NONE == head)
        {
            heads.remove(element);
        }
        else
        {
            heads.put(element, head);
        }
    }

    private void finish(final int node, final FirewallChange.Status status, final String error, final long nowNanos)
    {
        final FirewallChange done = change[node];
        change[node] = null;
        next[node] = freeHead;
        freeHead = node;
        done.complete(status, error, nowNanos);
        publisher.accept(done);
    }

    private int allocate()
    {
        if (NONE != freeHead)
        {
            final int node = freeHead;
            freeHead = next[node];
            return node;
        }
        if (highWater == change.length)
        {
            change = Arrays.copyOf(change, 2 * highWater);
            next = Arrays.copyOf(next, 2 * highWater);
        }
        return highWater++;
    }
}
