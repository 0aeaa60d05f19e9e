package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.node.BanObserver;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The loop's end of the push: a single-producer single-consumer ring of preallocated {@link Ban} copies. The loop
 * copies each applied ban or lifted ban in (no allocation) and wakes the push thread; a full ring drops the change
 * and counts it (the LAPI is behind or down; the pushed decisions expire there on their own).
 */
final class PushOutbox implements BanObserver
{
    static final int DEFAULT_CAPACITY = 4096;

    private final Ban[] slots;
    private final boolean[] unbans;
    private final int mask;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicCounter dropped;
    private volatile Thread consumer;

    /** @param capacity a power of two. */
    PushOutbox(final int capacity, final AtomicCounter dropped)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        }
        slots = new Ban[capacity];
        unbans = new boolean[capacity];
        for (int i = 0; i < capacity; i++)
        {
            slots[i] = new Ban();
        }
        mask = capacity - 1;
        this.dropped = dropped;
    }

    /** The thread {@link #onBan} and {@link #onUnban} wake. */
    void consumer(final Thread thread)
    {
        consumer = thread;
    }

    @Override
    public void onBan(final Ban ban)
    {
        offer(ban, null);
    }

    @Override
    public void onUnban(final Ban unban, final Ban lifted)
    {
        offer(unban, lifted);
    }

    private void offer(final Ban ban, final Ban lifted)
    {
        final long at = produced.get();
        if (at - consumed.get() > mask)
        {
            dropped.increment();
            return;
        }
        final int index = (int)(at & mask);
        slots[index].set(ban);
        if (null != lifted)
        {
            slots[index].reasonOf(lifted);
        }
        unbans[index] = null != lifted;
        produced.lazySet(at + 1);
        final Thread thread = consumer;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Consumer side: copy the oldest change into {@code into}.
     *
     * @return 1 for a ban, -1 for an unban (its reason is the lifted ban's), 0 when the ring is empty.
     */
    int poll(final Ban into)
    {
        final long at = consumed.get();
        if (at == produced.get())
        {
            return 0;
        }
        final int index = (int)(at & mask);
        into.set(slots[index]);
        final int kind = unbans[index] ? -1 : 1;
        consumed.lazySet(at + 1);
        return kind;
    }
}
