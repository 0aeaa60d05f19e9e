package io.blocksync.daemon;

import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.status.EventLog;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A node process as {@code blocksync run} starts it (same {@link Node#start} and shutdown hook), whose loop meets
 * trouble at the first datagram it receives: {@code error} throws an OutOfMemoryError there, {@code stall} keeps
 * the loop busy for good, deaf to interrupts. Prints {@value #STALLED} once stalled.
 */
public final class HookedNodeMain
{
    static final String STALLED = "test hook: loop stalled";

    private HookedNodeMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        final EventLog log = new EventLog(System.err);
        final Node node = Node.start(ConfigReader.read(Path.of(args[1])), log);
        node.receiveHook(() ->
        {
            if ("error".equals(mode))
            {
                throw new OutOfMemoryError("injected by the test");
            }
            System.err.println(STALLED);
            System.err.flush();
            while (true)
            {
                Thread.interrupted();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        });

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            node.close();
            log.close();
            stopped.countDown();
        }, "blocksync-shutdown"));
        stopped.await();
    }
}
