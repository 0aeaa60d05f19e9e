package io.blocksync.bench;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.ConfigException;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.status.CountersReader;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * N nodes of a loopback cluster started in this JVM, as {@code blocksync demo} runs them, plus a reader of each
 * node's counters through its status file (the way {@code blocksync status} reads them). Reading a counter is
 * one volatile load from a mapped page, so a benchmark can poll "has every peer applied ban n?" without touching
 * the peers' Chronicle Maps, whose segment locks the peers' loops would then share with the observer.
 */
public final class ClusterFixture implements AutoCloseable
{
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private final Path dir;
    private final LoopbackCluster files;
    private final OutputStream logOut;
    private final EventLog log;
    private final List<Node> nodes = new ArrayList<>();
    private final List<StatusFile> statusFiles = new ArrayList<>();
    private final List<CountersReader> counters = new ArrayList<>();

    private ClusterFixture(final Path dir, final LoopbackCluster files, final OutputStream logOut)
    {
        this.dir = dir;
        this.files = files;
        this.logOut = logOut;
        this.log = new EventLog(logOut);
    }

    /**
     * Write the configs, start every node, and wait until each one has heard from all its peers.
     *
     * @param settings extra config lines for every node, see {@link LoopbackCluster#write(Path, int, String)}.
     */
    public static ClusterFixture start(final int size, final String settings)
        throws IOException, ConfigException, InterruptedException
    {
        final Path dir = Files.createTempDirectory("blocksync-bench-");
        final LoopbackCluster files = LoopbackCluster.write(dir, size, settings);
        // Buffered: EventLog writes a byte at a time, and the log backend writes a line per applied ban.
        final OutputStream logOut = new BufferedOutputStream(Files.newOutputStream(dir.resolve("nodes.log")), 1 << 16);
        final ClusterFixture fixture = new ClusterFixture(dir, files, logOut);
        try
        {
            for (int id = 1; id <= size; id++)
            {
                fixture.nodes.add(Node.start(ConfigReader.read(files.configFile(id)), fixture.log));
                final StatusFile status = StatusFile.openForReading(files.stateDir(id));
                fixture.statusFiles.add(status);
                fixture.counters.add(status.countersReader());
            }
            Poll.until("peers all up within 30 s, see " + dir.resolve("nodes.log"), START_DEADLINE,
                () -> fixture.nodes.stream().allMatch(Node::allPeersUp));
            return fixture;
        }
        catch (final IOException | ConfigException | RuntimeException ex)
        {
            fixture.close();
            throw ex;
        }
    }

    int size()
    {
        return nodes.size();
    }

    public Node node(final int id)
    {
        return nodes.get(id - 1);
    }

    Path stateDir(final int id)
    {
        return files.stateDir(id);
    }

    /**
     * Id of one of a node's own counters (not a per-peer one) in its status file, e.g. {@code bans_applied}.
     */
    public int counterId(final int nodeId, final String label)
    {
        final CountersReader reader = counters.get(nodeId - 1);
        final int[] found = { -1 };
        reader.forEach((counterId, typeId, key, counterLabel) ->
        {
            if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counterLabel.equals(label))
            {
                found[0] = counterId;
            }
        });
        if (found[0] < 0)
        {
            throw new IllegalArgumentException("node " + nodeId + " has no counter '" + label + "'");
        }
        return found[0];
    }

    public long counter(final int nodeId, final int counterId)
    {
        return counters.get(nodeId - 1).getCounterValue(counterId);
    }

    /** A node's counter about one of its peers, such as {@code acked_batches}. */
    long peerCounter(final int nodeId, final int peerId, final String label)
    {
        final CountersReader reader = counters.get(nodeId - 1);
        final long[] value = { -1 };
        reader.forEach((counterId, typeId, key, counterLabel) ->
        {
            if (typeId == NodeCounters.PEER_COUNTER_TYPE_ID && key.getInt(0) == peerId && counterLabel.endsWith(") " + label))
            {
                value[0] = reader.getCounterValue(counterId);
            }
        });
        return value[0];
    }

    /** Log lines the ring buffer had no room for (the writer thread fell behind). */
    long logDropped()
    {
        return log.dropped();
    }

    long counter(final int nodeId, final String label)
    {
        return counter(nodeId, counterId(nodeId, label));
    }

    /** The n-th /64 of 2001:db8::/32 (documentation space): 2001:db8:HHHH:LLLL::/64 with n = HHHHLLLL. */
    public static IpPrefix documentationPrefix(final long n, final IpPrefix into, final byte[] scratch16)
    {
        scratch16[0] = 0x20;
        scratch16[1] = 0x01;
        scratch16[2] = 0x0d;
        scratch16[3] = (byte)0xb8;
        scratch16[4] = (byte)(n >>> 24);
        scratch16[5] = (byte)(n >>> 16);
        scratch16[6] = (byte)(n >>> 8);
        scratch16[7] = (byte)n;
        return into.set(AddressFamily.IPV6, scratch16, 64);
    }

    public void close()
    {
        for (final StatusFile status : statusFiles)
        {
            status.close();
        }
        for (final Node node : nodes)
        {
            node.close();
        }
        log.close();
        try
        {
            logOut.close();
            try (Stream<Path> paths = Files.walk(dir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
            }
        }
        catch (final IOException ex)
        {
            System.err.println("could not clean up " + dir + ": " + ex);
        }
    }
}
