package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ban or unban decisions handed from the control socket thread to the loop, many at once if need be (an operator
 * importing a list). The control thread fills it and waits; the loop works through the items a slice per duty
 * cycle, writes each item's outcome, and releases the waiter when all are done.
 */
public final class LocalRequest
{
    private final int[] actions;
    private final IpPrefix[] prefixes;
    private final long[] durations;
    private final long[] reasons;
    private final int[] protocols;
    private final int[] ports;
    private final int[] outcomes;
    private final CountDownLatch done = new CountDownLatch(1);
    private int size;
    private int processed;

    public LocalRequest(final int capacity)
    {
        actions = new int[capacity];
        prefixes = new IpPrefix[capacity];
        durations = new long[capacity];
        reasons = new long[capacity];
        protocols = new int[capacity];
        ports = new int[capacity];
        outcomes = new int[capacity];
    }

    public LocalRequest add(
        final int action, final IpPrefix prefix, final long durationSeconds, final long reasonPacked, final int protocol, final int port)
    {
        actions[size] = action;
        prefixes[size] = new IpPrefix().set(prefix);
        durations[size] = durationSeconds;
        reasons[size] = reasonPacked;
        protocols[size] = protocol;
        ports[size] = port;
        size++;
        return this;
    }

    public int size()
    {
        return size;
    }

    public int action(final int index)
    {
        return actions[index];
    }

    public IpPrefix prefix(final int index)
    {
        return prefixes[index];
    }

    public long durationSeconds(final int index)
    {
        return durations[index];
    }

    public long reason(final int index)
    {
        return reasons[index];
    }

    public int protocol(final int index)
    {
        return protocols[index];
    }

    public int port(final int index)
    {
        return ports[index];
    }

    /** {@link BanLedger} outcome, valid once {@link #await(long)} returned true. */
    public int outcome(final int index)
    {
        return outcomes[index];
    }

    /** Loop side: the next item to decide, or -1 when all are. */
    int nextIndex()
    {
        return processed < size ? processed : -1;
    }

    /** Loop side. */
    void complete(final int index, final int outcome)
    {
        outcomes[index] = outcome;
        processed = index + 1;
        if (processed == size)
        {
            done.countDown();
        }
    }

    /** Control side: wait for the loop. */
    public boolean await(final long timeoutMillis) throws InterruptedException
    {
        return size == 0 || done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
