package io.blocksync.daemon.node;

import io.blocksync.codec.RejectReason;
import io.blocksync.codec.ReplayWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWindowsTest
{
    @TempDir
    Path dir;

    @Test
    void aPeersWindowSurvivesReopeningAndARemovedPeersSlotIsFreed()
    {
        final long base = 1_764_000_000_000L << 20;
        try (ReplayWindows windows = ReplayWindows.open(dir, 1, new int[]{ 2, 3 }))
        {
            final ReplayWindow two = windows.window(2);
            two.accept(base + 10);
            two.accept(base + 12);
            windows.window(3).accept(base + 99);
        }

        // Node 3 left the config, node 4 joined; node 2 keeps its window, now in another slot.
        try (ReplayWindows windows = ReplayWindows.open(dir, 1, new int[]{ 4, 2 }))
        {
            assertEquals(1, windows.freedAtStart(), "node 3's slot freed");
            final ReplayWindow two = windows.window(2);
            assertEquals(base + 12, two.highest());
            assertEquals(RejectReason.REPLAY, two.check(base + 10));
            assertEquals(RejectReason.NONE, two.check(base + 11), "never seen, still taken");
            assertEquals(0, windows.window(4).highest(), "a new peer starts empty");
            assertThrows(IllegalArgumentException.class, () -> windows.window(3), "no window for an id not configured");
        }
    }

    @Test
    void anotherNodesFileIsRefused()
    {
        ReplayWindows.open(dir, 1, new int[]{ 2 }).close();
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> ReplayWindows.open(dir, 2, new int[]{ 1 }));
        assertTrue(error.getMessage().contains("belongs to node 1"), error.getMessage());
    }
}
