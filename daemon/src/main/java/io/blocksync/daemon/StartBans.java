package io.blocksync.daemon;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.table.BanPolicy;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The live bans the firewall is made to hold at start, streamed from the store rather than collected: every entry
 * active at {@code nowMillis}, less bans covering an address of this host ({@link BanPolicy#coversOwnAddress}), read
 * one store segment at a time, so a store of 1,000,000 bans starts within a 64 MiB heap. {@code next()} returns a
 * reused holder, which the firewall copies. Single pass expected; {@link #count} is what the last pass handed out.
 */
final class StartBans implements Iterable<Ban>
{
    private final Iterable<Ban> entries;
    private final BanPolicy policy;
    private final long nowMillis;
    private int count;
    private boolean read;

    /**
     * @param nowMillis the instant, in the frame of the stored expiries (the node's steady clock).
     */
    StartBans(final BanStore store, final BanPolicy policy, final long nowMillis)
    {
        this(store.entries(), policy, nowMillis);
    }

    /**
     * @param entries the store's entries, e.g. the node's one start-up pass ({@link io.blocksync.daemon.store.StartScan}).
     */
    StartBans(final Iterable<Ban> entries, final BanPolicy policy, final long nowMillis)
    {
        this.entries = entries;
        this.policy = policy;
        this.nowMillis = nowMillis;
    }

    /** Bans handed out by the last pass. */
    int count()
    {
        return count;
    }

    /** Whether the firewall read the bans (the {@code log} dry run does not). */
    boolean read()
    {
        return read;
    }

    @Override
    public Iterator<Ban> iterator()
    {
        count = 0;
        read = true;
        final Iterator<Ban> entries = this.entries.iterator();
        return new Iterator<>()
        {
            private Ban next;

            @Override
            public boolean hasNext()
            {
                while (null == next && entries.hasNext())
                {
                    final Ban entry = entries.next();
                    if (entry.isActiveAt(nowMillis) && !(entry.isBan() && policy.coversOwnAddress(entry.prefix())))
                    {
                        next = entry;
                    }
                }
                return null != next;
            }

            @Override
            public Ban next()
            {
                if (!hasNext())
                {
                    throw new NoSuchElementException();
                }
                final Ban ban = next;
                next = null;
                count++;
                return ban;
            }
        };
    }
}
