package io.blocksync.nativeio;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The reader thread of one source: started once, told to stop, waits between attempts without spinning and wakes
 * at once when stopped. The body polls {@link #isRunning()} and returns when it is false.
 */
final class SourceThread
{
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean started;

    SourceThread(final String sourceName, final Runnable body)
    {
        thread = new Thread(body, "blocksync-source-" + sourceName);
        thread.setDaemon(true);
    }

    synchronized void start()
    {
        if (started)
        {
            throw new IllegalStateException(thread.getName() + " already started");
        }
        started = true;
        running = true;
        thread.start();
    }

    boolean isRunning()
    {
        return running;
    }

    /**
     * Wait, returning early if stopped.
     *
     * @param millis how long.
     */
    void idle(final long millis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long remaining;
        while (running && (remaining = deadline - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(this, remaining);
        }
    }

    /**
     * Ask the body to return and wait for it.
     *
     * @param joinMillis how long to wait for the thread.
     * @return true if the thread has ended (or never started).
     */
    boolean stop(final long joinMillis)
    {
        running = false;
        if (!started)
        {
            return true;
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread)
        {
            return false;
        }

        boolean interrupted = false;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(joinMillis);
        long remaining;
        while (thread.isAlive() && (remaining = deadline - System.nanoTime()) > 0)
        {
            try
            {
                TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }

        return !thread.isAlive();
    }
}
