package io.blocksync.daemon.feed.crowdsec;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs {@link #round()} until closed, parking in between; one log line per streak of failures
 * and one when it recovers, so a LAPI that is down does not fill the log.
 */
abstract class BridgeThread implements AutoCloseable
{
    private static final long JOIN_MILLIS = 15_000;

    protected final CrowdSecBridge bridge;
    private final Thread thread;
    private volatile boolean running = true;
    private String failing;

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
            catch (final Exception ex)
            {
                if (!running)
                {
                    return;
                }
                bridge.counters.crowdsecErrors.increment();
                final String message = String.valueOf(ex.getMessage());
                if (!message.equals(failing))
                {
                    bridge.log.accept(thread.getName() + ": " + message + " (retrying; counted in crowdsec_errors)");
                    failing = message;
                }
            }
            if (running)
            {
                LockSupport.parkNanos(this, pauseNanos());
            }
        }
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
