package io.blocksync.daemon;

import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13: bans imported at two origins at once converge on every node of a five-process cluster while the network
 * loses 30 % of all UDP datagrams (BATCHes, ACKs, heartbeats and SYNCs alike). The five daemons run in a throw-away
 * network namespace of their own, on its loopback, where an nftables rule on the output hook drops each UDP datagram
 * with probability 30 % ({@code numgen random mod 100 < 30}); the rule's counter proves datagrams were dropped.
 * Every node must hold exactly the imported bans and have applied each once ({@code bans_applied}).
 * <p>
 * CI runs 10,000 bans. The 100,000-ban figure in PERFORMANCE.md is this test with {@code -Dcluster.loss.bans=100000}
 * (same code path; it prints the time to converge).
 */
class ClusterLossProcessTest
{
    /** Bans in all, half decided at node 1 and half at node 2; even. */
    private static final int BANS = Integer.getInteger("cluster.loss.bans", 10_000);
    private static final int LOSS_PERCENT = 30;
    /**
     * Lines per control connection. {@code blocksync ban --file} sends 10,000; a request is answered within the
     * node's 20 s loop deadline or refused, and on a loaded CI box 5,000 lines at once came close to it (11 s), so
     * smaller requests, one after another.
     */
    private static final int SLICE = 1_000;
    /** CI's loaded 2-core box: the loss-free 10,000 converge in seconds; allow far more, scaled with the size. */
    private static final Duration CONVERGE = Duration.ofSeconds(Math.max(90, BANS / 200));
    private static final Pattern DROPPED = Pattern.compile("counter packets (\\d+) bytes");

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private String ns;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeEach
    void requireRoot()
    {
        final String reason = NetworkNamespaces.unavailableReason("nft");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft on PATH; CI installs them)");
    }

    @AfterEach
    void tearDown()
    {
        nodes.forEach(NodeProcess::close);
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void bansFromTwoOriginsConvergeExactlyOnAllFiveUnderThirtyPercentLoss() throws Exception
    {
        namespaces = new NetworkNamespaces();
        ns = namespaces.create("bs-loss");
        namespaces.must(ns, "nft", "add", "table", "inet", "lossy");
        namespaces.must(ns, "nft", "add", "chain", "inet", "lossy", "out", "{ type filter hook output priority -300; }");
        namespaces.must(ns, "nft", "add", "rule", "inet", "lossy", "out", "meta", "l4proto", "udp", "numgen", "random",
            "mod", "100", "<", String.valueOf(LOSS_PERCENT), "counter", "drop");

        // Room for every ban at every node: one origin may fill all of the peers' share.
        final long capacity = Math.max(100_000, 2L * BANS + 1024);
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 5, "[protocol]\nheartbeat-interval = 200ms\n" +
            "retransmit-initial = 50ms\nretransmit-max = 1s\npeer-suspect-after = 1s\npeer-down-after = 3s\n\n" +
            "[bans]\ncapacity = " + capacity + "\norigin-quota = 100\n");
        for (int id = 1; id <= 5; id++)
        {
            nodes.add(new NodeProcess(cluster.configFile(id), cluster.stateDir(id), NetworkNamespaces.inNamespace(ns)).start());
        }
        for (final NodeProcess node : nodes)
        {
            node.awaitReady();
        }

        final Set<String> expected = new HashSet<>();
        final List<String> fromNode1 = new ArrayList<>();
        final List<String> fromNode2 = new ArrayList<>();
        for (int i = 0; i < BANS / 2; i++)
        {
            // 2001:db8:1HHH:LLLL::/64 and 2001:db8:2HHH:LLLL::/64: never the namespace's own addresses.
            final String a = String.format(Locale.ROOT, "2001:db8:%x:%x::/64", 0x1000 + (i >>> 16), i & 0xffff);
            final String b = String.format(Locale.ROOT, "2001:db8:%x:%x::/64", 0x2000 + (i >>> 16), i & 0xffff);
            fromNode1.add("ban " + a + " 3600 scan 0 0");
            fromNode2.add("ban " + b + " 3600 scan 0 0");
            expected.add(ClusterProcessTest.canonical(a));
            expected.add(ClusterProcessTest.canonical(b));
        }

        final long start = System.nanoTime();
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final Future<List<String>> one = pool.submit(() -> importAt(nodes.get(0), fromNode1));
            final Future<List<String>> two = pool.submit(() -> importAt(nodes.get(1), fromNode2));
            assertTrue(one.get().isEmpty(), "node 1 refused some bans: " + one.get());
            assertTrue(two.get().isEmpty(), "node 2 refused some bans: " + two.get());
        }
        finally
        {
            pool.shutdownNow();
        }
        final long imported = System.nanoTime();

        for (int id = 1; id <= 5; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            Poll.until(BANS + " bans applied on node " + id, CONVERGE,
                () -> ClusterProcessTest.counter(stateDir, "bans_applied") >= BANS, () -> seen(cluster));
        }
        final long converged = System.nanoTime();
        final long dropped = dropped();
        System.out.printf(Locale.ROOT, "%d bans, %d %% loss: imported at both origins in %.1f s, on all five in %.1f s; " +
            "%d datagrams dropped; load average %s%n", BANS, LOSS_PERCENT, (imported - start) / 1e9,
            (converged - start) / 1e9, dropped, loadAverage());

        assertTrue(dropped > 0, "the loss rule dropped datagrams: " + dropped);
        for (int id = 1; id <= 5; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            assertEquals(expected, StoreView.activeBans(stateDir), "node " + id + " holds exactly the " + BANS + " bans");
            // Each ban applied exactly once on every node, however often it was retransmitted or re-sent by SYNC.
            assertEquals(BANS, ClusterProcessTest.counter(stateDir, "bans_applied"), "bans_applied on node " + id + "\n" + seen(cluster));
            Poll.until("node " + id + " publishes store_entries " + BANS, Duration.ofSeconds(10),
                () -> ClusterProcessTest.counter(stateDir, "store_entries") == BANS, () -> seen(cluster));
        }
    }

    /**
     * Send the lines to the node in requests of {@link #SLICE} lines, one after another.
     *
     * @return the replies that are not {@code ok ban}, at most three.
     */
    static List<String> importAt(final NodeProcess node, final List<String> lines) throws Exception
    {
        final List<String> refused = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += SLICE)
        {
            for (final String reply : node.control(lines.subList(from, Math.min(lines.size(), from + SLICE))))
            {
                if (!reply.startsWith("ok ban") && refused.size() < 3)
                {
                    refused.add(reply);
                }
            }
        }
        return refused;
    }

    private long dropped()
    {
        final Command.Result listing = namespaces.must(ns, "nft", "list", "chain", "inet", "lossy", "out");
        final Matcher matcher = DROPPED.matcher(listing.stdout());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private String seen(final LoopbackCluster cluster)
    {
        final StringBuilder out = new StringBuilder("datagrams dropped by the loss rule: ").append(dropped()).append('\n');
        for (int id = 1; id <= 5; id++)
        {
            final Path stateDir = cluster.stateDir(id);
            out.append("node ").append(id).append(':');
            for (final String label : List.of("bans_applied", "store_entries", "records_duplicate", "retransmits",
                "sync_frames_received", "refused_origin_quota", "refused_rate_limited", "frames_deferred_no_room"))
            {
                out.append(' ').append(label).append(' ').append(ClusterProcessTest.counter(stateDir, label));
            }
            out.append('\n');
        }
        for (int i = 0; i < nodes.size(); i++)
        {
            final String log = nodes.get(i).log();
            out.append("--- node ").append(i + 1).append(" log (last 2000 chars) ---\n")
                .append(log, Math.max(0, log.length() - 2000), log.length()).append('\n');
        }
        return out.toString();
    }

    private static String loadAverage()
    {
        try
        {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
        }
        catch (final java.io.IOException ex)
        {
            return "(unreadable: " + ex.getMessage() + ")";
        }
    }
}
