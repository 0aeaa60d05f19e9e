package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stray "error in loop: ChronicleHashClosedException ... after close()" at a node's SIGTERM: Chronicle's own
 * close-on-exit hook closed a reopened store while the loop still ran (a map opened from an existing file takes its
 * settings from the file, so the builder's skipCloseOnExitHook(true) did not apply). Here that hook's work
 * ({@code closeAll}, what it runs at JVM exit) is run by hand on maps opened every way: each must stay open.
 */
class ChronicleExitHookTest
{
    private static final int ENTRIES = 50;

    @TempDir
    Path temp;

    @Test
    void chronicleExitHookClosesNoStoreHoweverItWasOpened() throws Exception
    {
        assertTrue(ChronicleExitHook.available(), "ChronicleHashCloseOnExitHook.remove not found in this Chronicle Map");
        final Path file = temp.resolve("bans.cmap");
        try (BanMap created = BanMap.open(file, 1_000))
        {
            for (int i = 0; i < ENTRIES; i++)
            {
                created.put(TestBans.entry(i));
            }
        }
        final Path copy = temp.resolve("copy.cmap");
        Files.copy(file, copy);

        try (BanMap created = BanMap.open(temp.resolve("new.cmap"), 1_000);
            BanMap reopened = BanMap.open(file, 1_000);
            BanMap recovered = BanMap.recover(copy, 1_000, "test", line -> { }))
        {
            runChronicleExitHook();
            assertEquals(0, created.size(), "a new file, after Chronicle's exit hook ran");
            assertEquals(ENTRIES, reopened.size(), "an existing file reopened, after Chronicle's exit hook ran");
            final Ban read = new Ban();
            assertTrue(reopened.get(TestBans.key(7), read), "entry 7 readable after the hook ran");
            TestBans.assertBanEquals(TestBans.entry(7), read);
            assertEquals(ENTRIES, recovered.size(), "a recovered file, after Chronicle's exit hook ran");
        }
    }

    /**
     * What Chronicle's shutdown hook runs: close every map still registered. It then refuses new maps ("Shutdown in
     * progress") until its registry is put back, which is done here so later tests in this JVM can open stores.
     */
    private static void runChronicleExitHook() throws Exception
    {
        final Class<?> hook = Class.forName("net.openhft.chronicle.hash.impl.ChronicleHashCloseOnExitHook");
        final Field maps = hook.getDeclaredField("maps");
        maps.setAccessible(true);
        final Object registry = maps.get(null);
        final Method closeAll = hook.getDeclaredMethod("closeAll");
        closeAll.setAccessible(true);
        try
        {
            closeAll.invoke(null);
        }
        finally
        {
            maps.set(null, registry);
        }
    }
}
