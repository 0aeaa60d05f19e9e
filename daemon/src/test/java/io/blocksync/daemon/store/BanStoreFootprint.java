package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints the file size and this process's memory for a store filled to its capacity, as the daemon would hold it
 * (run by hand, see PERFORMANCE.md for the command):
 * <pre>
 *   java -Xmx32m FLAGS -cp CLASSPATH io.blocksync.daemon.store.BanStoreFootprint STATE_DIR CAPACITY
 * </pre>
 */
public final class BanStoreFootprint
{
    private static final Pattern MAPPING_HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private BanStoreFootprint()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path stateDir = Path.of(args[0]);
        final long capacity = Long.parseLong(args[1]);
        report("before open", null);

        final long started = System.nanoTime();
        try (BanStore store = BanStore.openForDaemon(stateDir, capacity, System.out::println))
        {
            report("opened empty", store);
            final IpPrefix key = new IpPrefix();
            final byte[] scratch = new byte[16];
            final Ban entry = new Ban();
            for (int i = 0; i < capacity; i++)
            {
                store.put(TestBans.entry(i, entry, key, scratch));
            }
            System.out.printf("filled %d entries in %d ms%n", store.size(), (System.nanoTime() - started) / 1_000_000);
            report("filled", store);
        }

        // A restart: open the full store and read every entry once.
        try (BanStore store = BanStore.openForDaemon(stateDir, capacity, System.out::println))
        {
            final Ban read = new Ban();
            final IpPrefix key = new IpPrefix();
            final byte[] scratch = new byte[16];
            int found = 0;
            for (int i = 0; i < capacity; i++)
            {
                found += store.get(TestBans.key(i, key, scratch), read) ? 1 : 0;
            }
            System.out.printf("reopened, read %d entries%n", found);
            report("reopened and read all", store);
        }
    }

    private static void report(final String stage, final BanStore store) throws IOException
    {
        final Runtime runtime = Runtime.getRuntime();
        final StringBuilder line = new StringBuilder(stage).append(':');
        if (null != store)
        {
            line.append(" file ").append(Files.size(store.file()) / 1024).append(" KiB, resident ")
                .append(mappedResidentKiB(store.file())).append(" KiB;");
        }
        for (final String status : List.of("VmRSS", "RssAnon", "RssFile"))
        {
            line.append(' ').append(status).append(' ').append(procStatus(status));
        }
        line.append(" heap used ").append((runtime.totalMemory() - runtime.freeMemory()) / 1024).append(" KiB");
        System.out.println(line);
    }

    /**
     * @return the resident size of this process's mappings of the file, from /proc/self/smaps.
     */
    private static long mappedResidentKiB(final Path file) throws IOException
    {
        final String path = file.toAbsolutePath().toString();
        long residentKiB = 0;
        boolean inFile = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            if (MAPPING_HEADER.matcher(line).lookingAt())
            {
                inFile = line.endsWith(path);
            }
            else if (inFile && line.startsWith("Rss:"))
            {
                residentKiB += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return residentKiB;
    }

    private static String procStatus(final String key) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith(key + ":"))
            {
                return line.substring(key.length() + 1).trim().replaceAll("\\s+", " ");
            }
        }
        return "n/a";
    }
}
