package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The one pass over the store a node makes at start. Every role that must see the whole store before the loop runs
 * (the firewall's live bans, the expiry index and origin quota, catch-up's sequence index, the own-address exemptions)
 * registers a {@link BanVisitor} with {@link #add} and is handed each entry of this pass, instead of scanning the store
 * itself: each pass cost about 0.1 s of CPU at 100,000 entries with C1 and 1 s at 1,000,000, and there were six.
 * <p>
 * An entry whose time is up ({@link Ban#isExpiredAt(long)} at {@code nowMillis}) is removed as the pass meets it, as
 * the purge at open did ({@link BanStore#PURGE_LATER}: not in the write-ahead log, redone at the next start if a crash
 * loses it), and is handed to no one. The pass is pulled through {@link #iterator()} (the firewall's start reads it so;
 * each entry reaches every visitor before the puller) and ended by {@link #finish()}, which reads whatever the puller
 * left (all of it when the firewall reads nothing, as the {@code log} backend) and then runs the visitors' end actions.
 * One segment of the store in memory at a time, whatever its size. Single-threaded, used once.
 */
public final class StartScan implements Iterable<Ban>
{
    private final BanStore store;
    private final long nowMillis;
    private final Consumer<String> log;
    private BanVisitor[] visitors = new BanVisitor[0];
    private Runnable[] endActions = new Runnable[0];
    private Iterator<Ban> entries;
    private Ban pending;
    private long handedOut;
    private int purged;
    private boolean finished;

    /**
     * @param store     the store, opened with {@link BanStore#PURGE_LATER}.
     * @param nowMillis the node's steady time, the frame of the stored expiries: what has ended by then is removed.
     * @param log       receives the purge line, as {@link BanStore#openForDaemon} wrote it.
     */
    public StartScan(final BanStore store, final long nowMillis, final Consumer<String> log)
    {
        this.store = store;
        this.nowMillis = nowMillis;
        this.log = log;
    }

    /**
     * Hand every live entry of the pass to {@code visitor} (the same holder each time: copy what must outlive the call).
     *
     * @throws IllegalStateException once the pass has begun.
     */
    public StartScan add(final BanVisitor visitor)
    {
        return add(visitor, null);
    }

    /**
     * As {@link #add(BanVisitor)}, with what to run once the pass has ended (null for nothing), in the order added.
     */
    public StartScan add(final BanVisitor visitor, final Runnable atEnd)
    {
        if (null != entries)
        {
            throw new IllegalStateException("the start-up pass over the store has begun: visitors come first");
        }
        visitors = Arrays.copyOf(visitors, visitors.length + 1);
        visitors[visitors.length - 1] = visitor;
        if (null != atEnd)
        {
            endActions = Arrays.copyOf(endActions, endActions.length + 1);
            endActions[endActions.length - 1] = atEnd;
        }
        return this;
    }

    /**
     * The pass, for one puller; {@link #finish()} ends it. {@code next()} returns a reused holder.
     *
     * @throws IllegalStateException when asked a second time.
     */
    @Override
    public Iterator<Ban> iterator()
    {
        if (null != entries)
        {
            throw new IllegalStateException("the start-up pass over the store is read once");
        }
        entries = store.entries().iterator();
        return new Iterator<>()
        {
            @Override
            public boolean hasNext()
            {
                return advance();
            }

            @Override
            public Ban next()
            {
                if (!advance())
                {
                    throw new NoSuchElementException();
                }
                final Ban entry = pending;
                pending = null;
                return entry;
            }
        };
    }

    /** Read what the puller left (everything if none pulled), then run the end actions. Idempotent. */
    public void finish()
    {
        if (finished)
        {
            return;
        }
        if (null == entries)
        {
            iterator();
        }
        while (advance())
        {
            pending = null;
        }
        finished = true;
        for (final Runnable action : endActions)
        {
            action.run();
        }
        if (purged > 0)
        {
            log.accept(BanStore.purgedLine(store.file(), purged));
        }
    }

    /** Live entries handed to the visitors so far. */
    public long entries()
    {
        return handedOut;
    }

    /** Ended entries the pass removed. */
    public int purged()
    {
        return purged;
    }

    private boolean advance()
    {
        while (null == pending && entries.hasNext())
        {
            final Ban entry = entries.next();
            if (entry.isExpiredAt(nowMillis))
            {
                store.removeExpired(entry.prefix());
                purged++;
                continue;
            }
            for (final BanVisitor visitor : visitors)
            {
                visitor.visit(entry);
            }
            handedOut++;
            pending = entry;
        }
        return null != pending;
    }
}
