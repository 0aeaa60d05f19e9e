package io.blocksync.daemon.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives back the resident pages of this process's read-only file mappings that hold no private copy of any page:
 * the class-data archive's read-only region (14 MiB, every page of it touched while the node's 3,000 classes load),
 * libjvm.so's text and constants, the JDK's modules image, libc. Found in {@code /proc/self/smaps} (proc(5)) and
 * advised {@code MADV_DONTNEED} through {@link ResidentPages#advise}: the pages stay in the page cache and the next
 * access maps them again, so an idle node holds the pages it uses instead of every page its start touched once.
 * <p>
 * Only mappings of files that stay mapped for the process's life (shared libraries, {@code *.so*}; class-data
 * archives, {@code *.jsa}; the JDK's {@code lib/modules}) are considered, so a file some thread maps for a moment
 * (a state file read through a mapping) cannot be unmapped, and its range reused, between the read and the advice.
 * Of those, only mappings without write permission whose {@code Anonymous}, {@code Private_Dirty} and {@code Swap}
 * are 0 kB are advised: a private page written once and perhaps swapped out since (a library's relocated
 * {@code PT_GNU_RELRO} segment, a class-data region the JVM relocated) would be replaced by the file's contents, and
 * a mapping that cannot be written cannot gain such a page
 * between the read and the advice (the JVM makes the archive's region writable again only for a debugger's
 * breakpoints, and then it shows {@code w} and is left). One pass, {@link ResidentPages#releaseLater}'s: what the
 * idle node uses afterwards comes back, about 1 MiB in its first minutes (PERFORMANCE.md, "Issue 12: footprint").
 */
public final class CleanFileMappings
{
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    /**
     * Addresses past this are not this JVM's: a 32-bit JVM under a user-mode emulator (qemu-user) reads the emulator's
     * 64-bit smaps, whose ranges, cut to 32 bits, would be the JVM's own memory.
     */
    static final long ADDRESS_LIMIT = "32".equals(System.getProperty("sun.arch.data.model")) ? 1L << 32 : -1L;

    private CleanFileMappings()
    {
    }

    /**
     * Advises every clean read-only file mapping of this process once.
     *
     * @return bytes of mappings advised, 0 when the platform offers no way.
     */
    public static long release()
    {
        if (!ResidentPages.available() || !Files.isReadable(SMAPS))
        {
            return 0;
        }
        long released = 0;
        try
        {
            final List<long[]> ranges = select(Files.readAllLines(SMAPS), ADDRESS_LIMIT);
            for (final long[] range : ranges)
            {
                if (ResidentPages.advise(range[0], range[1] - range[0]))
                {
                    released += range[1] - range[0];
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // An advice only: the pages simply stay resident.
        }
        return released;
    }

    /**
     * @param smaps        the lines of a {@code /proc/PID/smaps}.
     * @param addressLimit the first address this process cannot have (unsigned; -1: none): a listing with a mapping
     *                     beyond it describes another process, and nothing is selected.
     * @return {start, end} addresses of the permanent file mappings without write permission that have resident
     *         pages and neither anonymous, private dirty nor swapped ones, in file order.
     */
    static List<long[]> select(final List<String> smaps, final long addressLimit)
    {
        final List<long[]> ranges = new ArrayList<>();
        long[] candidate = null;
        boolean clean = false;
        boolean resident = false;
        for (final String line : smaps)
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHex(line, 0, space))
            {
                if (null != candidate && clean && resident)
                {
                    ranges.add(candidate);
                }
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                if (Long.compareUnsigned(end, addressLimit) > 0)
                {
                    return List.of();
                }
                // start-end perms offset dev inode path
                final String[] fields = line.trim().split("\\s+", 6);
                final boolean readOnlyFile = fields.length == 6 && isPermanent(fields[5]) &&
                    fields[1].length() == 4 && fields[1].charAt(1) == '-' && fields[1].charAt(0) == 'r';
                candidate = readOnlyFile ? new long[] {Long.parseUnsignedLong(line.substring(0, dash), 16), end} : null;
                clean = true;
                resident = false;
            }
            else if (null != candidate)
            {
                if (line.startsWith("Rss:"))
                {
                    resident = kilobytes(line) > 0;
                }
                else if (line.startsWith("Anonymous:") || line.startsWith("Private_Dirty:") || line.startsWith("Swap:"))
                {
                    clean &= kilobytes(line) == 0;
                }
            }
        }
        if (null != candidate && clean && resident)
        {
            ranges.add(candidate);
        }
        return ranges;
    }

    /** A file mapped for the process's life: a shared library, a class-data archive, the JDK's modules image. */
    private static boolean isPermanent(final String path)
    {
        if (!path.startsWith("/") || path.endsWith(" (deleted)"))
        {
            return false;
        }
        final String name = path.substring(path.lastIndexOf('/') + 1);
        return name.endsWith(".so") || name.contains(".so.") || name.endsWith(".jsa") || path.endsWith("/lib/modules");
    }

    private static long kilobytes(final String line)
    {
        final String[] fields = line.trim().split("\\s+");
        return fields.length >= 2 ? Long.parseLong(fields[1]) : -1;
    }

    private static boolean isHex(final String line, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final char c = line.charAt(i);
            if (c != '-' && Character.digit(c, 16) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
