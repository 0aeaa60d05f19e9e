package io.blocksync.bench;

import io.blocksync.codec.Ban;
import io.blocksync.codec.ReasonCode;
import io.blocksync.firewall.FirewallBatcher;

import java.util.Locale;

/**
 * {@link ReconcilerRun}'s {@code idle} part: the firewall worker's CPU per second while no ban arrives, so what the
 * periodic checks cost the thread that commits.
 */
final class ReconcilerIdle
{
    private static final int IDLE_SECONDS = 20;

    private ReconcilerIdle()
    {
    }

    /**
     * The worker's own CPU while no ban arrives, the given elements held: what the periodic checks cost the
     * thread that commits (ThreadMXBean CPU time of the worker thread over {@value #IDLE_SECONDS} s).
     */
    static void measure(final String name, final FirewallBatcher batcher, final int elements)
    {
        final Ban ban = new Ban().reason(ReasonCode.of("ssh").id());
        for (int i = 0; i < elements; i++)
        {
            ReconcilerRun.address(ban.prefix(), 3, i);
            ReconcilerRun.offer(batcher, ban, 3_600);
        }
        while (!batcher.isEnforced(ban.prefix()))
        {
            batcher.pollCompletions((change) -> { });
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        batcher.pollCompletions((change) -> { });
        java.util.concurrent.locks.LockSupport.parkNanos(3_000_000_000L);
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long worker = -1;
        for (final java.lang.management.ThreadInfo thread : threads.dumpAllThreads(false, false))
        {
            if ("blocksync-firewall".equals(thread.getThreadName()))
            {
                worker = thread.getThreadId();
            }
        }
        final long cpuBefore = threads.getThreadCpuTime(worker);
        final long checksBefore = batcher.reconciles();
        final long start = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(IDLE_SECONDS * 1_000_000_000L);
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "idle worker, %s, %d elements: %.3f ms CPU per second, %d full checks in %.1f s%n",
            name, elements, (threads.getThreadCpuTime(worker) - cpuBefore) / 1e6 / seconds,
            batcher.reconciles() - checksBefore, seconds);
        batcher.close();
    }
}
