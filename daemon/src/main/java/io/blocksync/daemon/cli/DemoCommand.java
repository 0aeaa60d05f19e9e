package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.store.BanStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

@Command(name = "demo", description = "Start a few nodes on loopback (no root, no config), ban a documentation address on " +
    "node 1 and show it arriving at every other node with the time it took; then unban it. Exits 0 only if every node got both.")
final class DemoCommand implements Callable<Integer>
{
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Option(names = "--nodes", paramLabel = "COUNT", defaultValue = "3", description = "How many nodes (2-16, default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--address", paramLabel = "ADDRESS", defaultValue = "192.0.2.1", description = "What to ban (default ${DEFAULT-VALUE}, a documentation address).")
    String address;

    @Option(names = "--keep", description = "Keep the temporary directory (configs, state, node log) for a look afterwards.")
    boolean keep;

    public Integer call() throws Exception
    {
        if (nodes < 2 || nodes > 16)
        {
            System.err.println("blocksync demo: --nodes must be 2-16");
            return BlockSyncCli.EXIT_USAGE;
        }
        final IpPrefix prefix = new IpPrefix();
        final String parseError = AddressText.parse(address, prefix, 32, 64);
        if (null != parseError)
        {
            System.err.println("blocksync demo: " + parseError);
            return BlockSyncCli.EXIT_USAGE;
        }

        final Path dir = Files.createTempDirectory("blocksync-demo-");
        final LoopbackCluster cluster = LoopbackCluster.write(dir, nodes, "");
        final Path logFile = dir.resolve("nodes.log");
        final List<Node> running = new ArrayList<>();
        final List<BanStore> readers = new ArrayList<>();
        try (OutputStream logOut = Files.newOutputStream(logFile); EventLog log = new EventLog(logOut))
        {
            System.out.println("BlockSync demo: " + nodes + " nodes on 127.0.0.1 in " + dir);
            for (int id = 1; id <= nodes; id++)
            {
                final NodeConfig config = ConfigReader.read(cluster.configFile(id));
                running.add(Node.start(config, log));
                System.out.println("  node " + id + " listening on 127.0.0.1:" + config.listen().getPort());
            }
            for (int id = 1; id <= nodes; id++)
            {
                readers.add(BanStore.openReader(cluster.stateDir(id)));
            }

            if (!await(() -> running.stream().allMatch(Node::allPeersUp)))
            {
                System.out.println("FAILED: the nodes did not all hear from each other within 10 s (see " + logFile + ")");
                return BlockSyncCli.EXIT_FAILED;
            }
            System.out.println("  all peers up");

            final String text = AddressText.format(prefix);
            System.out.println();
            System.out.println("node 1: ban " + text + " (reason demo, 1h)");
            final boolean banned = propagate(cluster, readers, "ban " + text + " 3600 demo 0 0", prefix, true);

            System.out.println();
            System.out.println("node 1: unban " + text);
            final boolean unbanned = propagate(cluster, readers, "unban " + text, prefix, false);

            System.out.println();
            System.out.println("node 1: ban 127.0.0.1 (a peer's address)");
            System.out.println("  " + ControlClient.exchange(cluster.stateDir(1), List.of("ban 127.0.0.1 60 demo 0 0")).get(0));

            final boolean ok = banned && unbanned;
            System.out.println();
            System.out.println(ok ? "demo passed: every node received the ban and the unban" : "demo FAILED (see " + logFile + ")");
            return ok ? BlockSyncCli.EXIT_OK : BlockSyncCli.EXIT_FAILED;
        }
        finally
        {
            for (final BanStore reader : readers)
            {
                reader.close();
            }
            for (final Node node : running)
            {
                node.close();
            }
            if (keep)
            {
                System.out.println("kept " + dir);
            }
            else
            {
                deleteRecursively(dir);
            }
        }
    }

    /** Send one control line to node 1 and time its arrival at every other node's store. */
    private static boolean propagate(
        final LoopbackCluster cluster, final List<BanStore> readers, final String line, final IpPrefix prefix, final boolean expectBan)
        throws Exception
    {
        final long start = System.nanoTime();
        final List<String> reply = ControlClient.exchange(cluster.stateDir(1), List.of(line));
        final long applied = System.nanoTime();
        System.out.println("  " + reply.get(0) + " on node 1 (" + millis(applied - start) + " incl. the control socket)");
        if (!reply.get(0).startsWith("ok"))
        {
            return false;
        }

        boolean all = true;
        final Ban entry = new Ban();
        for (int i = 1; i < readers.size(); i++)
        {
            final BanStore reader = readers.get(i);
            final boolean arrived = await(() -> reader.get(prefix, entry) && entry.isBan() == expectBan);
            final long at = System.nanoTime();
            System.out.println("  node " + (i + 1) + ": " + (arrived ? (expectBan ? "banned" : "unbanned") + " after " +
                millis(at - applied) : "NOT received within 10 s"));
            all &= arrived;
        }
        return all;
    }

    private static boolean await(final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            LockSupport.parkNanos(20_000);
        }
        return true;
    }

    private static String millis(final long nanos)
    {
        return String.format("%.3f ms", nanos / 1e6);
    }

    private static void deleteRecursively(final Path dir) throws java.io.IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
