package io.blocksync.daemon.store;

import net.openhft.chronicle.core.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.blocksync.daemon.store.TestBans.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a crash the store is recovered with one line of ours; Chronicle's own "Recovery operation needs exclusive
 * access ... risk of losing and/or corrupting" warnings, which read as data loss, are not printed. Its other warnings
 * still are.
 */
class ChronicleWarningsTest
{
    @TempDir
    Path temp;

    @Test
    void recoveryAfterACrashPrintsOurLineAndNotChroniclesCorruptionWarning() throws IOException
    {
        final Path state = temp.resolve("state");
        try (BanStore store = BanStore.openForDaemon(state, 100, line -> { }, false))
        {
            store.put(entry(1));
        }
        // What a kill -9 leaves: the open marker.
        Files.write(state.resolve(BanStore.OPEN_MARKER_FILE_NAME), new byte[0]);

        final List<String> ours = new ArrayList<>();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            try (BanStore store = BanStore.openForDaemon(state, 100, ours::add, false))
            {
                assertEquals(1, store.size());
            }
            // Any other warning of Chronicle's still reaches its log.
            Jvm.warn().on(BanStore.class, "a warning that must stay visible");
        }
        finally
        {
            System.setErr(saved);
        }

        final String printed = err.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("exclusive access") || printed.contains("corrupting") ||
            printed.contains("Do not use recovery"), printed);
        assertTrue(printed.contains("a warning that must stay visible"), printed);
        assertEquals(1, ours.size(), ours::toString);
        assertTrue(ours.get(0).contains("was not closed cleanly (store.open was left behind): recovered it"), ours.get(0));
    }
}
