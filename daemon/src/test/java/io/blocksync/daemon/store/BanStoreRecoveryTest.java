package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery from what a disk holds after a power loss: the map as a checkpoint synced it (or newer, as the kernel may
 * have written pages back on its own), the write-ahead log as the last group commit synced it. Copies of the files
 * taken at those moments stand for the disk.
 */
class BanStoreRecoveryTest
{
    private static final int CAPACITY = 1000;

    @TempDir
    Path dir;

    private final IpPrefix key = new IpPrefix();
    private final Ban read = new Ban();

    @Test
    void replayOverTheCheckpointedMapRestoresEverySyncedChangeAndRemoval() throws IOException
    {
        final Path live = dir.resolve("live");
        final Path checkpointMap = dir.resolve("map-at-checkpoint");
        final Path syncedLog = dir.resolve("log-as-synced");
        final Path newerMap = dir.resolve("map-newer");
        try (BanStore store = BanStore.openForDaemon(live, CAPACITY, line -> { }, true))
        {
            // Before the checkpoint: in the map it synced.
            for (int i = 0; i < 100; i++)
            {
                store.put(TestBans.entry(i));
            }
            for (int i = 0; i < 10; i++)
            {
                store.remove(TestBans.key(i));
            }
            final WriteAheadLog wal = store.writeAheadLog();
            copy(live.resolve(BanStore.MAP_FILE_NAME), checkpointMap);
            wal.recordCheckpoint(wal.appendedPosition(), wal.unloggedChanges());
            wal.release(wal.appendedPosition());

            // After it, logged and synced (acknowledged).
            for (int i = 100; i < 200; i++)
            {
                store.put(TestBans.entry(i));
            }
            store.remove(TestBans.key(20));
            store.remove(TestBans.key(150));
            store.put(TestBans.entry(120).hitCount(2));
            copy(live.resolve(BanStore.LOG_FILE_NAME), syncedLog);

            // After the last sync: in the map's pages only if the kernel wrote them back; never acknowledged.
            store.put(TestBans.entry(500));
            store.put(TestBans.entry(130).hitCount(3));
            store.remove(TestBans.key(40));
            copy(live.resolve(BanStore.MAP_FILE_NAME), newerMap);

            final Path disk = disk(live, "disk", checkpointMap, syncedLog);
            final List<String> lines = new ArrayList<>();
            try (BanStore recovered = BanStore.openForDaemon(disk, CAPACITY, lines::add, true))
            {
                assertTrue(lines.stream().anyMatch(line -> line.contains("replayed 103 entries (101 puts, 2 removals)")), lines.toString());
                assertHeld(recovered, 10, 200, 20, 150);
                assertFalse(recovered.get(TestBans.key(5), read), "removed before the checkpoint");
                assertTrue(recovered.get(TestBans.key(120), read));
                assertEquals(2, read.hitCount(), "the last logged value");
                assertFalse(recovered.get(TestBans.key(500), read), "never on disk");
            }

            final Path newer = disk(live, "disk-newer", newerMap, syncedLog);
            try (BanStore recovered = BanStore.openForDaemon(newer, CAPACITY, line -> { }, true))
            {
                assertTrue(recovered.get(TestBans.key(500), read), "a change the log does not name stays as the map has it");
                assertFalse(recovered.get(TestBans.key(40), read), "so does an unlogged removal");
                assertTrue(recovered.get(TestBans.key(130), read));
                assertEquals(TestBans.entry(130).hitCount(), read.hitCount(), "a logged prefix goes back to its last logged value");
                assertHeld(recovered, 10, 200, 20, 150, 40);
            }
        }
    }

    private void assertHeld(final BanStore store, final int from, final int to, final int... except)
    {
        for (int i = from; i < to; i++)
        {
            boolean expected = true;
            for (final int e : except)
            {
                expected &= e != i;
            }
            assertEquals(expected, store.get(TestBans.key(i, key, new byte[16]), read), "ban " + i);
        }
    }

    /** The live directory's small files, with the map and log given: what a disk would hold. */
    private Path disk(final Path live, final String name, final Path map, final Path log) throws IOException
    {
        final Path disk = dir.resolve(name);
        Files.createDirectory(disk, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (Stream<Path> files = Files.list(live))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, disk.resolve(file.getFileName()));
            }
        }
        Files.copy(map, disk.resolve(BanStore.MAP_FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(log, disk.resolve(BanStore.LOG_FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.exists(disk.resolve(BanStore.OPEN_MARKER_FILE_NAME)), "an unclean stop");
        return disk;
    }

    private static void copy(final Path from, final Path to) throws IOException
    {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
