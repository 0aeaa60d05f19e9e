package io.blocksync.bench;

import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.config.KeyText;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * N nodes, each its own process started through the distribution's launcher ({@code bin/blocksync run}) in a network
 * namespace of its own, host I on one bridge ({@link BridgeSegment}: 192.0.2.I, port 7701), every node peered with
 * every other (full mesh), each with the nftables backend in managed mode, so bans land in real kernel sets
 * ({@code table inet blocksync}). Counters are read from each node's status file, kept open (one map per node), so
 * polling them is cheap.
 */
final class KernelFleet implements AutoCloseable
{
    private static final int PORT = 7701;

    private final NetworkNamespaces namespaces;
    private final Path dir;
    private final int size;
    private final String[] hosts;
    private final Process[] processes;
    private final StatusFile[] status;
    private final int[] counterIds;

    /**
     * @param namespaces where the hosts are made; closing it kills the nodes.
     * @param dir        configs, state directories and logs ({@code nodeI.conf}, {@code nodeI/}, {@code nodeI.log}).
     * @param size       nodes, 2 to 254.
     */
    KernelFleet(final NetworkNamespaces namespaces, final Path dir, final int size)
    {
        this.namespaces = namespaces;
        this.dir = dir;
        this.size = size;
        this.hosts = new String[size + 1];
        this.processes = new Process[size + 1];
        this.status = new StatusFile[size + 1];
        this.counterIds = new int[size + 1];
    }

    /**
     * Make the hosts, write the configs and start every node; returns once each answers on its control socket.
     *
     * @param launcher  {@code bin/blocksync}.
     * @param javaOpts  {@code BLOCKSYNC_JAVA_OPTS} (replaces the launcher's memory, GC and JIT flags), null for the
     *                  launcher's own.
     * @param extra     config text appended to every node's file (e.g. a {@code [bans]} section).
     * @throws IOException if a config cannot be written or a node cannot start.
     */
    void start(final Path launcher, final String javaOpts, final String extra) throws IOException
    {
        configure(extra);
        for (int id = 1; id <= size; id++)
        {
            spawn(id, launcher, javaOpts, null);
        }
        for (int id = 1; id <= size; id++)
        {
            awaitReady(id);
        }
    }

    /**
     * Make the hosts and write every node's config ({@code nodeI.conf}), starting none: {@link #spawn} starts them.
     *
     * @param extra config text appended to every node's file (e.g. a {@code [bans]} section).
     * @throws IOException if a config cannot be written.
     */
    void configure(final String extra) throws IOException
    {
        final BridgeSegment lan = namespaces.bridge("bsk");
        final SecureRandom random = new SecureRandom();
        final String[] privateKeys = new String[size + 1];
        final String[] publicKeys = new String[size + 1];
        for (int id = 1; id <= size; id++)
        {
            hosts[id] = lan.host(id);
            final byte[] seed = NodeKey.generateSeed(random);
            privateKeys[id] = KeyText.encode(seed);
            publicKeys[id] = KeyText.encode(NodeKey.fromSeed(1, seed).publicKey());
        }
        for (int id = 1; id <= size; id++)
        {
            final StringBuilder text = new StringBuilder("[node]\nid = ").append(id)
                .append("\nlisten = ").append(address(id)).append(':').append(PORT)
                .append("\nstate-dir = node").append(id).append("\nkey = ").append(privateKeys[id])
                // -Dbench.state-sync=never: the nodes share one disk here, so their syncs queue behind each other.
                .append("\nstate-sync = ").append(System.getProperty("bench.state-sync", "always"))
                .append("\n\n[firewall]\nbackend = nftables\n")
                // -Dbench.firewall-keys="bulk-interval = 0": more [firewall] keys, one a line ("\n" between them).
                .append(System.getProperty("bench.firewall-keys", "").replace("\\n", "\n")).append("\n\n")
                .append(extra).append('\n');
            for (int peer = 1; peer <= size; peer++)
            {
                if (peer != id)
                {
                    text.append("[peer ").append(peer).append("]\naddress = ").append(address(peer)).append(':')
                        .append(PORT).append("\nkey = ").append(publicKeys[peer]).append("\n\n");
                }
            }
            final Path config = dir.resolve("node" + id + ".conf");
            Files.writeString(config, text);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /**
     * Start node {@code id} in its namespace ({@link #configure} first); {@link #awaitReady} waits for its answer.
     *
     * @param launcher    {@code bin/blocksync}.
     * @param javaOpts    {@code BLOCKSYNC_JAVA_OPTS}, null for the launcher's own.
     * @param toolOptions {@code JAVA_TOOL_OPTIONS} (added to the launcher's flags, e.g. a system property), or null.
     */
    void spawn(final int id, final Path launcher, final String javaOpts, final String toolOptions)
    {
        final List<String> command = new ArrayList<>(List.of("env"));
        if (null != toolOptions)
        {
            command.add("JAVA_TOOL_OPTIONS=" + toolOptions);
        }
        // -Dbench.node2-java-opts=...: node 2 (a receiving peer) alone, e.g. to record a flight recording of it.
        final String opts = 2 == id ? System.getProperty("bench.node2-java-opts", javaOpts) : javaOpts;
        if (null != opts)
        {
            // env execs the launcher, which execs java: the pid stays the JVM's.
            command.add("BLOCKSYNC_JAVA_OPTS=" + opts);
        }
        command.addAll(List.of(launcher.toAbsolutePath().toString(), "run", "-c", dir.resolve("node" + id + ".conf").toString()));
        processes[id] = namespaces.spawn(hosts[id], dir.resolve("node" + id + ".log"), command);
    }

    /** @return host I's IPv4 address. */
    static String address(final int id)
    {
        return BridgeSegment.IPV4_NETWORK + "." + id;
    }

    /** @return node {@code id}'s state directory (its control socket is there). */
    Path stateDir(final int id)
    {
        return dir.resolve("node" + id);
    }

    /** @return node {@code id}'s namespace. */
    String host(final int id)
    {
        return hosts[id];
    }

    /** @return node {@code id}'s process (the launcher execs java, so it is the JVM). */
    Process process(final int id)
    {
        return processes[id];
    }

    /**
     * @return node {@code id}'s {@code firewall_changes_applied}: element adds and deletes the kernel confirmed,
     * read from its status file as the node writes it.
     * @throws IllegalStateException with the end of its log if the node has exited.
     */
    long kernelChanges(final int id) throws IOException
    {
        if (!processes[id].isAlive())
        {
            throw new IllegalStateException("node " + id + " exited:\n" + BenchFiles.tail(dir.resolve("node" + id + ".log"), 3000));
        }
        if (null == status[id])
        {
            status[id] = StatusFile.openForReading(stateDir(id));
            final CountersReader reader = status[id].countersReader();
            counterIds[id] = -1;
            reader.forEach((counterId, typeId, key, label) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && "firewall_changes_applied".equals(label))
                {
                    counterIds[id] = counterId;
                }
            });
        }
        return counterIds[id] < 0 ? -1 : status[id].countersReader().getCounterValue(counterIds[id]);
    }

    /**
     * @param set a set of {@code table inet blocksync}, e.g. {@code ban6_64}.
     * @return how many 2001:db8:... elements {@code nft list set} shows in node {@code id}'s kernel.
     */
    int kernelElements(final int id, final String set)
    {
        final String listing = namespaces.exec(Duration.ofMinutes(5), hosts[id], "nft", "list", "set", "inet", "blocksync", set)
            .stdout();
        return count(listing);
    }

    /** @return how often "2001:db8:" occurs in an {@code nft list set} listing: its elements. */
    static int count(final String listing)
    {
        int count = 0;
        for (int at = listing.indexOf("2001:db8:"); at >= 0; at = listing.indexOf("2001:db8:", at + 1))
        {
            count++;
        }
        return count;
    }

    /** @return how many nodes. */
    int size()
    {
        return size;
    }

    /** Wait up to 180 s for node {@code id} to answer {@code ping} on its control socket. */
    void awaitReady(final int id)
    {
        Poll.until("node " + id + " to answer on its control socket", Duration.ofSeconds(180), () ->
        {
            if (!processes[id].isAlive())
            {
                throw new IllegalStateException("node " + id + " exited:\n" + BenchFiles.tail(dir.resolve("node" + id + ".log"), 3000));
            }
            try
            {
                final List<String> reply = ControlClient.exchange(stateDir(id), List.of("ping"));
                return !reply.isEmpty() && reply.get(0).startsWith("ok");
            }
            catch (final IOException ex)
            {
                return false; // Not listening yet.
            }
        });
    }

    /** Close the status files, stop the nodes (SIGTERM) and wait up to 30 s for each to exit. */
    @Override
    public void close()
    {
        for (final StatusFile file : status)
        {
            if (null != file)
            {
                file.close();
            }
        }
        for (int id = 1; id <= size; id++)
        {
            if (null != processes[id])
            {
                processes[id].destroy();
            }
        }
        for (int id = 1; id <= size; id++)
        {
            // Let each JVM finish its shutdown (a flight recording or -XX:+CITime is written then) before the
            // namespaces go.
            try
            {
                if (null != processes[id])
                {
                    processes[id].waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
