package io.blocksync.daemon.node;

import io.blocksync.daemon.status.EventLog;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Nodes of the protocol engine on one manual clock and one seeded in-memory network, driven step by step: each
 * millisecond of simulated time every node works until it has nothing left to do. Whatever the test does, the
 * same seed replays the same run.
 */
final class EngineCluster implements AutoCloseable
{
    static final long MS = 1_000_000L;

    private final Settings settings;
    private final CachedNanoClock nanoClock = new CachedNanoClock();
    private final CachedEpochClock epochClock = new CachedEpochClock();
    private final InMemoryNetwork network;
    private final EventLog log = new EventLog(OutputStream.nullOutputStream());
    private final List<Integer> nodeIds = new ArrayList<>();
    private final List<EngineNode> nodes = new ArrayList<>();

    EngineCluster(final Path dir, final int nodeCount, final long seed, final Settings settings) throws Exception
    {
        this.settings = settings;
        nanoClock.update(1_000 * MS);
        epochClock.update(1_764_000_000_000L);
        network = new InMemoryNetwork(nanoClock, seed);
        for (int id = 1; id <= nodeCount; id++)
        {
            nodeIds.add(id);
        }
        for (final int id : nodeIds)
        {
            nodes.add(new EngineNode(this, id, dir.resolve("node" + id)));
        }
    }

    Settings settings()
    {
        return settings;
    }

    CachedNanoClock nanoClock()
    {
        return nanoClock;
    }

    CachedEpochClock epochClock()
    {
        return epochClock;
    }

    InMemoryNetwork network()
    {
        return network;
    }

    EventLog log()
    {
        return log;
    }

    List<Integer> nodeIds()
    {
        return nodeIds;
    }

    EngineNode node(final int nodeId)
    {
        return nodes.get(nodeId - 1);
    }

    long nowNanos()
    {
        return nanoClock.nanoTime();
    }

    /**
     * Restart a node as its process would restart: everything in memory is gone, what it had not yet read from its
     * socket too, and it opens its state directory again, or an empty one when {@code loseState} (a disk that died).
     */
    EngineNode restart(final int nodeId, final boolean loseState) throws Exception
    {
        final EngineNode old = node(nodeId);
        old.close();
        network.endpoint(old.address).discardInbox();
        if (loseState)
        {
            deleteRecursively(old.stateDir);
        }
        final EngineNode restarted = new EngineNode(this, nodeId, old.stateDir);
        nodes.set(nodeId - 1, restarted);
        return restarted;
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (var paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }

    /** Every node works until none has anything left to do at this instant. */
    void settle() throws Exception
    {
        for (int round = 0; round < 10_000; round++)
        {
            int work = 0;
            for (final EngineNode node : nodes)
            {
                work += node.doWork();
            }
            if (work == 0)
            {
                return;
            }
        }
        throw new AssertionError("the cluster did not settle (seed " + network.seed() + ")");
    }

    /** Advance one millisecond and settle. */
    void step() throws Exception
    {
        nanoClock.advance(MS);
        epochClock.advance(1);
        settle();
    }

    /** Advance {@code millis} in steps of {@code stepMillis}, settling after each: long idle stretches, quickly. */
    void runForMillis(final long millis, final long stepMillis) throws Exception
    {
        for (long elapsed = 0; elapsed < millis; elapsed += stepMillis)
        {
            final long step = Math.min(stepMillis, millis - elapsed);
            nanoClock.advance(step * MS);
            epochClock.advance(step);
            settle();
        }
    }

    void runForMillis(final long millis) throws Exception
    {
        for (long i = 0; i < millis; i++)
        {
            step();
        }
    }

    /**
     * Step until the condition holds.
     *
     * @return simulated milliseconds it took.
     * @throws AssertionError naming the seed when it does not hold within {@code maxMillis}.
     */
    long runUntil(final BooleanSupplier condition, final long maxMillis, final String what) throws Exception
    {
        for (long elapsed = 0; elapsed <= maxMillis; elapsed++)
        {
            if (condition.getAsBoolean())
            {
                return elapsed;
            }
            step();
        }
        throw new AssertionError(what + ": not within " + maxMillis + " ms (seed " + network.seed() + ")");
    }

    public void close()
    {
        for (final EngineNode node : nodes)
        {
            CloseHelper.quietClose(node);
        }
        log.close();
    }

    /** Protocol timings and the retained ring's size, as the [protocol] section would set them. */
    static final class Settings
    {
        int sendWindow = 64;
        long retransmitMinNanos = 200 * MS;
        long retransmitMaxNanos = 2_000 * MS;
        long heartbeatIntervalNanos = 100 * MS;
        long suspectAfterNanos = 300 * MS;
        long downAfterNanos = 1_000 * MS;
        int originRate = 1_000_000;
        long originBurst;
        int snapshotChunkBudget = io.blocksync.daemon.config.NodeConfig.DEFAULT_SNAPSHOT_CHUNK_BUDGET;
        java.util.function.IntFunction<io.blocksync.firewall.Firewall> firewalls;
        int storeCapacity = 10_000;
        int originQuotaPercent = 50;
        long maxClockSkewMillis = 300_000;
        long clockWarningMillis = 30_000;
        private final java.util.Map<Integer, Long> clockOffsets = new java.util.HashMap<>();

        Settings sendWindow(final int batches)
        {
            sendWindow = batches;
            return this;
        }

        /** {@code [bans] origin-rate}, with one second of burst (the guard as these tests knew it). */
        Settings originRate(final int recordsPerSecond)
        {
            originRate = recordsPerSecond;
            originBurst = recordsPerSecond;
            return this;
        }

        /** {@code [bans] origin-rate} and {@code origin-burst} (0: the origin quota, the daemon's default). */
        Settings floodGuard(final int recordsPerSecond, final long burst)
        {
            originRate = recordsPerSecond;
            originBurst = burst;
            return this;
        }

        /** {@code [protocol] snapshot-chunk-budget}. */
        Settings snapshotChunkBudget(final int chunks)
        {
            snapshotChunkBudget = chunks;
            return this;
        }

        /** Node n's firewall from this factory instead of the log dry run (null: the dry run). */
        Settings firewalls(final java.util.function.IntFunction<io.blocksync.firewall.Firewall> factory)
        {
            firewalls = factory;
            return this;
        }

        /** Node {@code nodeId}'s wall clock runs {@code offsetMillis} ahead of the cluster's (behind when negative). */
        Settings clockOffset(final int nodeId, final long offsetMillis)
        {
            clockOffsets.put(nodeId, offsetMillis);
            return this;
        }

        long clockOffsetMillis(final int nodeId)
        {
            return clockOffsets.getOrDefault(nodeId, 0L);
        }

        /** {@code [protocol] max-clock-skew} of every node. */
        Settings maxClockSkew(final long millis)
        {
            maxClockSkewMillis = millis;
            return this;
        }

        /** {@code [protocol] clock-warning} of every node. */
        Settings clockWarning(final long millis)
        {
            clockWarningMillis = millis;
            return this;
        }

        /** Each node's store: entries, and the share in percent one peer origin may hold. */
        Settings store(final int capacity, final int quotaPercent)
        {
            storeCapacity = capacity;
            originQuotaPercent = quotaPercent;
            return this;
        }
    }
}
