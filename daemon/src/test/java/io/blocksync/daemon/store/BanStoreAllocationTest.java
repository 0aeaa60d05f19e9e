package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing once warm: get of a present prefix, put over an existing one, and put of a new
 * prefix followed by its removal, each 100,000 times, measured by this thread's allocation counter.
 */
class BanStoreAllocationTest
{
    private static final int STORED = 4096;
    private static final int OPERATIONS = 100_000;
    private static final int WARM_UP_ROUNDS = 20;
    /** Far below one byte per operation: any per-call object (16 bytes or more) would cost 1.6 MB here. */
    private static final long BOUND_BYTES = 8 * 1024;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final IpPrefix key = new IpPrefix();
    private final byte[] scratch = new byte[16];
    private final Ban entry = new Ban();
    private final Ban read = new Ban();

    @Test
    void getPutAndRemoveShouldNotAllocateInSteadyState(@TempDir final Path temp) throws IOException
    {
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        try (BanStore store = BanStore.openForDaemon(temp.resolve("state"), 2 * STORED, (line) -> {}))
        {
            for (int i = 0; i < STORED; i++)
            {
                store.put(TestBans.entry(i, entry, key, scratch));
            }

            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                getHits(store);
                putUpdates(store);
                putNewAndRemove(store);
            }

            final long getBytes = allocatedBy(() -> getHits(store));
            final long updateBytes = allocatedBy(() -> putUpdates(store));
            final long newAndRemoveBytes = allocatedBy(() -> putNewAndRemove(store));

            System.out.println(
                "BanStore allocation over " + OPERATIONS + " operations each: get hit " + getBytes +
                " B, put update " + updateBytes + " B, put new + remove " + newAndRemoveBytes + " B");
            assertTrue(getBytes <= BOUND_BYTES, "get hit allocated " + getBytes + " bytes");
            assertTrue(updateBytes <= BOUND_BYTES, "put update allocated " + updateBytes + " bytes");
            assertTrue(newAndRemoveBytes <= BOUND_BYTES, "put new + remove allocated " + newAndRemoveBytes + " bytes");
            assertEquals(STORED, store.size());
        }
    }

    private long allocatedBy(final Runnable operations)
    {
        final long before = threads.getCurrentThreadAllocatedBytes();
        operations.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private void getHits(final BanStore store)
    {
        for (int i = 0; i < OPERATIONS; i++)
        {
            if (!store.get(TestBans.key(i % STORED, key, scratch), read))
            {
                throw new AssertionError("entry " + (i % STORED) + " missing");
            }
        }
    }

    private void putUpdates(final BanStore store)
    {
        for (int i = 0; i < OPERATIONS; i++)
        {
            final int index = i % STORED;
            store.put(TestBans.entry(index, entry, key, scratch).hitCount(i));
        }
    }

    private void putNewAndRemove(final BanStore store)
    {
        for (int i = 0; i < OPERATIONS; i++)
        {
            final int index = STORED + i % STORED;
            store.put(TestBans.entry(index, entry, key, scratch));
            if (!store.remove(key))
            {
                throw new AssertionError("entry " + index + " not removed");
            }
        }
    }
}
