package io.blocksync.firewall;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs the full check's listing away from the worker: on a thread of its own through the backend's
 * {@link KernelReader} (its own socket, session or processes), so commits go on while 100,000 elements are listed;
 * or, for backends without a reader and for tests that step the worker, on the worker itself within
 * {@link #request()}. One listing at a time; the worker asks ({@link #request()}), the listing thread answers and
 * wakes the worker, the worker takes the answer ({@link #take()}). The hand-over is a volatile state: everything the
 * listing thread wrote before setting {@code DONE} is visible to the worker that reads it.
 */
final class KernelLister implements AutoCloseable
{
    private static final int IDLE = 0;
    private static final int REQUESTED = 1;
    private static final int DONE = 2;
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final FirewallBackend backend;
    private final NanoClock clock;
    private KernelReader reader;
    private Thread thread;
    private Runnable wake = () -> { };
    private volatile int state = IDLE;
    private volatile boolean closed;
    private KernelListing listing;
    private RuntimeException failure;
    private long startNanos;
    private long endNanos;

    KernelLister(final FirewallBackend backend, final NanoClock clock)
    {
        this.backend = backend;
        this.clock = clock;
    }

    /**
     * Move listings to a thread of their own, if the backend has a reader.
     *
     * @param wake      called on the listing thread when a listing is ready (unparks the worker).
     * @param name      the thread's name.
     * @return the reader's description, or null when listings stay on the worker.
     * @throws FirewallException if the reader cannot be opened.
     */
    String startThread(final Runnable wake, final String name)
    {
        reader = backend.openReader();
        if (null == reader)
        {
            return null;
        }
        this.wake = wake;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
        return reader.description();
    }

    boolean threaded()
    {
        return null != thread;
    }

    /**
     * Start a listing (worker thread; none may be in flight). Without a listing thread it runs here and is done on
     * return.
     */
    void request()
    {
        if (IDLE != state)
        {
            throw new IllegalStateException("a listing is already in flight");
        }
        startNanos = clock.nanoTime();
        if (null == thread)
        {
            list(backend::list);
            state = DONE;
            return;
        }
        state = REQUESTED;
        LockSupport.unpark(thread);
    }

    boolean inFlight()
    {
        return REQUESTED == state;
    }

    boolean done()
    {
        return DONE == state;
    }

    /**
     * @return the finished listing, and the lister is idle again.
     * @throws FirewallException (or another RuntimeException) the listing failed with.
     */
    KernelListing take()
    {
        if (DONE != state)
        {
            throw new IllegalStateException("no listing is done");
        }
        final KernelListing taken = listing;
        final RuntimeException failed = failure;
        listing = null;
        failure = null;
        state = IDLE;
        if (null != failed)
        {
            throw failed;
        }
        return taken;
    }

    /**
     * @return how long the last finished listing took, in nanoseconds.
     */
    long lastDurationNanos()
    {
        return endNanos - startNanos;
    }

    /**
     * Stop the listing thread: at once when idle; a listing in flight is given {@value #CLOSE_WAIT_MILLIS} ms, then
     * left to end on its own (the thread is a daemon and closes its reader when it ends).
     */
    @Override
    public void close()
    {
        closed = true;
        if (null == thread)
        {
            if (null != reader)
            {
                reader.close();
                reader = null;
            }
            return;
        }
        LockSupport.unpark(thread);
        try
        {
            thread.join(CLOSE_WAIT_MILLIS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            // A hash set's dump costs the kernel O(n²) on this thread (~46 s of system time at 1,000,000 elements):
            // background work, which at the default priority took a core from the loop and the commits.
            reader.background();
            while (!closed)
            {
                if (REQUESTED == state)
                {
                    list(reader::list);
                    state = DONE;
                    wake.run();
                }
                else
                {
                    LockSupport.park(this);
                }
            }
        }
        finally
        {
            reader.close();
        }
    }

    private void list(final java.util.function.Supplier<KernelListing> source)
    {
        try
        {
            listing = source.get();
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        catch (final Error ex)
        {
            // The thread must answer whatever happens, or the worker waits for this listing for ever.
            failure = new FirewallException("kernel listing failed: " + ex, ex);
        }
        endNanos = clock.nanoTime();
    }
}
