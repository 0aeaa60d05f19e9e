package io.blocksync.bench;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.NetworkNamespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 13's join figure: a node with an empty state directory joins a node whose store already holds
 * {@code --bans N} of its own decisions (written straight into node 1's state directory before it starts: origin
 * node 1, sequences 1 to N, each ending two days later, each with a random 64-byte signature, incompressible as real
 * ones are), both started through the distribution's launcher on loopback. Prints the seconds from node 2's start
 * until its store holds every ban ({@code store_entries} in its status file, published once a second, polled every
 * 100 ms), with the snapshot and SYNC counters of both nodes. {@code --sync-only} starts node 2 with
 * {@code -Dblocksync.snapshots=false} (in {@code JAVA_TOOL_OPTIONS}), so it never asks for a snapshot and catches up
 * by SYNC alone: the "before" figure. {@code --kernel} (root, {@code nft}) runs both nodes in network namespaces of
 * their own with the nftables backend ({@link KernelFleet}) instead of on loopback with the dry-run firewall: node 2
 * starts once node 1 answers (a node hands its store to its firewall before it listens; its commit worker then puts it
 * into the kernel set and lists the set in its start-up full check, both overlapping the join unless {@code --settle}
 * waits for that check first, as in a mesh that has held its bans a while), and is caught up when its store holds every ban <em>and</em>
 * its {@code firewall_changes_applied} (element adds the kernel confirmed) reaches N; above ~250,000 bans the nodes
 * need a bigger heap than the launcher's (e.g. {@code --java-opts "... -Xmx256m ..."} at 1,000,000: a node refuses to
 * start when the firewall's 200 bytes a ban do not fit, {@code FirewallSettings.heapShortfall}). The JVM needs the launcher's
 * flags (Chronicle Map):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED $(cat daemon/target/blocksync/lib/jvm-flags.txt) \
 *     -cp bench/target/benchmarks.jar io.blocksync.bench.JoinRun [--launcher daemon/target/blocksync/bin/blocksync]
 *     [--bans 1000000] [--sync-only] [--kernel [--settle]] [--chunk-budget N] [--timeout-seconds 600] [--java-opts "..."]
 * </pre>
 */
public final class JoinRun
{
    private JoinRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Path launcher = Path.of("daemon/target/blocksync/bin/blocksync");
        int bans = 1_000_000;
        boolean syncOnly = false;
        long timeoutSeconds = 600;
        String javaOpts = null;
        String protocol = "";
        boolean kernel = false;
        boolean settle = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--launcher" -> launcher = Path.of(args[++i]);
                case "--bans" -> bans = Integer.parseInt(args[++i]);
                case "--sync-only" -> syncOnly = true;
                case "--kernel" -> kernel = true;
                case "--settle" -> settle = true;
                case "--timeout-seconds" -> timeoutSeconds = Long.parseLong(args[++i]);
                case "--java-opts" -> javaOpts = args[++i];
                case "--chunk-budget" -> protocol = "[protocol]\nsnapshot-chunk-budget = " + Integer.parseInt(args[++i]) + "\n";
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Path dir = Files.createTempDirectory("blocksync-join-");
        // Room for every ban at the joiner: peers may fill 90 % of capacity, one origin all of that.
        final long capacity = bans + bans / 5 + 1024;
        final String extra = "[bans]\ncapacity = " + capacity + "\norigin-quota = 100\n" + protocol;
        System.out.printf(Locale.ROOT, "%d bans of node 1, joiner node 2 %s, %s, store capacity %d, load average %s%n", bans,
            syncOnly ? "by SYNC only" : "by snapshot " + (protocol.isEmpty() ? "(default chunk budget)" : protocol.trim().replace('\n', ' ')),
            kernel ? "nftables in namespaces" : "dry-run firewall on loopback", capacity, loadAverage());
        if (kernel)
        {
            final String unavailable = NetworkNamespaces.unavailableReason("nft");
            if (null != unavailable)
            {
                throw new IllegalStateException(unavailable);
            }
            try (NetworkNamespaces namespaces = new NetworkNamespaces();
                KernelFleet fleet = new KernelFleet(namespaces, dir, 2))
            {
                fleet.configure(extra);
                joinKernel(fleet, new Settings(launcher, javaOpts, bans, capacity, syncOnly, timeoutSeconds), settle);
            }
            System.out.println("kept in " + dir + " (delete when done)");
            return;
        }
        LoopbackCluster.write(dir, 2, extra);
        writeStore(dir.resolve("node1"), capacity, bans);

        final Process one = start(launcher, dir, 1, javaOpts, false);
        Process two = null;
        try
        {
            awaitCounter(dir.resolve("node1"), "store_entries", bans, 300, one);
            final long start = System.nanoTime();
            two = start(launcher, dir, 2, javaOpts, syncOnly);
            final long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long held = 0;
            while (System.nanoTime() < deadline && (held = StatusCounters.read(dir.resolve("node2"), "store_entries")) < bans)
            {
                if (!two.isAlive())
                {
                    throw new IllegalStateException("node 2 exited:\n" + BenchFiles.tail(dir.resolve("node2.log"), 3000));
                }
                Thread.sleep(100);
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: node 2 holds %d of %d bans after %.1f s (%s), load average %s%n",
                held >= bans ? "caught up" : "NOT caught up", held, bans, seconds, syncOnly ? "SYNC only" : "snapshot",
                loadAverage());
            System.out.println("node 1: " + StatusCounters.describe(dir.resolve("node1"), "snapshot_chunks_sent",
                "snapshot_chunks_resent", "sync_frames_sent", "catch_up_records_read"));
            System.out.println("node 2: " + StatusCounters.describe(dir.resolve("node2"), "snapshots_started",
                "snapshots_completed", "snapshot_chunks_received", "snapshot_requests_sent", "sync_frames_received",
                "records_duplicate"));
        }
        finally
        {
            stop(two);
            stop(one);
        }
        System.out.println("kept in " + dir + " (delete when done)");
    }

    /** One run's launcher, node JVM flags (null: the launcher's), bans, store capacity, join mode and deadline. */
    private record Settings(Path launcher, String javaOpts, int bans, long capacity, boolean syncOnly, long timeoutSeconds)
    {
    }

    private static void joinKernel(final KernelFleet fleet, final Settings settings, final boolean settle) throws Exception
    {
        final int bans = settings.bans();
        writeStore(fleet.stateDir(1), settings.capacity(), bans);
        final long originStart = System.nanoTime();
        fleet.spawn(1, settings.launcher(), settings.javaOpts(), null);
        // A node puts its store's live bans into its kernel set before it listens ("N live bans re-applied").
        fleet.awaitReady(1);
        System.out.printf(Locale.ROOT, "node 1 answered, its store handed to its firewall, %.1f s after its start%n",
            (System.nanoTime() - originStart) / 1e9);
        if (settle)
        {
            // Its commit worker is still putting the store into the kernel set, and then lists the whole set in a full
            // check (O(n²) kernel time; the forced start-up check ran before the commits, at an empty set, so this
            // is the second): a mesh that has held its bans a while has done both.
            awaitCounter(fleet.stateDir(1), "firewall_full_checks", 2, 900, fleet.process(1));
            System.out.printf(Locale.ROOT, "node 1 settled (its full check of the whole set done, %d ms of listing), %.1f s after its " +
                "start, load average %s%n", StatusCounters.read(fleet.stateDir(1), "firewall_full_check_last_ms"),
                (System.nanoTime() - originStart) / 1e9, loadAverage());
        }
        final long start = System.nanoTime();
        fleet.spawn(2, settings.launcher(), settings.javaOpts(), settings.syncOnly() ? "-Dblocksync.snapshots=false" : null);
        final long deadline = start + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds());
        long held = 0;
        long applied = 0;
        double storeSeconds = Double.NaN;
        while (System.nanoTime() < deadline && (held < bans || applied < bans))
        {
            held = readOrZero(fleet.stateDir(2));
            // Throws with node 2's log if it exited; its status file is there once it has counted something.
            applied = held > 0 || !fleet.process(2).isAlive() ? fleet.kernelChanges(2) : 0;
            if (held >= bans && Double.isNaN(storeSeconds))
            {
                storeSeconds = (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(100);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: node 2 holds %d of %d bans in its store (after %.1f s) and %d in its kernel " +
            "set after %.1f s (%s), load average %s%n", held >= bans && applied >= bans ? "caught up" : "NOT caught up",
            held, bans, storeSeconds, applied, seconds, settings.syncOnly() ? "SYNC only" : "snapshot", loadAverage());
        System.out.println("node 2's kernel set: " + fleet.kernelElements(2, "ban6_64") + " elements (nft list set)");
        System.out.println("node 1: " + StatusCounters.describe(fleet.stateDir(1), "snapshot_chunks_sent",
            "snapshot_chunks_resent", "sync_frames_sent", "catch_up_records_read"));
        System.out.println("node 2: " + StatusCounters.describe(fleet.stateDir(2), "snapshots_started",
            "snapshots_completed", "snapshot_chunks_received", "snapshot_requests_sent", "sync_frames_received",
            "records_duplicate"));
    }

    private static long readOrZero(final Path stateDir)
    {
        try
        {
            return StatusCounters.read(stateDir, "store_entries");
        }
        catch (final RuntimeException notYet)
        {
            return 0; // The status file is not there yet.
        }
    }

    private static Process start(final Path launcher, final Path dir, final int id, final String javaOpts, final boolean syncOnly)
        throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(launcher.toAbsolutePath().toString(), "run", "-c",
            dir.resolve("node" + id + ".conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node" + id + ".log").toFile()));
        final Map<String, String> environment = builder.environment();
        if (null != javaOpts)
        {
            environment.put("BLOCKSYNC_JAVA_OPTS", javaOpts);
        }
        if (syncOnly)
        {
            environment.put("JAVA_TOOL_OPTIONS", "-Dblocksync.snapshots=false");
        }
        return builder.start();
    }

    private static void awaitCounter(final Path stateDir, final String label, final long value, final int seconds, final Process node)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline)
        {
            try
            {
                if (StatusCounters.read(stateDir, label) >= value)
                {
                    return;
                }
            }
            catch (final RuntimeException notYet)
            {
                // The status file is not there yet.
            }
            if (!node.isAlive())
            {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(stateDir + ": " + label + " did not reach " + value);
    }

    private static void stop(final Process node) throws InterruptedException
    {
        if (null != node)
        {
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS))
            {
                node.destroyForcibly();
            }
        }
    }

    /** Ban n: 2001:db8:8000+HI:LO::/64, origin node 1 with sequence n, ending two days from now. */
    private static void writeStore(final Path stateDir, final long capacity, final int bans) throws IOException
    {
        final long prefillStart = System.nanoTime();
        prefill(stateDir, capacity, bans);
        System.out.printf(Locale.ROOT, "node 1's store written in %.1f s%n", (System.nanoTime() - prefillStart) / 1e9);
    }

    private static void prefill(final Path stateDir, final long capacity, final int bans) throws IOException
    {
        final long now = System.currentTimeMillis();
        final Ban ban = new Ban().action(BanAction.BAN).protocol(6).port(22).originNodeId(1).originKeyId(1)
            .originTimeMillis(now).version(now << 16).durationSeconds(2 * 86_400).reason(ReasonCode.of("ssh"))
            .appliedAtMillis(now).expiresAtMillis(now + 2 * 86_400_000L);
        final IpPrefix prefix = new IpPrefix();
        final java.util.Random random = new java.util.Random(13);
        final byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte)0xb8;
        try (BanStore store = BanStore.openForDaemon(stateDir, capacity))
        {
            for (int n = 1; n <= bans; n++)
            {
                // 0x80 in the first byte: never 2001:db8:a::/64, the namespaces' own addresses (BridgeSegment), which a
                // node protects from bans (refused_protected) and which --kernel would then wait for in vain.
                address[4] = (byte)(0x80 | n >>> 24);
                address[5] = (byte)(n >>> 16);
                address[6] = (byte)(n >>> 8);
                address[7] = (byte)n;
                // Random, as real signatures are: they are what does not compress (node 2 checks no signature of
                // node 1's own records, the link tag proving them).
                random.nextBytes(ban.signature());
                store.put(ban.prefix(prefix.set(AddressFamily.IPV6, address, 64)).originSequence(n));
            }
        }
    }

    private static String loadAverage() throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }
}
