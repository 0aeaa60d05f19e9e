package io.blocksync.nativeio;

import java.io.IOException;

/**
 * Runs a native open that enters another network namespace on a thread of its own: setns(2) switches only the
 * calling thread, and a thread that fails to switch back must end rather than serve the JVM from the wrong namespace
 * (see {@code blocksync_netlink.c}). The caller waits for that thread even when interrupted, since giving up early
 * would leak the descriptor it is about to return.
 */
final class NamespaceOpener
{
    /** A native open returning a file descriptor. */
    @FunctionalInterface
    interface DescriptorOpen
    {
        int open() throws IOException;
    }

    private NamespaceOpener()
    {
    }

    /**
     * @param threadName the opening thread's name, as thread dumps show it.
     * @param open       the native call.
     * @return the descriptor it returned.
     * @throws IOException the one it threw.
     */
    static int openOnOwnThread(final String threadName, final DescriptorOpen open) throws IOException
    {
        final int[] opened = { -1 };
        final IOException[] failed = new IOException[1];
        final Thread opener = new Thread(() ->
        {
            try
            {
                opened[0] = open.open();
            }
            catch (final IOException ex)
            {
                failed[0] = ex;
            }
        }, threadName);
        opener.setDaemon(true);
        opener.start();
        boolean interrupted = false;
        while (opener.isAlive())
        {
            try
            {
                opener.join();
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
        if (null != failed[0])
        {
            throw failed[0];
        }
        return opened[0];
    }
}
