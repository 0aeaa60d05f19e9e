package io.blocksync.nativeio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link NftSetDump#background()}: the firewall's listing thread runs at nice 19, so a dump's O(n²) kernel time
 * (issue 13: ~46 s of system time at 1,000,000 elements, during a join) does not take a core from the loop; only that
 * thread, not the process.
 */
class NftSetDumpBackgroundTest
{
    @Test
    void theCallingThreadAloneGoesToNiceNineteen() throws Exception
    {
        assumeTrue(null == NftSetDump.unavailableReason(), "skipped: " + NftSetDump.unavailableReason());
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicReference<Integer> nice = new AtomicReference<>();
        final Thread listing = new Thread(() ->
        {
            failure.set(NftSetDump.background());
            nice.set(ownNice());
        }, "listing");
        listing.start();
        listing.join();

        assertNull(failure.get());
        assertEquals(NftSetDump.BACKGROUND_NICE, nice.get());
        assertEquals(0, ownNice(), "the other threads keep their priority");
    }

    /** Field 19 of {@code /proc/thread-self/stat}: the calling thread's nice value. */
    private static int ownNice()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
