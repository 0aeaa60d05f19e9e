package io.blocksync.daemon.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CleanFileMappingsTest
{
    private static List<String> mapping(final String header, final int rssKb, final int privateDirtyKb, final int anonymousKb)
    {
        return mapping(header, rssKb, privateDirtyKb, anonymousKb, 0);
    }

    private static List<String> mapping(
        final String header, final int rssKb, final int privateDirtyKb, final int anonymousKb, final int swapKb)
    {
        return List.of(header,
            "Size:               8912 kB",
            "Rss:                " + rssKb + " kB",
            "Private_Clean:      " + (rssKb - privateDirtyKb) + " kB",
            "Private_Dirty:      " + privateDirtyKb + " kB",
            "Anonymous:          " + anonymousKb + " kB",
            "Swap:               " + swapKb + " kB",
            "VmFlags: rd mr mw me ac sd");
    }

    private static List<String> smaps(final List<List<String>> mappings)
    {
        return mappings.stream().flatMap(List::stream).toList();
    }

    @Test
    void selectsOnlyResidentReadOnlyFileMappingsWithoutPrivateCopies()
    {
        final List<long[]> ranges = CleanFileMappings.select(smaps(List.of(
            // The class-data archive: its written region stays, its read-only region goes.
            mapping("800000000-8008b4000 rw-p 00001000 fe:00 5335301                    /opt/blocksync/lib/blocksync.jsa", 8912, 8248, 8248),
            mapping("8008b4000-80165b000 r--p 008b5000 fe:00 5335301                    /opt/blocksync/lib/blocksync.jsa", 13980, 0, 0),
            // libjvm.so: text goes, the relocated read-only segment (private copies) stays.
            mapping("7f1b78451000-7f1b791a4000 r-xp 00251000 fe:00 328261               /usr/lib/jvm/lib/server/libjvm.so", 9212, 0, 0),
            mapping("7f1b79425000-7f1b794dd000 r--p 01225000 fe:00 328261               /usr/lib/jvm/lib/server/libjvm.so", 736, 736, 736),
            // A shared writable file (the store) is ResidentPages' business, anonymous memory nobody's.
            mapping("7f1b60000000-7f1b62000000 rw-s 00000000 fe:00 77                   /var/lib/blocksync/bans.dat", 4000, 0, 0),
            mapping("fc000000-fd000000 rw-p 00000000 00:00 0 ", 10332, 10332, 10332),
            mapping("7f1b75e00000-7f1b76000000 r-xp 00000000 00:00 0                    [vdso]", 8, 0, 0),
            // Nothing resident, a deleted file, a guard region.
            mapping("7f1b70000000-7f1b70100000 r--p 00000000 fe:00 12                   /usr/lib/libz.so.1", 0, 0, 0),
            mapping("7f1b71000000-7f1b71100000 r--p 00000000 fe:00 13                   /tmp/x.so (deleted)", 64, 0, 0),
            mapping("7f1b72000000-7f1b72100000 ---p 00000000 fe:00 14                   /usr/lib/libc.so.6", 4, 0, 0),
            mapping("7f1b73000000-7f1b73100000 r--s 00000000 fe:00 15                   /usr/lib/jvm/lib/modules", 1344, 0, 0),
            // A relocated segment whose written pages were swapped out: the file's bytes would replace them.
            mapping("7f1b74000000-7f1b74100000 r--p 00000000 fe:00 16                   /usr/lib/libssl.so.3", 12, 0, 0, 20),
            // A state file a thread maps for a moment (ProgressFile.readFrame): not permanent, never advised.
            mapping("7f1b77000000-7f1b77001000 r--s 00000000 fe:00 17                   /var/lib/blocksync/progress.dat", 4, 0, 0))), -1L);

        assertEquals(3, ranges.size());
        assertArrayEquals(new long[] {0x8008b4000L, 0x80165b000L}, ranges.get(0));
        assertArrayEquals(new long[] {0x7f1b78451000L, 0x7f1b791a4000L}, ranges.get(1));
        assertArrayEquals(new long[] {0x7f1b73000000L, 0x7f1b73100000L}, ranges.get(2));
    }

    @Test
    void releasesThisProcessCleanMappingsAndKeepsRunning() throws Exception
    {
        final Path smaps = Path.of("/proc/self/smaps");
        if (!Files.isReadable(smaps))
        {
            return;
        }
        final long candidates = CleanFileMappings.select(Files.readAllLines(smaps), CleanFileMappings.ADDRESS_LIMIT).stream()
            .mapToLong(range -> range[1] - range[0]).sum();
        assertTrue(candidates > 0, "a JVM maps libjvm.so's text at least");

        final long released = CleanFileMappings.release();

        assertTrue(released > 0, "released " + released + " of " + candidates + " bytes");
        // The JVM goes on running on the code and data it maps back in: libjvm's text and the JDK's classes again.
        assertTrue(CleanFileMappings.select(Files.readAllLines(smaps), CleanFileMappings.ADDRESS_LIMIT).size() > 0, "pages mapped back in");
    }

    @Test
    void aListingWithAddressesBeyondThisJvmsReachSelectsNothing()
    {
        // A 32-bit JVM under qemu-user reads the emulator's 64-bit smaps: cut to 32 bits, its ranges would be the
        // JVM's own memory.
        final List<String> emulator = smaps(List.of(
            mapping("8008b4000-80165b000 r--p 008b5000 fe:00 5335301                    /opt/blocksync/lib/blocksync.jsa", 13980, 0, 0),
            mapping("7f1b78451000-7f1b791a4000 r-xp 00251000 fe:00 328261               /usr/lib/libc.so.6", 9212, 0, 0)));
        assertEquals(0, CleanFileMappings.select(emulator, 1L << 32).size());
        assertEquals(2, CleanFileMappings.select(emulator, -1L).size());
    }
}
