package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallListener;
import org.agrona.concurrent.NanoClock;

/**
 * A packet filter as slow as a small board's (a 500 MHz board applies ~700-3,000 bans/s): changes wait in a ring of
 * {@code capacity} on the loop's side, as in {@code BatchingFirewall}, and {@code perSecond} of them are applied per
 * second of the manual clock. A change that finds the ring full is dropped and counted, as the real one would be.
 */
final class SlowFirewall implements Firewall
{
    private NanoClock clock;
    private final long perSecond;
    private final int capacity;
    private long lastNanos;
    // Changes the kernel could have applied since the ring was last empty, in billionths of a change.
    private long credit;
    private long waiting;
    private long applied;
    private long dropped;
    private long maxBacklog;

    SlowFirewall(final NanoClock clock, final long perSecond, final int capacity)
    {
        this.clock = clock;
        this.perSecond = perSecond;
        this.capacity = capacity;
        this.lastNanos = null == clock ? 0 : clock.nanoTime();
    }

    /** The clock to work on, when it was not at hand at construction. */
    void clock(final NanoClock clock)
    {
        this.clock = clock;
        this.lastNanos = clock.nanoTime();
    }

    public boolean ban(final Ban ban)
    {
        return submit();
    }

    public boolean unban(final Ban ban)
    {
        return submit();
    }

    private boolean submit()
    {
        if (waiting >= capacity)
        {
            dropped++;
            return false;
        }
        waiting++;
        maxBacklog = Math.max(maxBacklog, waiting);
        return true;
    }

    public int poll(final FirewallListener listener)
    {
        // The kernel works at its pace while changes wait; an idle kernel earns nothing for later.
        if (null == clock)
        {
            return 0;
        }
        final long nowNanos = clock.nanoTime();
        credit = waiting == 0 ? 0 : credit + (nowNanos - lastNanos) * perSecond;
        lastNanos = nowNanos;
        final long done = Math.min(waiting, credit / 1_000_000_000L);
        credit -= done * 1_000_000_000L;
        waiting -= done;
        applied += done;
        return 0;
    }

    public int backlog()
    {
        return (int)waiting;
    }

    long applied()
    {
        return applied;
    }

    long dropped()
    {
        return dropped;
    }

    long maxBacklog()
    {
        return maxBacklog;
    }

    public void close()
    {
    }
}
