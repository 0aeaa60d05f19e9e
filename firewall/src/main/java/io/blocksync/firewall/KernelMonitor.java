package io.blocksync.firewall;

import java.util.function.Consumer;

/**
 * Waits for the backend's {@link KernelEvents} on a thread of its own and raises a flag the worker reads: the worker
 * then runs its {@link FirewallBackend#intact()} check (and repair) at once, instead of every second on its commit
 * thread, where the check (a terse {@code list ruleset} through libnftables) held lone bans for milliseconds. While
 * no monitor runs, or after it failed, {@link #eventDriven()} is false and the worker polls as before. The flag is
 * a volatile; the thread wakes every {@value #WAIT_MILLIS} ms at most to notice {@link #close()}.
 */
final class KernelMonitor implements AutoCloseable
{
    private static final int WAIT_MILLIS = 500;
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    private static final long LOST_GAP_NANOS = 1_000_000_000L;

    private volatile boolean pending;
    private volatile boolean running;
    private volatile boolean closed;
    private Thread thread;

    /**
     * Start watching; without events (null) nothing starts and the worker keeps polling.
     *
     * @param wake   unparks the worker after an event.
     * @param failed receives the one-line reason when the watch fails (the worker goes back to polling).
     * @return the events' description, or null when none.
     */
    String start(final KernelEvents events, final Runnable wake, final Consumer<String> failed, final String name)
    {
        if (null == events)
        {
            return null;
        }
        running = true;
        thread = new Thread(() -> run(events, wake, failed), name);
        thread.setDaemon(true);
        thread.start();
        return events.description();
    }

    /**
     * @return true while removals are noticed through events, so the worker need not poll {@code intact()}.
     */
    boolean eventDriven()
    {
        return running;
    }

    /**
     * @return true, once, when an event (or a lost one) asks for a check since the last call; worker thread.
     */
    boolean takePending()
    {
        if (!pending)
        {
            return false;
        }
        pending = false;
        return true;
    }

    boolean pending()
    {
        return pending;
    }

    @Override
    public void close()
    {
        closed = true;
        if (null != thread)
        {
            try
            {
                thread.join(CLOSE_WAIT_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(final KernelEvents events, final Runnable wake, final Consumer<String> failed)
    {
        try
        {
            // Lost notifications (a subscription overflowed by bulk commits) ask for a check at most once a
            // second, as the old polling did; a removal asks at once.
            long lastLostNanos = System.nanoTime() - LOST_GAP_NANOS;
            boolean lostOwed = false;
            while (!closed)
            {
                final int event = events.await(WAIT_MILLIS);
                final long nowNanos = System.nanoTime();
                lostOwed |= KernelEvents.LOST == event;
                final boolean lostDue = lostOwed && nowNanos - lastLostNanos >= LOST_GAP_NANOS;
                if (KernelEvents.REMOVED == event || lostDue)
                {
                    if (lostOwed)
                    {
                        lastLostNanos = nowNanos;
                        lostOwed = false;
                    }
                    pending = true;
                    wake.run();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            failed.accept("kernel notifications failed, checking the kernel objects every second again: " +
                FirewallException.describe(ex));
        }
        finally
        {
            // Polling again from here on, with a check at once: an event may have been missed.
            running = false;
            pending = true;
            wake.run();
            events.close();
        }
    }
}
