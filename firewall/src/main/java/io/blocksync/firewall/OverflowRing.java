package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;

/**
 * A bounded FIFO of changes that found the batcher's slots all in flight, in reused {@link Ban} slots. A slot is
 * made the first time the ring grows that deep and reused ever after, so memory follows the deepest burst seen (a
 * small board never pays for 65,536 slots it does not use) and steady state allocates nothing. Holds what the kernel must end up with (action, scope, expiry), not a computed timeout, so time
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
        final int index = (int)(tail % slots.length);
        if (null == slots[index])
        {
            slots[index] = new Ban();
        }
        slots[index].set(ban).action(isBan ? BanAction.BAN : BanAction.UNBAN);
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
