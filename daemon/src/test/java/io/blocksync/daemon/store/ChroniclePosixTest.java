package io.blocksync.daemon.store;

import net.openhft.chronicle.hash.impl.util.jna.PosixFallocate;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chronicle's POSIX calls go to {@link ChroniclePosix}, whose fallocate really allocates (a file that was sparse
 * takes its whole length on disk) and changes no byte.
 */
class ChroniclePosixTest
{
    private static final int MIB = 1 << 20;

    @TempDir
    Path temp;

    @Test
    void fallocateShouldAllocateEveryBlockAndKeepTheData() throws Exception
    {
        Class.forName(BanStore.class.getName(), true, BanStore.class.getClassLoader());
        assertInstanceOf(ChroniclePosix.class, PosixAPI.posix());

        final Path file = temp.resolve("sparse");
        final byte[] marker = "kept".getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(4 * MIB);
            raf.seek(MIB + 5);
            raf.write(marker);
            assertTrue(allocatedBytes(file) < MIB, "a fresh file of 4 MiB should be sparse here: " + allocatedBytes(file));

            // Chronicle's own entry point, as VanillaChronicleHash calls it on each region it maps; past the end too.
            PosixFallocate.fallocate(raf.getFD(), 0, 5 * MIB + 3);
        }

        assertEquals(5 * MIB + 3, Files.size(file));
        assertTrue(allocatedBytes(file) >= 5 * MIB, "allocated " + allocatedBytes(file));
        final byte[] all = Files.readAllBytes(file);
        final byte[] read = new byte[marker.length];
        System.arraycopy(all, MIB + 5, read, 0, marker.length);
        assertArrayEquals(marker, read);
        int nonZero = 0;
        for (final byte b : all)
        {
            nonZero += 0 == b ? 0 : 1;
        }
        assertEquals(marker.length, nonZero);
    }

    @Test
    void newStoreFileShouldBeAllocated() throws IOException, InterruptedException
    {
        try (BanStore store = BanStore.openForDaemon(temp, 100_000, (line) -> { }))
        {
            store.put(TestBans.entry(1));
        }
        final Path file = temp.resolve(BanStore.MAP_FILE_NAME);
        assertTrue(allocatedBytes(file) >= Files.size(file), () -> "allocated " + allocatedBytes(file) + " of " + file);
    }

    /** st_blocks * 512, from stat(1): Java's file attributes do not give the allocated size. */
    private static long allocatedBytes(final Path file)
    {
        try
        {
            final Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
            final String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertEquals(0, stat.waitFor());
            return Long.parseLong(out) * 512;
        }
        catch (final IOException | InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
