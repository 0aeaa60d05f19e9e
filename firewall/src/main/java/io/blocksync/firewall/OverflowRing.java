package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;

/**
 * A fixed FIFO of changes that found the batcher's slots all in flight, in preallocated {@link Ban} slots so a burst
 * allocates nothing. Holds what the kernel must end up with (action, scope, expiry), not a computed timeout, so time
 * spent waiting here is not added to a ban. Loop thread only.
 */
final class OverflowRing
{
    private final Ban[] slots;
    private long head;
    private long tail;

    /**
     * @param capacity changes it holds; a power of two is not required.
     */
    OverflowRing(final int capacity)
    {
        slots = new Ban[capacity];
        for (int i = 0; i < capacity; i++)
        {
            slots[i] = new Ban();
        }
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    boolean isFull()
    {
        return tail - head >= slots.length;
    }

    int size()
    {
        return (int)(tail - head);
    }

    /**
     * Append a change; the caller checks {@link #isFull()} first.
     *
     * @param isBan true to ban, false to unban; the copy's action says which, whatever the ban's own action is.
     * @param ban   copied, every field.
     */
    void add(final boolean isBan, final Ban ban)
    {
        slot(tail).set(ban).action(isBan ? BanAction.BAN : BanAction.UNBAN);
        tail++;
    }

    /**
     * @return the oldest change without removing it: its action says ban or unban. Held by the ring and valid until
     * {@link #removeHead()}; read it, do not modify it.
     */
    Ban peek()
    {
        return slot(head);
    }

    void removeHead()
    {
        head++;
    }

    private Ban slot(final long position)
    {
        return slots[(int)(position % slots.length)];
    }
}
