package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the reconciler keeps per kernel element, and that its worker allocates nothing per change once its tables have
 * grown: 100,000 bans through a batcher stepped on the test thread, against a backend that accepts everything.
 */
class ReconcilerFootprintTest
{
    private static final int BANS = 100_000;
    private static final long SECOND = 1_000_000_000L;
    /** The flat tables measured ~147 bytes at 100,000 elements; the object graph they replaced kept ~1,070. */
    private static final long MAX_BYTES_PER_ELEMENT = 240;

    private long now = 1_000 * SECOND;

    @Test
    void aHundredThousandElementsKeepFewBytesEachAndChangesAllocateNothing()
    {
        final Ban ban = new Ban().reason(Bans.SSH);
        final IpPrefix prefix = new IpPrefix();
        final byte[] address = new byte[16];
        final long before = usedHeapAfterGc();
        final FirewallBatcher batcher = new FirewallBatcher(new AcceptingBackend(), new BatcherSettings(), () -> now);
        batcher.open(List.of());

        for (int i = 0; i < BANS; i++)
        {
            offer(batcher, ADD, host(i, prefix, address), ban, 3_600 + i % 7_200);
        }
        drain(batcher);
        assertEquals(BANS, batcher.liveBanCount());
        assertTrue(batcher.isEnforced(host(BANS - 1, prefix, address)));

        final long bytesPerElement = (usedHeapAfterGc() - before) / BANS;
        System.out.println("reconciler heap per element: " + bytesPerElement + " bytes (" + BANS + " elements)");
        assertTrue(bytesPerElement <= MAX_BYTES_PER_ELEMENT,
            bytesPerElement + " bytes per element, more than " + MAX_BYTES_PER_ELEMENT);

        // Steady state: unban and re-ban, shorten, let some expire. The first round grows the queues, the second
        // must allocate nothing.
        churn(batcher, ban, prefix, address);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        churn(batcher, ban, prefix, address);
        final long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        System.out.println("reconciler allocation over 60,000 changes: " + allocated + " bytes");
        assertEquals(BANS - 20_000, batcher.liveBanCount(), "the short re-bans expired");
        assertTrue(allocated < 1024, allocated + " bytes allocated over 60,000 changes");
        assertTrue(batcher.isEnforced(host(0, prefix, address)));
        batcher.close();
    }

    @Test
    void anotherThreadReadsEnforcedConsistentlyWhileTheTablesGrowAndShrink() throws Exception
    {
        final Ban ban = new Ban().reason(Bans.SSH);
        final IpPrefix prefix = new IpPrefix();
        final byte[] address = new byte[16];
        final FirewallBatcher batcher = new FirewallBatcher(new AcceptingBackend(), new BatcherSettings(), () -> now);
        batcher.open(List.of());
        final IpPrefix kept = Bans.prefix("192.0.2.1");
        offer(batcher, ADD, kept, new Ban().reason(Bans.SSH), 0);
        drain(batcher);
        assertTrue(batcher.isEnforced(kept));

        final java.util.concurrent.atomic.AtomicLong misses = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread reader = new Thread(() ->
        {
            final IpPrefix never = Bans.prefix("198.51.100.9");
            while (!stop.get())
            {
                if (!batcher.isEnforced(kept) || batcher.isEnforced(never))
                {
                    misses.incrementAndGet();
                }
                reads.incrementAndGet();
            }
        });
        reader.start();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 30_000; i++)
            {
                offer(batcher, ADD, host(i, prefix, address), ban, 1);
            }
            drain(batcher);
            now += 20 * SECOND;
            batcher.doWork(now);
            drain(batcher);
        }
        stop.set(true);
        reader.join();
        assertEquals(1, batcher.liveBanCount(), "the short bans expired, the permanent one stays");
        assertTrue(reads.get() > 0);
        assertEquals(0, misses.get(), "wrong answers out of " + reads.get() + " reads");
        batcher.close();
    }

    private void churn(final FirewallBatcher batcher, final Ban ban, final IpPrefix prefix, final byte[] address)
    {
        for (int i = 0; i < 20_000; i++)
        {
            offer(batcher, REMOVE, host(i, prefix, address), ban, 0);
            offer(batcher, ADD, host(i, prefix, address), ban, 7_200);
            offer(batcher, ADD, host(BANS - 1 - i, prefix, address), ban, 1 + i % 3);
        }
        now += 10 * SECOND;
        drain(batcher);
    }

    private void offer(
        final FirewallBatcher batcher, final FirewallChange.Op op, final IpPrefix prefix, final Ban ban,
        final long timeoutSeconds)
    {
        ban.prefix(prefix);
        while (!batcher.offer(op, ban, timeoutSeconds))
        {
            batcher.doWork(now);
            batcher.pollCompletions((change) -> { });
        }
    }

    private void drain(final FirewallBatcher batcher)
    {
        while (!batcher.isDrained() || batcher.inFlight() > 0)
        {
            batcher.doWork(now);
            batcher.pollCompletions((change) -> { });
        }
    }

    private static IpPrefix host(final int i, final IpPrefix prefix, final byte[] address)
    {
        address[0] = 10;
        address[1] = (byte)(i >>> 16);
        address[2] = (byte)(i >>> 8);
        address[3] = (byte)i;
        return prefix.set(io.blocksync.codec.AddressFamily.IPV4, address, 32);
    }

    private static long usedHeapAfterGc()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Accepts every change; one object, listable as empty is not needed: it is never listed.
     */
    private static final class AcceptingBackend implements FirewallBackend
    {
        @Override
        public void start()
        {
        }

        @Override
        public void apply(final List<FirewallChange> batch)
        {
        }

        @Override
        public void reconcile(final Iterable<FirewallChange> liveBans)
        {
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }
}
