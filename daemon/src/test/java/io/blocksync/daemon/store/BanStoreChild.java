package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.core.analytics.AnalyticsFacade;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The other process in the cross-process tests, started by {@link ChildJvm}. Reports on stdout, one line per
 * event, and flushes each line so that what the parent has read has really happened.
 * <pre>
 *   writer DIR CAPACITY COUNT   open as daemon, put entries 0..COUNT-1 reporting "put I" after each, then hold
 *                               the store open until killed
 *   serve DIR CAPACITY          open as daemon, then obey stdin: "put FROM TO", "unban FROM TO", "quit"
 *   analytics DIR               exercise every way the store opens Chronicle, then report analytics state
 *   raw-chronicle FILE          use Chronicle Map directly, never loading BanStore; wait for "quit"
 * </pre>
 */
public final class BanStoreChild
{
    private static final PrintStream OUT = System.out;

    private BanStoreChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "writer":
                writer(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
                break;

            case "serve":
                serve(Path.of(args[1]), Long.parseLong(args[2]));
                break;

            case "analytics":
                analytics(Path.of(args[1]));
                break;

            case "raw-chronicle":
                rawChronicle(Path.of(args[1]));
                break;

            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void writer(final Path stateDir, final long capacity, final int count) throws IOException
    {
        final BanStore store = BanStore.openForDaemon(stateDir, capacity, BanStoreChild::report);
        report("ready " + ProcessHandle.current().pid());
        final IpPrefix key = new IpPrefix();
        final byte[] scratch = new byte[16];
        final Ban entry = new Ban();
        for (int i = 0; i < count; i++)
        {
            store.put(TestBans.entry(i, entry, key, scratch));
            report("put " + i);
        }
        report("idle");

        // Keep the lock and the map until the parent kills us; never close.
        final BufferedReader in = stdin();
        while (null != in.readLine())
        {
            report("ignored");
        }
        Runtime.getRuntime().halt(3);
    }

    private static void serve(final Path stateDir, final long capacity) throws IOException
    {
        final IpPrefix key = new IpPrefix();
        final byte[] scratch = new byte[16];
        final Ban entry = new Ban();
        try (BanStore store = BanStore.openForDaemon(stateDir, capacity, BanStoreChild::report))
        {
            report("ready " + ProcessHandle.current().pid());
            final BufferedReader in = stdin();
            String line;
            while (null != (line = in.readLine()))
            {
                final String[] words = line.split(" ");
                if ("quit".equals(words[0]))
                {
                    break;
                }

                final int from = Integer.parseInt(words[1]);
                final int to = Integer.parseInt(words[2]);
                for (int i = from; i < to; i++)
                {
                    TestBans.entry(i, entry, key, scratch);
                    if ("unban".equals(words[0]))
                    {
                        entry.action(BanAction.UNBAN).originSequence(entry.originSequence() + 1);
                    }
                    store.put(entry);
                }
                report("done " + words[0] + " " + to);
            }
        }
        report("closed");
    }

    private static void analytics(final Path stateDir) throws IOException
    {
        // Everything that reaches Chronicle: create, reopen, recover, read from a second handle.
        try (BanStore store = BanStore.openForDaemon(stateDir, 1000, BanStoreChild::report))
        {
            store.put(TestBans.entry(1));
        }
        try (BanStore store = BanStore.openForDaemon(stateDir, 1000, BanStoreChild::report))
        {
            store.put(TestBans.entry(2));
        }
        Files.write(stateDir.resolve(BanStore.OPEN_MARKER_FILE_NAME), new byte[0]);
        try (BanStore store = BanStore.openForDaemon(stateDir, 1000, BanStoreChild::report);
            BanStore reader = BanStore.openReader(stateDir, BanStoreChild::report))
        {
            store.put(TestBans.entry(3));
            report("reader-size " + reader.size());
        }

        reportAnalyticsState();
    }

    private static void rawChronicle(final Path file) throws IOException
    {
        try (ChronicleMap<Long, Long> map = ChronicleMap.of(Long.class, Long.class).entries(100)
            .createPersistedTo(file.toFile()))
        {
            map.put(1L, 2L);
        }
        reportAnalyticsState();

        final BufferedReader in = stdin();
        String line;
        while (null != (line = in.readLine()) && !"quit".equals(line))
        {
            report("ignored");
        }
    }

    private static void reportAnalyticsState()
    {
        report("property " + BanStore.ANALYTICS_DISABLE_PROPERTY + "=" +
            System.getProperty(BanStore.ANALYTICS_DISABLE_PROPERTY));
        report("analytics-enabled " + AnalyticsFacade.isEnabled());
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().toLowerCase().contains("analytics"))
            {
                report("analytics-thread " + thread.getName());
            }
        }
        report("analytics-done");
    }

    private static BufferedReader stdin()
    {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    }

    private static void report(final String line)
    {
        OUT.println(line);
        OUT.flush();
    }
}
