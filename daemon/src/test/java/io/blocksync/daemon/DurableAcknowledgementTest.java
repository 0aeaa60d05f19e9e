package io.blocksync.daemon;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's {@code ok} and an ACK to a peer leave only after the sync that makes their decision durable, one sync
 * covers a burst, and a power loss at any moment loses nothing that was acknowledged. The disk is a
 * {@link SnapshotSync}: it counts syncs, holds them at a gate, copies the state files at each one (the map only at
 * checkpoints, the write-ahead log and the small files at each group commit), and cuts the power.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DurableAcknowledgementTest
{
    private static final String SETTINGS = "[bans]\ncapacity = 5000\n";
    /** A small store, so that its write-ahead log is the smallest (64 KiB) and checkpoints come every ~170 bans. */
    private static final int POWER_LOSS_CAPACITY = 1000;
    /** Below node 2's share for node 1's decisions (origin-quota 50 %), so every decision can be taken there. */
    private static final int MAX_SENT = 480;

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private final List<SnapshotSync> disks = new ArrayList<>();
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private LoopbackCluster files;
    private OutputStream logOut;
    private EventLog log;

    @AfterEach
    void stop() throws IOException
    {
        clients.shutdownNow();
        for (final SnapshotSync disk : disks)
        {
            disk.open();
        }
        for (final Node node : nodes)
        {
            node.close();
        }
        if (null != log)
        {
            log.close();
            logOut.close();
        }
    }

    @Test
    void noOkAndNoAckLeavesBeforeTheSyncThatCoversIt() throws Exception
    {
        final SnapshotSync disk1 = new SnapshotSync(stateDir(1), null, 0);
        final SnapshotSync disk2 = new SnapshotSync(stateDir(2), null, 0);
        disk1.close();
        disk2.close();
        final Node node1 = start(2, 1, disk1);
        final Node node2 = start(2, 2, disk2);
        Poll.until("both peers up", () -> node1.allPeersUp() && node2.allPeersUp());

        final CompletableFuture<List<String>> reply = CompletableFuture.supplyAsync(() -> exchange(1, "ban 198.51.100.8 60 ssh 0 0"));
        Poll.until("node 1 decided and asked for a sync", () -> node1.counters().localDecisions.get() == 1 && disk1.entered() >= 1);
        Poll.until("node 2 took the ban and asked for a sync", () -> node2.counters().bansApplied.get() == 1 && disk2.entered() >= 1);
        assertTrue(StoreView.isBanned(stateDir(1), "198.51.100.8"), "decided at node 1");
        assertTrue(StoreView.isBanned(stateDir(2), "198.51.100.8"), "taken at node 2");
        // Heartbeats keep both loops cycling meanwhile: the loop itself never waits for the gate.
        final long heartbeats = node1.counters().heartbeatsReceived.get();
        Poll.until("two more heartbeats at node 1", () -> node1.counters().heartbeatsReceived.get() >= heartbeats + 2);
        assertFalse(reply.isDone(), "no ok before node 1's sync");
        assertEquals(0, node2.counters().acksSent.get(), "no ACK before node 2's sync");
        assertEquals(0, node1.peerCounter(2, Peer.ACKED_BATCHES_ID), "nothing acknowledged to node 1");

        disk1.open();
        assertEquals(List.of("ok ban 198.51.100.8"), reply.get(30, TimeUnit.SECONDS));
        assertTrue(disk1.completed() >= 1, "the ok came after a completed sync");
        assertEquals(0, node2.counters().acksSent.get(), "node 2 still holds its ACK");

        disk2.open();
        Poll.until("node 2 acknowledged the batch", () -> node1.peerCounter(2, Peer.ACKED_BATCHES_ID) >= 1);
        assertTrue(disk2.completed() >= 1);
    }

    @Test
    void oneSyncCoversABurst() throws Exception
    {
        // A disk that takes 5 ms a sync, at both nodes.
        final SnapshotSync disk = new SnapshotSync(stateDir(1), null, TimeUnit.MILLISECONDS.toNanos(5));
        final SnapshotSync disk2 = new SnapshotSync(stateDir(2), null, TimeUnit.MILLISECONDS.toNanos(5));
        final Node node = start(2, 1, disk);
        final Node node2 = start(2, 2, disk2);
        Poll.until("both peers up", () -> node.allPeersUp() && node2.allPeersUp());

        // 1,000 bans in one request: one sync.
        final long before = disk.completed();
        final List<String> request = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            request.add("ban 10.100." + (i / 250) + "." + (i % 250) + " 600 ssh 0 0");
        }
        final List<String> replies = ControlClient.exchange(stateDir(1), request);
        assertEquals(1000, replies.stream().filter(line -> line.startsWith("ok ban")).count());
        final long oneRequest = disk.completed() - before;
        assertTrue(oneRequest >= 1 && oneRequest <= 3, "syncs for one request of 1,000 bans: " + oneRequest);

        // 1,000 more from 5 operators at once, 200 each: a handful of syncs, not one per ban. Decisions are signed off
        // the loop, a ring at a time, so the requests' last decisions are stored (and their syncs asked for) one
        // after another: at most one sync per request, and up to two more as for the single request above.
        final long beforeOperators = disk.completed();
        final List<CompletableFuture<List<String>>> operators = new ArrayList<>();
        for (int c = 0; c < 5; c++)
        {
            final List<String> lines = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                lines.add("ban 10." + c + "." + (i / 250) + "." + (i % 250) + " 600 ssh 0 0");
            }
            operators.add(CompletableFuture.supplyAsync(() -> exchange(1, lines), clients));
        }
        for (final CompletableFuture<List<String>> operator : operators)
        {
            assertEquals(200, operator.get(60, TimeUnit.SECONDS).stream().filter(line -> line.startsWith("ok ban")).count());
        }
        final long fiveRequests = disk.completed() - beforeOperators;
        assertTrue(fiveRequests >= 1 && fiveRequests <= 7, "syncs for five concurrent requests of 200 bans: " + fiveRequests);

        // Node 2 took the 2,000 bans in many batches and acknowledged them all with far fewer syncs.
        Poll.until("node 2 took every ban", () -> node2.counters().bansApplied.get() == 2000);
        Poll.until("node 2 acknowledged every batch",
            () -> node.peerCounter(2, Peer.ACKED_BATCHES_ID) == node.peerCounter(2, Peer.SENT_BATCHES_ID));
        final long batches = node2.peerCounter(1, Peer.BATCHES_RECEIVED_ID);
        final long syncs2 = node2.counters().stateSyncs.get();
        assertTrue(batches >= 100, batches + " batches");
        assertTrue(syncs2 >= 1 && syncs2 <= batches / 4, syncs2 + " syncs at node 2 for " + batches + " batches");
    }

    @Test
    void aPowerLossLosesNothingAcknowledged() throws Exception
    {
        final SnapshotSync disk1 = new SnapshotSync(stateDir(1), dir.resolve("disk1"), 0);
        final SnapshotSync disk2 = new SnapshotSync(stateDir(2), dir.resolve("disk2"), 0);
        files = LoopbackCluster.write(dir, 2, "[bans]\ncapacity = " + POWER_LOSS_CAPACITY + "\n");
        // Made ahead, so that the first stream sequence is known: node 1 continues from this file.
        final long firstStream;
        Files.createDirectories(stateDir(1), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        try (ProgressFile progress = ProgressFile.open(stateDir(1), 1, System.currentTimeMillis()))
        {
            firstStream = progress.streamNext();
        }
        // The disks start with the maps as the nodes open them: empty, and synced.
        for (int id = 1; id <= 2; id++)
        {
            BanStore.openForDaemon(stateDir(id), POWER_LOSS_CAPACITY, line -> { }, true).close();
        }
        disk1.syncMap();
        disk2.syncMap();
        final Node node1 = start(0, 1, disk1);
        final Node node2 = start(0, 2, disk2);
        Poll.until("both peers up", () -> node1.allPeersUp() && node2.allPeersUp());

        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        final List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int c = 0; c < 4; c++)
        {
            final int client = c;
            running.add(CompletableFuture.runAsync(() ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    final String prefix = "10." + client + "." + (i / 250) + "." + (i % 250);
                    if (sent.incrementAndGet() > MAX_SENT)
                    {
                        return;
                    }
                    final List<String> reply = exchangeOrNull(prefix);
                    if (null == reply || reply.isEmpty())
                    {
                        return;
                    }
                    if (reply.get(0).equals("ok ban " + prefix))
                    {
                        acknowledged.add(prefix);
                    }
                }
            }, clients));
        }

        // The power fails at both nodes at once, in the middle of the traffic.
        // After a checkpoint at each node, so that the disk holds a map of then and a log of changes since.
        Poll.until("node 2 acknowledged a batch of node 1's", () -> node1.peerCounter(2, Peer.ACKED_BATCHES_ID) >= firstStream,
            () -> acknowledged.size() + " acknowledged by node 1");
        // Node 2's mark for node 1 starts only when catch-up fills the range below node 1's first batch (an origin's
        // sequences start at its epoch, which a new peer learns from SYNC, after a heartbeat), so wait for the disk
        // itself to hold a mark, rather than count syncs after an ACK.
        // And what is still to come fits in node 1's flight window: after the cut node 2 acknowledges nothing more
        // (its ACKs wait for syncs), so node 1 sends at most a flight window (256 batches here) past node 2's last ACK.
        // Node 2's syncs copy the whole state directory, and on a fast machine the clients had outrun its ACKs by more
        // than that, so node 2 could never take every decision below.
        Poll.until("300 bans acknowledged by node 1, node 2's disk holding a mark for node 1, a checkpoint at each, " +
                "what node 2 has not acknowledged within half a flight window",
            () -> acknowledged.size() >= 300 && diskMark(disk2, 2, 1) > 0 && disk1.mapSyncs() >= 2 && disk2.mapSyncs() >= 2 &&
                unacknowledged(node1) + Math.max(0, MAX_SENT - sent.get()) < 128,
            () -> acknowledged.size() + " acknowledged, node 2's disk mark for node 1 " + diskMark(disk2, 2, 1) +
                " after " + disk2.completed() + " syncs, map syncs " + disk1.mapSyncs() + " and " + disk2.mapSyncs() +
                ", " + unacknowledged(node1) + " batches unacknowledged by node 2, " + sent.get() + " sent");
        disk1.cutPower();
        disk2.cutPower();
        // Let every request in flight be decided and every batch taken: a node that acknowledged without its sync
        // would now answer ok or ACK beyond what its disk holds.
        Poll.until("every request sent was decided at node 1",
            () -> node1.counters().localDecisions.get() >= Math.min(sent.get(), MAX_SENT) && node2.counters().bansApplied.get() == node1.counters().localDecisions.get(),
            () -> node1.counters().localDecisions.get() + " decided, " + sent.get() + " sent, " + node2.counters().bansApplied.get() + " at node 2");
        final long heartbeats = node1.counters().heartbeatsReceived.get();
        Poll.until("two more heartbeats from node 2", () -> node1.counters().heartbeatsReceived.get() >= heartbeats + 2);
        final Set<String> okBeforeStop = Set.copyOf(acknowledged);
        // The stream sequence up to which node 2 acknowledged node 1's batches.
        final long acked = node1.peerCounter(2, Peer.ACKED_BATCHES_ID);
        for (final Node node : nodes)
        {
            node.close();
        }
        nodes.clear();
        for (final CompletableFuture<Void> client : running)
        {
            client.get(60, TimeUnit.SECONDS);
        }
        final Set<String> late = new java.util.TreeSet<>(acknowledged);
        late.removeAll(okBeforeStop);
        assertTrue(late.isEmpty(), late.size() + " oks came after the power was cut, e.g. " + late.stream().limit(5).toList());

        // Node 1 restarts on what its disk held: every ok'd ban is there, below its origin sequence.
        final Path after1 = disk1.lastSnapshot();
        final long now = System.currentTimeMillis();
        final long[] maxOriginSequence = { 0 };
        final Set<String> held1 = ConcurrentHashMap.newKeySet();
        final List<String> openLines = new ArrayList<>();
        assertTrue(disk1.mapSyncs() >= 2, "checkpoints at node 1: " + (disk1.mapSyncs() - 1));
        try (BanStore store = BanStore.openForDaemon(after1, POWER_LOSS_CAPACITY, openLines::add))
        {
            store.forEach((Ban ban) ->
            {
                if (ban.isActiveAt(now))
                {
                    held1.add(io.blocksync.codec.AddressText.format(ban.prefix()));
                    maxOriginSequence[0] = Math.max(maxOriginSequence[0], ban.originSequence());
                }
            });
        }
        System.out.println("node 1 restarted on its disk: " + openLines);
        final Set<String> lost = new java.util.TreeSet<>(acknowledged);
        lost.removeAll(held1);
        assertTrue(lost.isEmpty(), lost.size() + " of " + acknowledged.size() + " acknowledged bans lost: " + lost);
        assertTrue(openLines.stream().anyMatch(line -> line.contains("write-ahead log") && line.contains("replayed")),
            "the log after the last checkpoint was replayed: " + openLines);
        // Restarted there, node 1 numbers its next decision above every one its disk holds (the store can be ahead of
        // progress.dat: the files are written back independently), so no origin sequence names two decisions.
        final Path config = dir.resolve("restarted1.conf");
        Files.writeString(config, Files.readString(files.configFile(1)).replace("state-dir = node1", "state-dir = " + after1));
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        final Node restarted = Node.start(ConfigReader.read(config), log, status -> { }, new SnapshotSync(after1, null, 0));
        try
        {
            assertEquals(List.of("ok ban 198.51.100.77"),
                ControlClient.exchange(after1, List.of("ban 198.51.100.77 600 ssh 0 0")));
        }
        finally
        {
            restarted.close();
        }
        try (BanStore store = BanStore.openReader(after1, line -> { }))
        {
            final Ban next = new Ban();
            final io.blocksync.codec.IpPrefix prefix = new io.blocksync.codec.IpPrefix();
            io.blocksync.codec.AddressText.parse("198.51.100.77", prefix, 32, 128);
            assertTrue(store.get(prefix, next));
            assertTrue(next.originSequence() > maxOriginSequence[0],
                "next origin sequence " + next.originSequence() + " above the stored " + maxOriginSequence[0]);
        }

        // Node 2's disk: what its progress.dat claims held, its store holds after replay (the claim is written only
        // after the sync covering it, so it may lag, never lead).
        assertTrue(acked >= firstStream, "node 2 acknowledged batches before the power failed");
        final Path after2 = disk2.lastSnapshot();
        final long highWater;
        try (ProgressFile progress = ProgressFile.open(after2, 2, now))
        {
            highWater = progress.highWater(progress.slot(1));
        }
        final Set<Long> held2 = new java.util.HashSet<>();
        try (BanStore store = BanStore.openForDaemon(after2, POWER_LOSS_CAPACITY, line -> { }))
        {
            store.forEach((Ban ban) ->
            {
                if (ban.originNodeId() == 1)
                {
                    held2.add(ban.originSequence());
                }
            });
        }
        final long firstHeld = held2.stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        long missing = 0;
        for (long sequence = firstHeld; sequence <= highWater; sequence++)
        {
            missing += held2.contains(sequence) ? 0 : 1;
        }
        assertTrue(highWater >= firstHeld, "node 2's disk claims node 1's decisions up to " + highWater);
        assertEquals(0, missing, "node 2's progress.dat claims node 1's decisions up to " + highWater +
            " but its store lacks " + missing + " of them");
    }

    /** Batches node 1 sent node 2 that node 2 has not acknowledged. */
    private static long unacknowledged(final Node node1)
    {
        return node1.peerCounter(2, Peer.SENT_BATCHES_ID) - node1.peerCounter(2, Peer.ACKED_BATCHES_ID);
    }

    private Node start(final int clusterSize, final int id, final SnapshotSync disk) throws Exception
    {
        if (null == files)
        {
            files = LoopbackCluster.write(dir, clusterSize, SETTINGS);
        }
        if (null == log)
        {
            logOut = Files.newOutputStream(dir.resolve("nodes.log"));
            log = new EventLog(logOut);
        }
        disks.add(disk);
        final Node node = Node.start(ConfigReader.read(files.configFile(id)), log, status -> { }, disk);
        nodes.add(node);
        return node;
    }

    /** The high-water mark for {@code origin} in the progress file of a disk's last completed sync; 0 before any. */
    private static long diskMark(final SnapshotSync disk, final int nodeId, final int origin)
    {
        final Path snapshot = disk.lastSnapshot();
        if (!Files.exists(snapshot.resolve(ProgressFile.FILE_NAME)))
        {
            return 0;
        }
        try (ProgressFile progress = ProgressFile.open(snapshot, nodeId, System.currentTimeMillis()))
        {
            final int slot = progress.slot(origin);
            return slot < 0 ? 0 : progress.highWater(slot);
        }
    }

    private Path stateDir(final int id)
    {
        return dir.resolve("node" + id);
    }

    private List<String> exchange(final int id, final String line)
    {
        return exchange(id, List.of(line));
    }

    private List<String> exchange(final int id, final List<String> lines)
    {
        try
        {
            return ControlClient.exchange(stateDir(id), lines);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private List<String> exchangeOrNull(final String prefix)
    {
        try
        {
            return ControlClient.exchange(stateDir(1), List.of("ban " + prefix + " 600 ssh 0 0"));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
