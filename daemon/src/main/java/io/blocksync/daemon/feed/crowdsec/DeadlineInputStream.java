package io.blocksync.daemon.feed.crowdsec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A reply body that must keep coming: the time spent waiting in {@code read} may not pass {@code timeout} plus one
 * second per {@code minBytesPerSecond} bytes already read, or the stream is closed and every read fails with
 * {@link TooSlow}. The JDK client's request timeout ends once the headers are in (JDK-8258397); without this a LAPI
 * that trickles its body would hold the bridge's thread for ever. Time the reader spends elsewhere (handing decisions
 * to the loop) does not count. A shared daemon thread checks every {@value #CHECK_MILLIS} ms a read that is blocked.
 */
final class DeadlineInputStream extends FilterInputStream
{
    static final long CHECK_MILLIS = 100;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task ->
    {
        final Thread thread = new Thread(task, "crowdsec-lapi-deadline");
        thread.setDaemon(true);
        return thread;
    });

    /** The reply did not come fast enough; the connection is closed. */
    static final class TooSlow extends IOException
    {
        private static final long serialVersionUID = 1L;

        TooSlow(final String message)
        {
            super(message);
        }
    }

    private final long timeoutNanos;
    private final long minBytesPerSecond;
    private final ScheduledFuture<?> check;
    private volatile long enteredNanos;
    private volatile long spentNanos;
    private volatile long read;
    private volatile boolean expired;

    DeadlineInputStream(final InputStream in, final long timeoutNanos, final long minBytesPerSecond)
    {
        super(in);
        this.timeoutNanos = timeoutNanos;
        this.minBytesPerSecond = minBytesPerSecond;
        this.check = WATCHDOG.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        final int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(final byte[] into, final int offset, final int length) throws IOException
    {
        failIfExpired();
        final long entered = System.nanoTime();
        enteredNanos = entered;
        final int n;
        try
        {
            n = super.read(into, offset, length);
        }
        catch (final IOException ex)
        {
            // The watchdog's close ends a blocked read with "closed": say why.
            failIfExpired();
            throw ex;
        }
        finally
        {
            enteredNanos = 0;
            spentNanos += System.nanoTime() - entered;
        }
        failIfExpired();
        if (n > 0)
        {
            read += n;
        }
        if (spentNanos > allowanceNanos())
        {
            expired = true;
            failIfExpired();
        }
        return n;
    }

    private long allowanceNanos()
    {
        return timeoutNanos + read / minBytesPerSecond * 1_000_000_000L;
    }

    private void failIfExpired() throws TooSlow
    {
        if (expired)
        {
            throw new TooSlow("the reply did not come within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms plus 1 s per " +
                minBytesPerSecond + " bytes (" + read + " bytes read); connection closed");
        }
    }

    private void check()
    {
        final long entered = enteredNanos;
        if (0 != entered && spentNanos + System.nanoTime() - entered > allowanceNanos())
        {
            expired = true;
            try
            {
                // Ends the blocked read (the JDK client's stream then reads as ended); the reader sees TooSlow.
                in.close();
            }
            catch (final IOException | RuntimeException ignored)
            {
                // Closing is all we can do; the read fails either way.
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        check.cancel(false);
        super.close();
    }
}
