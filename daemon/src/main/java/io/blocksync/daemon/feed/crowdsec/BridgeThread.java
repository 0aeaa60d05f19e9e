package io.blocksync.daemon.feed.crowdsec;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs {@link #round()} until closed, parking in between; one log line per streak of failures
 * and one when it recovers, so a LAPI that is down does not fill the log. Whatever a round throws (an unchecked
 * exception or an error from one bad answer, too) is counted and logged and the thread goes on: after a failure it
 * backs off, doubling the pause up to {@value #MAX_BACKOFF_MILLIS} ms. A {@link VirtualMachineError}
 * ({@link OutOfMemoryError}, {@link StackOverflowError}) is not carried on from: it ends the thread.
 */
abstract class BridgeThread implements AutoCloseable
{
    private static final long JOIN_MILLIS = 15_000;
    static final long MAX_BACKOFF_MILLIS = 30_000;

    protected final CrowdSecBridge bridge;
    private final Thread thread;
    private volatile boolean running = true;
    private String failing;
    private int failures;

    BridgeThread(final CrowdSecBridge bridge, final String name)
    {
        this.bridge = bridge;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    final Thread thread()
    {
        return thread;
    }

    void start()
    {
        thread.start();
    }

    /** One poll or push; returns normally when the LAPI answered. */
    abstract void round() throws Exception;

    /** How long to park after a round, ns; an unpark ends it early. */
    abstract long pauseNanos();

    private void run()
    {
        while (running)
        {
            try
            {
                round();
                failures = 0;
                if (null != failing)
                {
                    bridge.log.accept(thread.getName() + ": the local API answers again");
                    failing = null;
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            catch (final VirtualMachineError ex)
            {
                // Out of memory, a stack overflow, an internal error: the JVM's state is not to be trusted; the
                // thread ends and the error reaches the uncaught-exception handler (review 7 finding 2).
                running = false;
                throw ex;
            }
            catch (final Throwable ex)
            {
                if (!running)
                {
                    return;
                }
                failed(ex);
            }
            if (running)
            {
                LockSupport.parkNanos(this, 0 == failures ? pauseNanos() : backoffNanos());
            }
        }
    }

    private void failed(final Throwable ex)
    {
        failures = Math.min(failures + 1, 30);
        bridge.counters.crowdsecErrors.increment();
        if (ex instanceof LapiClient.RefusedReply)
        {
            bridge.counters.crowdsecRepliesRefused.increment();
        }
        // An IOException's message names the request; anything else is a fault of ours or of the JVM: its class too.
        final String message = ex instanceof java.io.IOException && null != ex.getMessage() ? ex.getMessage() :
            ex.getClass().getName() + ": " + ex.getMessage();
        if (!message.equals(failing))
        {
            bridge.log.accept(thread.getName() + ": " + message + " (retrying; counted in crowdsec_errors)");
            failing = message;
        }
    }

    /** The pause after the n-th failure in a row: the round's own pause, doubled each time, at most the cap. */
    private long backoffNanos()
    {
        final long base = Math.max(pauseNanos(), millisToNanos(100));
        return Math.min(millisToNanos(MAX_BACKOFF_MILLIS), base << Math.min(failures - 1, 20));
    }

    final boolean running()
    {
        return running;
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(JOIN_MILLIS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    static long millisToNanos(final long millis)
    {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
