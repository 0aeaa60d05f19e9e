package io.blocksync.daemon;

import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.node.ReplayWindows;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.WriteAheadLog;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power loss against the receive side of {@code progress.dat} (per-peer received stream position, per-origin high
 * water): {@code progress.dat}, {@code bans.wal}, {@code replay.dat} and {@code bans.cmap} are written through
 * mappings, and the kernel writes back each file's dirty pages whenever it likes, independently of the others. So
 * after a power loss each file may be anywhere between its last sync and the moment of the loss ({@link
 * SnapshotSync#crashImage}). Node 2 takes a batch from node 1 whose sync never completes (so it acknowledges
 * nothing), then loses power; for each choice of files written back after that sync, a node 2 restarted over that disk
 * must end up holding the ban node 1 still retains and resends: what {@code progress.dat} claims received may never
 * run ahead of what the store holds after replay, or the resent batch is taken for a duplicate and lost for good.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class PowerLossTest
{
    private static final String SETTINGS = "[bans]\ncapacity = 1000\n";

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private final List<SnapshotSync> disks = new ArrayList<>();
    private OutputStream logOut;
    private EventLog log;

    @AfterEach
    void stop() throws Exception
    {
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

    /** Which files the kernel wrote back after node 2's last completed sync (the review's case first). */
    static Stream<Set<String>> writtenBack()
    {
        final String map = BanStore.MAP_FILE_NAME;
        return Stream.of(
            Set.of(ProgressFile.FILE_NAME),
            Set.of(ProgressFile.FILE_NAME, ReplayWindows.FILE_NAME, map),
            Set.of(),
            Set.of(ProgressFile.FILE_NAME, ReplayWindows.FILE_NAME, map, WriteAheadLog.FILE_NAME));
    }

    @ParameterizedTest
    @MethodSource("writtenBack")
    void aBatchTakenButNeverAcknowledgedIsAppliedAfterAPowerLossWhateverTheKernelWroteBack(final Set<String> writtenBack) throws Exception
    {
        final LoopbackCluster files = LoopbackCluster.write(dir, 2, SETTINGS);
        logOut = Files.newOutputStream(dir.resolve("nodes.log"));
        log = new EventLog(logOut);
        final SnapshotSync disk1 = new SnapshotSync(dir.resolve("node1"), null, 0);
        final SnapshotSync disk2 = new SnapshotSync(dir.resolve("node2"), dir.resolve("disk2"), 0);
        final Node node1 = start(files.configFile(1), disk1);
        final Node node2 = start(files.configFile(2), disk2);
        disk2.syncMap();
        Poll.until("both peers up", () -> node1.allPeersUp() && node2.allPeersUp());

        // A first ban, acknowledged, and node 2's high water for node 1 caught up with it (the epoch's empty range
        // came by SYNC): the steady state of a running cluster.
        assertEquals(List.of("ok ban 198.51.100.7"), ControlClient.exchange(dir.resolve("node1"), List.of("ban 198.51.100.7 3600 ssh 0 0")));
        final long firstOrigin;
        try (ProgressFile progress = ProgressFile.open(dir.resolve("node1"), 1, System.currentTimeMillis()))
        {
            firstOrigin = progress.lastOriginSequence();
        }
        Poll.until("node 2's high water for node 1 at the first ban", () ->
        {
            try (ProgressFile progress = ProgressFile.open(dir.resolve("node2"), 2, System.currentTimeMillis()))
            {
                return progress.highWater(progress.slot(1)) >= firstOrigin;
            }
        });
        Poll.until("the first ban acknowledged", () -> node1.peerCounter(2, Peer.ACKED_BATCHES_ID) >= 1 &&
            node1.peerCounter(2, Peer.ACKED_BATCHES_ID) == node1.peerCounter(2, Peer.SENT_BATCHES_ID));
        final long ackedBefore = node1.peerCounter(2, Peer.ACKED_BATCHES_ID);

        // Node 2's syncs hang from now on: it takes the batch but acknowledges nothing.
        disk2.close();
        assertEquals(List.of("ok ban 198.51.100.8"), ControlClient.exchange(dir.resolve("node1"), List.of("ban 198.51.100.8 3600 ssh 0 0")));
        Poll.until("node 2 took the second ban", () -> node2.counters().bansApplied.get() == 2);
        assertEquals(ackedBefore, node1.peerCounter(2, Peer.ACKED_BATCHES_ID), "node 2 acknowledged nothing");

        // Power loss at node 2: the files as its last completed sync left them, but for those the kernel wrote back.
        disk2.cutPower();
        final Path crashed = disk2.crashImage(dir.resolve("crashed2"), writtenBack);
        disk2.open();
        node2.close();
        nodes.remove(node2);

        final Path config = dir.resolve("crashed2.conf");
        Files.writeString(config, Files.readString(files.configFile(2)).replace("state-dir = node2", "state-dir = " + crashed));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        final Node restarted = start(config, new SnapshotSync(crashed, null, 0));
        Poll.until("node 1 and restarted node 2 up", () -> node1.allPeersUp() && restarted.allPeersUp());
        Poll.until("node 1's batch acknowledged by the restarted node 2",
            () -> node1.peerCounter(2, Peer.ACKED_BATCHES_ID) > ackedBefore);
        // Heartbeats and catch-up have their chance too.
        final long heartbeats = restarted.counters().heartbeatsReceived.get();
        Poll.until("ten more heartbeats at node 2", () -> restarted.counters().heartbeatsReceived.get() >= heartbeats + 10);
        final String seen = "written back " + writtenBack + ": bans applied " + restarted.counters().bansApplied.get() +
            ", duplicate records " + restarted.counters().recordsDuplicate.get() + ", node 1's batch acknowledged up to " +
            node1.peerCounter(2, Peer.ACKED_BATCHES_ID);
        restarted.close();
        nodes.remove(restarted);
        assertTrue(StoreView.isBanned(crashed, "198.51.100.8"), "the ban never reached the restarted node 2: " + seen);
        assertTrue(StoreView.isBanned(crashed, "198.51.100.7"), "the acknowledged ban was lost: " + seen);
    }

    private Node start(final Path config, final SnapshotSync disk) throws Exception
    {
        disks.add(disk);
        final Node node = Node.start(ConfigReader.read(config), log, status -> { }, disk);
        nodes.add(node);
        return node;
    }
}
