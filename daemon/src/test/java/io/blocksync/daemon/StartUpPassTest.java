package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: a node reads its store once at start. The purge of ended entries, the origin quota and expiry index, catch-up's
 * sequence index (and the local origin's highest stored sequence, read from it), the firewall's live bans and the bans
 * covering an own address are all fed from one pass (StartScan), and the loop's first cycle makes no pass of its own.
 * Before, a start made five passes and the loop a sixth.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StartUpPassTest
{
    private static final int PEER_BANS = 3_000;
    private static final int OWN_DECISIONS = 700;
    private static final int ENDED = 400;
    private static final String REASON = "ssh";

    @TempDir
    Path dir;

    private OutputStream logOut;
    private EventLog log;
    private Node node;

    @AfterEach
    void stop() throws Exception
    {
        if (null != node)
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
    void oneStartUpPassFeedsEveryRoleThatReadsTheWholeStore() throws Exception
    {
        final LoopbackCluster files = LoopbackCluster.write(dir, 2, "[bans]\ncapacity = 20000\n");
        logOut = Files.newOutputStream(dir.resolve("node.log"));
        log = new EventLog(logOut);
        // A first run gives node 1 its progress file and one decision of its own, sequence S.
        node = Node.start(ConfigReader.read(files.configFile(1)), log);
        assertEquals("ok ban 2001:db8:1::/64", ControlClient.exchange(files.stateDir(1), List.of("ban 2001:db8:1::/64 600 ssh 0 0")).get(0));
        node.close();
        node = null;
        final long first = storedSequence(files, "2001:db8:1::/64");

        final long now = System.currentTimeMillis();
        try (BanStore store = BanStore.openForDaemon(files.stateDir(1), 20_000))
        {
            for (int i = 0; i < PEER_BANS; i++)
            {
                store.put(ban("2001:db8:2:" + Integer.toHexString(i) + "::", 2, i + 1, now + 3_600_000L));
            }
            // This node's own decisions, newer than its progress file says (written back before a power loss): it
            // must continue above them.
            for (int i = 1; i <= OWN_DECISIONS; i++)
            {
                store.put(ban("2001:db8:1:" + Integer.toHexString(i) + "::", 1, first + i, now + 3_600_000L));
            }
            for (int i = 0; i < ENDED; i++)
            {
                store.put(ban("2001:db8:e:" + Integer.toHexString(i) + "::", 2, 10_000 + i, now - 60_000L));
            }
            // Covers 127.0.0.1, an address of this host: lifted here from the start.
            store.put(ban("127.0.0.0/8", 2, 20_000, now + 3_600_000L));
        }
        final int live = PEER_BANS + OWN_DECISIONS + 2;

        node = Node.start(ConfigReader.read(files.configFile(1)), log);
        final NodeCounters counters = node.counters();
        // The loop's status second publishes the store's size after its cycle's own-address check has run.
        Poll.until("node 1's loop published the store's size", Duration.ofSeconds(60),
            () -> counters.storeEntries.get() == live, () -> "store_entries " + counters.storeEntries.get() + "\n" + log());

        assertEquals(1, node.storePasses(), "passes over the store by start and the loop's first cycles\n" + log());
        // The event log is written by its own thread: poll for the line.
        Poll.until("the purge at open logged", Duration.ofSeconds(30),
            () -> log().contains("purged " + ENDED + " expired entries at open"), this::log);
        assertEquals(live, counters.expiryIndexEntries.get(), "expiry index: every live entry has an end");
        assertEquals(1, counters.bansLiftedOwnAddress.get(), "the ban covering 127.0.0.1 lifted at start\n" + log());

        // Catch-up's index had the local origin's highest stored sequence: the next decision continues above it.
        assertEquals("ok ban 2001:db8:1:ffff::/64",
            ControlClient.exchange(files.stateDir(1), List.of("ban 2001:db8:1:ffff::/64 600 ssh 0 0")).get(0));
        node.close();
        node = null;
        assertEquals(first + OWN_DECISIONS + 1, storedSequence(files, "2001:db8:1:ffff::/64"),
            "the first origin sequence after the stored ones");
        try (BanStore store = BanStore.openReader(files.stateDir(1), message -> { }))
        {
            assertEquals(live + 1, store.size(), "the ended entries were purged");
        }
        assertTrue(!log().contains("error in loop"), log());
    }

    private static long storedSequence(final LoopbackCluster files, final String address) throws Exception
    {
        try (BanStore store = BanStore.openReader(files.stateDir(1), message -> { }))
        {
            final IpPrefix prefix = new IpPrefix();
            assertEquals(null, AddressText.parse(address, prefix, 32, 64));
            final Ban stored = new Ban();
            assertTrue(store.get(prefix, stored), address + " stored");
            assertEquals(1, stored.originNodeId());
            return stored.originSequence();
        }
    }

    private String log()
    {
        try
        {
            return Files.readString(dir.resolve("node.log"));
        }
        catch (final Exception ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    private static Ban ban(final String address, final int origin, final long sequence, final long expiresAtMillis)
    {
        final IpPrefix prefix = new IpPrefix();
        assertEquals(null, AddressText.parse(address, prefix, 32, 64));
        final long origTime = expiresAtMillis - 3_600_000L;
        return new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(origin).originSequence(sequence)
            .originTimeMillis(origTime).durationSeconds(3600).expiresAtMillis(expiresAtMillis)
            .reason(ReasonCode.of(REASON).id()).appliedAtMillis(origTime);
    }
}
