package io.blocksync.bench;

import io.blocksync.daemon.control.ControlClient;
import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 13's bulk figure: N bans imported at one node reach the kernel sets of its peers. As root, {@code --peers}
 * + 1 nodes ({@link KernelFleet}: each in a network namespace of its own on one bridge, full mesh, nftables backend
 * in managed mode, default {@code [protocol]} settings), started through the distribution's launcher. Node 1 (the
 * origin) is sent N {@code ban 2001:db8:HHHH:LLLL::/64 1h bulk 0 0} lines on its control socket in requests of
 * 10,000 lines, as {@code blocksync ban --file} and {@code blocksync import} send them. Clock starts before the first
 * request; a peer is done when its {@code firewall_changes_applied} (element adds the kernel confirmed) reaches N,
 * polled every millisecond from the status files; at the end every peer's {@code ban6_64} set is listed
 * ({@code nft list set}) and its elements counted. In the same run, the bare tool: {@code nft -f FILE} of the same N
 * elements (same set type and flags, 1 h timeouts) into a fresh table of a fresh namespace, timed around
 * {@code ip netns exec NS nft -f FILE}. A fresh fleet per size. {@code --warm-up W} first imports W other bans the
 * same way and waits until every node's kernel holds them, outside the clock: the nodes then run compiled code, as in
 * a fleet that has been up for a while, instead of compiling their receive and store paths during the measured bulk.
 * <pre>
 * mvn -B -q -o package -DskipTests -pl daemon,bench -am
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.blocksync.bench.KernelConvergenceRun [--bans 10000,100000] [--peers 10]
 *     [--launcher daemon/target/blocksync/bin/blocksync] [--timeout-seconds 900] [--java-opts "..."] [--warm-up 0] [--keep]
 * </pre>
 */
public final class KernelConvergenceRun
{
    private static final int SLICE = 10_000;
    private static final String SET = "ban6_64";
    /** The signer threads' name as /proc shows it (blocksync-signer-ID[-K] cut to 15 characters). */
    private static final String SIGNER_COMM = "blocksync-signe";
    /** USER_HZ, what /proc/PID/stat counts in; 100 on every Linux port this runs on. */
    private static final int CLOCK_TICKS = 100;

    private KernelConvergenceRun()
    {
    }

    /** {@code "label a, b, c (sum S)"}: one counter of each peer, nodes 2 to {@code size}. */
    private static String perPeer(final KernelFleet fleet, final int size, final String label)
    {
        final StringBuilder out = new StringBuilder(label).append(' ');
        long sum = 0;
        for (int id = 2; id <= size; id++)
        {
            final long value = StatusCounters.read(fleet.stateDir(id), label);
            sum += value;
            out.append(id == 2 ? "" : ", ").append(value);
        }
        return out.append(" (sum ").append(sum).append(')').toString();
    }

    public static void main(final String[] args) throws Exception
    {
        Path launcher = Path.of("daemon/target/blocksync/bin/blocksync");
        List<Integer> sizes = List.of(10_000, 100_000);
        int peers = 10;
        long timeoutSeconds = 900;
        boolean keep = false;
        String javaOpts = null;
        int warmUp = 0;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--launcher" -> launcher = Path.of(args[++i]);
                case "--bans" -> sizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--timeout-seconds" -> timeoutSeconds = Long.parseLong(args[++i]);
                case "--keep" -> keep = true;
                case "--java-opts" -> javaOpts = args[++i];
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final String unavailable = NetworkNamespaces.unavailableReason("nft");
        if (null != unavailable)
        {
            throw new IllegalStateException(unavailable);
        }
        System.out.printf(Locale.ROOT, "%d peers, nftables, %s, node JVM flags %s, load average %s%n", peers,
            Command.of("nft", "--version").run().stdout().strip(), null == javaOpts ? "the launcher's" : javaOpts,
            loadAverage());
        for (final int bans : sizes)
        {
            final Path dir = Files.createTempDirectory("blocksync-kernel-");
            try (NetworkNamespaces namespaces = new NetworkNamespaces();
                KernelFleet fleet = new KernelFleet(namespaces, dir, peers + 1))
            {
                run(fleet, namespaces, new Settings(launcher, javaOpts, bans, warmUp, timeoutSeconds));
            }
            finally
            {
                if (keep)
                {
                    System.out.println("kept " + dir);
                }
                else
                {
                    BenchFiles.deleteRecursively(dir);
                }
            }
        }
    }

    /**
     * One size's run: the launcher and its JVM flags (null: its own), the bans, the bans imported before them outside
     * the clock (0: none, cold nodes), the convergence timeout.
     */
    private record Settings(Path launcher, String javaOpts, int bans, int warmUp, long timeoutSeconds)
    {
    }

    private static void run(final KernelFleet fleet, final NetworkNamespaces namespaces, final Settings settings)
        throws Exception
    {
        final int bans = settings.bans();
        final int size = fleet.size();
        // Room for every ban at a peer (peers may fill 90 % of capacity), within the heap the firewall needs at a
        // full store under the launcher's -Xmx64m (FirewallSettings.checkHeap: about 250,000 entries).
        final long capacity = Math.max(100_000, bans + bans / 5 + 1024);
        fleet.start(settings.launcher(), settings.javaOpts(), "[bans]\ncapacity = " + (capacity + settings.warmUp()) +
            "\norigin-quota = 100\n");
        if (settings.warmUp() > 0)
        {
            warmUp(fleet, bans, settings);
        }
        final List<String> lines = new ArrayList<>(bans);
        final StringBuilder bare = new StringBuilder(64 * bans + 256)
            .append("add table inet bare\nadd set inet bare ").append(SET).append(" { type ipv6_addr; flags timeout; }\nadd element inet bare ").append(SET).append(" { ");
        for (int i = 0; i < bans; i++)
        {
            final String prefix = prefix(i);
            lines.add("ban " + prefix + "/64 3600 bulk 0 0");
            bare.append(0 == i ? "" : ",\n").append(prefix).append(" timeout 3600s");
        }
        bare.append(" }\n");
        final long[] before = new long[size + 1];
        for (int id = 1; id <= size; id++)
        {
            before[id] = Math.max(0, fleet.kernelChanges(id));
        }
        System.out.printf(Locale.ROOT, "%n%,d bans at node 1 -> %d peers' kernel sets; load average before %s%n", bans,
            size - 1, loadAverage());

        final long[] cpuBefore = cpuTicks(fleet);
        final Map<String, Long> peersRunBefore = peersRunNanos(fleet);
        final Map<String, Long> originThreadsBefore = ProcStats.threadTicks(fleet.process(1).pid());
        final Map<String, Long> peerThreadsBefore = ProcStats.threadTicks(fleet.process(2).pid());
        final Map<String, Long> signersBefore = ProcStats.threadRunNanosEach(fleet.process(1).pid(), SIGNER_COMM);
        final long start = System.nanoTime();
        int refused = 0;
        String firstRefused = "";
        for (int from = 0; from < bans; from += SLICE)
        {
            for (final String reply : ControlClient.exchange(fleet.stateDir(1), lines.subList(from, Math.min(bans, from + SLICE))))
            {
                if (!reply.startsWith("ok ban"))
                {
                    firstRefused = 0 == refused++ ? reply : firstRefused;
                }
            }
        }
        final long imported = System.nanoTime() - start;
        final long[] done = awaitKernels(fleet, before, bans, start, TimeUnit.SECONDS.toNanos(settings.timeoutSeconds()));
        final String loadAfter = loadAverage();
        final long[] cpuAfter = cpuTicks(fleet);
        final Map<String, Long> peersRunAfter = peersRunNanos(fleet);
        final Map<String, Long> originThreadsAfter = ProcStats.threadTicks(fleet.process(1).pid());
        final Map<String, Long> peerThreadsAfter = ProcStats.threadTicks(fleet.process(2).pid());
        final Map<String, Long> signersAfter = ProcStats.threadRunNanosEach(fleet.process(1).pid(), SIGNER_COMM);

        System.out.printf(Locale.ROOT, "import answered at node 1: %.3f s (%d refused%s)%n", imported / 1e9, refused,
            refused > 0 ? ", the first: " + firstRefused : "");
        System.out.printf(Locale.ROOT, "node 1's own kernel set: %s%n", seconds(done[1]));
        final long[] peerTimes = Arrays.copyOfRange(done, 2, size + 1);
        Arrays.sort(peerTimes);
        System.out.printf(Locale.ROOT, "all %d peers' kernel sets hold every ban: %s (first peer %s, median %s)%n",
            size - 1, seconds(peerTimes[peerTimes.length - 1]), seconds(peerTimes[0]), seconds(peerTimes[peerTimes.length / 2]));
        System.out.println("load average after: " + loadAfter);
        printCpu(cpuBefore, cpuAfter, originThreadsBefore, originThreadsAfter, peerTimes[peerTimes.length - 1]);
        System.out.printf(Locale.ROOT, "node 2 (a receiving peer) %.2f s: %s%n", (cpuAfter[2] - cpuBefore[2]) /
            (double)CLOCK_TICKS, threadCpu(peerThreadsBefore, peerThreadsAfter));
        printPeersRun(peersRunBefore, peersRunAfter, size - 1, bans);
        printSigners(signersBefore, signersAfter, bans);
        // The firewall's counters (firewall_commits) reach the status file once a second.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_100));
        if (settings.warmUp() > 0)
        {
            System.out.println("counters since start, the warm-up's included:");
        }
        System.out.println("node 1: " + StatusCounters.describe(fleet.stateDir(1), "batches_sealed", "datagrams_sent",
            "retransmits", "acks_received", "firewall_changes_applied", "sync_frames_sent", "snapshot_chunks_sent",
            "catch_up_records_read", "catch_up_ranges_in_stream", "snapshot_ranges_in_stream", "batches_dropped_unacked",
            "retransmit_backoffs_answered"));
        System.out.println("node 2: " + StatusCounters.describe(fleet.stateDir(2), "bans_applied", "records_duplicate",
            "frames_deferred_no_room", "refused_rate_limited", "firewall_changes_applied", "firewall_commits"));
        System.out.println("peers 2-" + size + ": " + perPeer(fleet, size, "records_duplicate") + "; " +
            perPeer(fleet, size, "snapshots_started") + "; " + perPeer(fleet, size, "acks_sent") + "; " +
            perPeer(fleet, size, "state_syncs") + "; " + perPeer(fleet, size, "firewall_commits"));
        final StringBuilder listed = new StringBuilder();
        for (int id = 1; id <= size; id++)
        {
            listed.append(id == 1 ? "" : ", ").append(fleet.kernelElements(id, SET));
        }
        System.out.println("nft list set inet blocksync " + SET + ", elements on nodes 1-" + size + ": " + listed);

        final String bareNs = namespaces.create("bs-bare");
        final Path script = fleet.stateDir(1).resolveSibling("bare.nft");
        Files.writeString(script, bare);
        final long bareStart = System.nanoTime();
        final Command.Result result = namespaces.exec(Duration.ofMinutes(10), bareNs, "nft", "-f", script.toString());
        final long bareNanos = System.nanoTime() - bareStart;
        if (!result.succeeded())
        {
            throw new IllegalStateException(result.describe());
        }
        final int bareElements = countBare(namespaces, bareNs);
        System.out.printf(Locale.ROOT, "bare nft -f of the same %,d elements into a fresh set: %.3f s (%d listed); " +
            "load average %s%n", bans, bareNanos / 1e9, bareElements, loadAverage());
    }

    /** Import {@code settings.warmUp()} bans of prefixes after the measured ones and wait until every kernel has them. */
    private static void warmUp(final KernelFleet fleet, final int bans, final Settings settings) throws IOException
    {
        final long[] before = new long[fleet.size() + 1];
        for (int id = 1; id <= fleet.size(); id++)
        {
            before[id] = Math.max(0, fleet.kernelChanges(id));
        }
        final List<String> lines = new ArrayList<>(settings.warmUp());
        for (int i = 0; i < settings.warmUp(); i++)
        {
            lines.add("ban " + prefix(bans + i) + "/64 3600 warmup 0 0");
        }
        final long start = System.nanoTime();
        for (int from = 0; from < lines.size(); from += SLICE)
        {
            ControlClient.exchange(fleet.stateDir(1), lines.subList(from, Math.min(lines.size(), from + SLICE)));
        }
        final long[] done = awaitKernels(fleet, before, settings.warmUp(), start, TimeUnit.SECONDS.toNanos(settings.timeoutSeconds()));
        System.out.printf(Locale.ROOT, "%nwarm-up: %,d other bans in every node's kernel set after %s (not measured)%n",
            settings.warmUp(), seconds(Arrays.stream(done).max().orElse(0)));
    }

    /** @return per node, nanoseconds from {@code start} until its kernel confirmed {@code bans} more changes; -1 never. */
    private static long[] awaitKernels(final KernelFleet fleet, final long[] before, final int bans, final long start,
        final long timeoutNanos) throws IOException
    {
        final int size = fleet.size();
        final long[] done = new long[size + 1];
        Arrays.fill(done, -1);
        int left = size;
        while (left > 0 && System.nanoTime() - start < timeoutNanos)
        {
            for (int id = 1; id <= size; id++)
            {
                if (done[id] < 0 && fleet.kernelChanges(id) - before[id] >= bans)
                {
                    done[id] = System.nanoTime() - start;
                    left--;
                }
            }
            LockSupport.parkNanos(1_000_000);
        }
        if (left > 0)
        {
            final StringBuilder seen = new StringBuilder();
            for (int id = 1; id <= size; id++)
            {
                seen.append(" node ").append(id).append(' ').append(fleet.kernelChanges(id) - before[id]);
            }
            throw new IllegalStateException("not converged within the timeout; kernel changes:" + seen);
        }
        return done;
    }

    private static long[] cpuTicks(final KernelFleet fleet) throws IOException
    {
        final long[] ticks = new long[fleet.size() + 1];
        for (int id = 1; id <= fleet.size(); id++)
        {
            ticks[id] = ProcStats.cpuTicks(fleet.process(id).pid());
        }
        return ticks;
    }

    /** CPU (utime + stime) each node used from the first request until the last peer was done: what the cores did. */
    private static void printCpu(final long[] before, final long[] after, final Map<String, Long> threadsBefore,
        final Map<String, Long> threadsAfter, final long wallNanos)
    {
        final double tick = 1.0 / CLOCK_TICKS;
        double peers = 0;
        double peerMax = 0;
        for (int id = 2; id < before.length; id++)
        {
            final double cpu = (after[id] - before[id]) * tick;
            peers += cpu;
            peerMax = Math.max(peerMax, cpu);
        }
        final double origin = (after[1] - before[1]) * tick;
        final String threads = threadCpu(threadsBefore, threadsAfter);
        System.out.printf(Locale.ROOT, "CPU over those %.1f s: node 1 %.2f s (%s); peers %.2f s each on average, " +
            "%.2f s the most; all nodes %.1f s of the machine's %.1f core-seconds%n", wallNanos / 1e9, origin, threads,
            peers / (before.length - 2), peerMax, origin + peers, Runtime.getRuntime().availableProcessors() * wallNanos / 1e9);
    }

    /**
     * "node 1's signer threads (schedstat): 0.281 s, 0.279 s; the busiest 0.281 s (28.1 us a ban)": each signer
     * thread's CPU, the busiest being the origin's critical path where each has a core.
     */
    private static void printSigners(final Map<String, Long> before, final Map<String, Long> after, final int bans)
    {
        final StringBuilder line = new StringBuilder("node 1's signer threads (schedstat):");
        long busiest = 0;
        for (final Map.Entry<String, Long> entry : after.entrySet())
        {
            final long used = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            busiest = Math.max(busiest, used);
            line.append(String.format(Locale.ROOT, " %.3f s,", used / 1e9));
        }
        line.append(String.format(Locale.ROOT, " the busiest %.3f s (%.1f us a ban)", busiest / 1e9, busiest / 1e3 / bans));
        System.out.println(after.isEmpty() ? "node 1 has no signer thread" : line.toString());
    }

    /** Every peer's threads (nodes 2 to N) by name, added up: {@link ProcStats#threadRunNanos}. */
    private static Map<String, Long> peersRunNanos(final KernelFleet fleet) throws IOException
    {
        final Map<String, Long> nanos = new java.util.TreeMap<>();
        for (int id = 2; id <= fleet.size(); id++)
        {
            ProcStats.threadRunNanos(fleet.process(id).pid()).forEach((name, value) -> nanos.merge(name, value, Long::sum));
        }
        return nanos;
    }

    /**
     * "peers' threads, mean per peer: blocksync-node- 0.151 s (15.1 µs a ban), ...": each thread name's CPU over the
     * run from the scheduler's count, summed over the peers and divided by their number; the loop is
     * {@code blocksync-node-N}, the firewall worker and its listing {@code blocksync-firew}.
     */
    private static void printPeersRun(final Map<String, Long> before, final Map<String, Long> after, final int peers,
        final int bans)
    {
        final StringBuilder line = new StringBuilder("peers' threads, mean per peer (schedstat):");
        long total = 0;
        for (final Map.Entry<String, Long> entry : after.entrySet())
        {
            // A thread that ended since the first reading (a retired compiler thread) reads as negative: left out.
            final long used = Math.max(0, entry.getValue() - before.getOrDefault(entry.getKey(), 0L));
            total += used;
            if (used / peers >= 1_000_000)
            {
                line.append(String.format(Locale.ROOT, " %s %.3f s (%.1f us a ban),", entry.getKey(), used / 1e9 / peers,
                    used / 1e3 / peers / bans));
            }
        }
        System.out.println(line.append(String.format(Locale.ROOT, " all %.3f s (%.1f us a ban)", total / 1e9 / peers,
            total / 1e3 / peers / bans)));
    }

    /** @return "name seconds, ..." of the threads that used CPU (at least one tick) between the two readings. */
    private static String threadCpu(final Map<String, Long> threadsBefore, final Map<String, Long> threadsAfter)
    {
        final StringBuilder threads = new StringBuilder();
        threadsAfter.forEach((name, ticks) ->
        {
            final long used = ticks - threadsBefore.getOrDefault(name, 0L);
            if (used > 0)
            {
                threads.append(threads.length() == 0 ? "" : ", ").append(name).append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", used / (double)CLOCK_TICKS));
            }
        });
        return threads.toString();
    }

    private static int countBare(final NetworkNamespaces namespaces, final String ns)
    {
        return KernelFleet.count(namespaces.exec(Duration.ofMinutes(5), ns, "nft", "list", "set", "inet", "bare", SET).stdout());
    }

    /** Ban i: 2001:db8:HHHH:LLLL:: with HHHH = 0x1000 + i / 65536, never a bridge host's 2001:db8:a::/64. */
    static String prefix(final int i)
    {
        return String.format(Locale.ROOT, "2001:db8:%x:%x::", 0x1000 + (i >>> 16), i & 0xffff);
    }

    private static String seconds(final long nanos)
    {
        return nanos < 0 ? "never" : String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    private static String loadAverage() throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }
}
