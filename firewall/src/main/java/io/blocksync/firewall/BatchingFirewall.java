package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import org.agrona.concurrent.EpochClock;

import java.util.Iterator;

/**
 * The {@link Firewall} of every real backend: hands changes to a {@link FirewallBatcher}, whose worker thread runs
 * the tool. When the batcher's slots are all in flight, changes wait in a fixed {@link OverflowRing} and are offered
 * again at each {@link #poll}, in order, so a burst never loses a change; only when that ring fills too is a change
 * dropped and reported to the listener. Loop thread only, apart from {@link #start} and {@link #close}.
 */
public final class BatchingFirewall implements Firewall, CompletionHandler
{
    /** Changes that may wait for a batcher slot; beyond them a change is dropped (and repaired at the next start). */
    public static final int OVERFLOW_CAPACITY = 65_536;
    private static final int DROPPED_CAPACITY = 1024;

    private final FirewallBatcher batcher;
    private final EpochClock clock;
    private final OverflowRing overflow;
    private final OverflowRing dropped = new OverflowRing(DROPPED_CAPACITY);
    private final Ban scratch = new Ban();
    private final StringBuilder error = new StringBuilder();
    private FirewallListener listener;
    private long droppedUnlisted;
    private final long[] failuresSeen = new long[FailureKind.values().length];
    private static final FailureKind[] KINDS = FailureKind.values();

    BatchingFirewall(final FirewallBatcher batcher, final EpochClock clock, final int overflowCapacity)
    {
        this.batcher = batcher;
        this.clock = clock;
        this.overflow = new OverflowRing(overflowCapacity);
    }

    /**
     * Start the backend on the calling thread (a missing tool or privilege fails here with a one-line reason), then
     * the worker, which first makes the filter hold exactly the live bans (blacklistd -r).
     *
     * @param batcher  over the chosen backend; closed by {@link #close()}.
     * @param clock    the clock the bans' expiries are on ({@link FirewallContext#clock}).
     * @param liveBans every live ban, read during this call only; each one's time left is taken now.
     * @throws FirewallException if the backend cannot start.
     */
    public static BatchingFirewall start(final FirewallBatcher batcher, final EpochClock clock, final Iterable<Ban> liveBans)
    {
        final long nowMillis = clock.time();
        // Streamed through one reused change (the worker copies each into its tables), never collected: a store of
        // 1,000,000 bans starts within a 64 MiB heap.
        final FirewallChange change = new FirewallChange();
        batcher.start(() ->
        {
            final Iterator<Ban> bans = liveBans.iterator();
            return new Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    return bans.hasNext();
                }

                @Override
                public FirewallChange next()
                {
                    final Ban ban = bans.next();
                    return change.set(FirewallChange.Op.ADD, ban, KernelTimeout.secondsLeft(ban.expiresAtMillis(), nowMillis));
                }
            };
        });

        return new BatchingFirewall(batcher, clock, OVERFLOW_CAPACITY);
    }

    @Override
    public boolean ban(final Ban ban)
    {
        return submit(true, ban);
    }

    @Override
    public boolean unban(final Ban ban)
    {
        return submit(false, ban);
    }

    @Override
    public int poll(final FirewallListener listener)
    {
        this.listener = listener;
        int work = batcher.pollCompletions(this);
        while (!overflow.isEmpty())
        {
            final Ban waiting = overflow.peek();
            if (!offer(waiting.isBan(), waiting))
            {
                break;
            }
            overflow.removeHead();
            work++;
        }
        work += reportDropped(listener);
        work += reportFailures(listener);

        return work;
    }

    @Override
    public boolean isEnforced(final io.blocksync.codec.IpPrefix prefix)
    {
        return batcher.isEnforced(prefix);
    }

    @Override
    public String refusal(final io.blocksync.codec.IpPrefix prefix)
    {
        return batcher.refusal(prefix);
    }

    @Override
    public long failures(final FailureKind kind)
    {
        return batcher.failures(kind);
    }

    @Override
    public String failureMessage(final FailureKind kind)
    {
        return batcher.failureMessage(kind);
    }

    @Override
    public void onCompletion(final FirewallChange change)
    {
        final boolean isBan = FirewallChange.Op.ADD == change.op();
        if (FirewallChange.Status.FAILED == change.status())
        {
            error.setLength(0);
            error.append(change.error());
            listener.onFailed(change.ban().prefix(), isBan, error);
        }
        else if (FirewallChange.Status.APPLIED == change.status())
        {
            listener.onApplied(change.ban().prefix(), isBan);
            if (isBan)
            {
                listener.onBanEnforced(change.ban());
            }
        }
    }

    @Override
    public long fullChecks()
    {
        return batcher.reconciles();
    }

    @Override
    public long fullCheckLastMillis()
    {
        return batcher.lastFullCheckMillis();
    }

    @Override
    public long repairedElements()
    {
        return batcher.repairedElements();
    }

    @Override
    public long commits()
    {
        return batcher.batches();
    }

    @Override
    public int backlog()
    {
        return overflow.size();
    }

    /**
     * @return changes waiting for a batcher slot.
     */
    public int overflowSize()
    {
        return overflow.size();
    }

    /**
     * @return the batcher, for its counters.
     */
    public FirewallBatcher batcher()
    {
        return batcher;
    }

    @Override
    public void close()
    {
        batcher.close();
    }

    private boolean submit(final boolean isBan, final Ban ban)
    {
        // Keep order: while anything waits in the overflow ring, new changes queue behind it.
        if (overflow.isEmpty() && offer(isBan, ban))
        {
            return true;
        }
        if (overflow.isFull())
        {
            if (dropped.isFull())
            {
                droppedUnlisted++;
            }
            else
            {
                dropped.add(isBan, ban);
            }
            return false;
        }
        overflow.add(isBan, ban);

        return true;
    }

    private boolean offer(final boolean isBan, final Ban ban)
    {
        return isBan ?
            batcher.offer(FirewallChange.Op.ADD, ban, KernelTimeout.secondsLeft(ban.expiresAtMillis(), clock.time())) :
            batcher.offer(FirewallChange.Op.REMOVE, ban, 0);
    }

    private int reportFailures(final FirewallListener listener)
    {
        int work = 0;
        for (final FailureKind kind : KINDS)
        {
            final long count = batcher.failures(kind);
            final long seen = failuresSeen[kind.ordinal()];
            if (count > seen)
            {
                failuresSeen[kind.ordinal()] = count;
                final String message = batcher.failureMessage(kind);
                error.setLength(0);
                error.append(message);
                listener.onBackendFailure(kind, count - seen, error);
                work++;
            }
        }

        return work;
    }

    /** Drops happen in ban()/unban(), where no listener is at hand; they are reported at the next poll. */
    private int reportDropped(final FirewallListener listener)
    {
        int work = 0;
        boolean isBan = true;
        while (!dropped.isEmpty())
        {
            scratch.set(dropped.peek());
            isBan = scratch.isBan();
            dropped.removeHead();
            listener.onDropped(scratch.prefix(), isBan);
            work++;
        }
        // Beyond the dropped ring only the count is exact: the last prefix stands in for the rest.
        for (; droppedUnlisted > 0; droppedUnlisted--)
        {
            listener.onDropped(scratch.prefix(), isBan);
            work++;
        }

        return work;
    }
}
