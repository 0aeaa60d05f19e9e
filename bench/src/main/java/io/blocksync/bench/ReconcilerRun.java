package io.blocksync.bench;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.firewall.BatcherSettings;
import io.blocksync.firewall.FirewallBackend;
import io.blocksync.firewall.FirewallBatcher;
import io.blocksync.firewall.FirewallChange;
import io.blocksync.firewall.IpsetBackend;
import io.blocksync.firewall.IpsetSettings;
import io.blocksync.firewall.NftablesBackend;
import io.blocksync.firewall.NftablesSettings;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The level-triggered firewall (issue 11) on its worker thread, through the library sessions: a lone ban offered on
 * an idle firewall until the kernel holds it (p50/p99, nftables and ipset); N bans offered one by one until all are in
 * the kernel, against the bare tool loading the same elements in one script; and the full check of a set of N
 * elements after a restart (listing and diff, no element rewritten). A plain main, like {@link KernelSessionRun}; it
 * refuses to run outside a named network namespace:
 * <pre>
 * ip netns add bs-rec
 * ip netns exec bs-rec java -cp bench/target/benchmarks.jar io.blocksync.bench.ReconcilerRun [N...]
 * ip netns del bs-rec
 * </pre>
 */
public final class ReconcilerRun
{
    private static final int LONE_BANS = 2_000;
    private static final int WARM_UP = 200;
    private static final long SSH = ReasonCode.of("ssh").id();

    private final ProcessCommandRunner processes = new ProcessCommandRunner(300_000);

    private ReconcilerRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (!inNamedNamespace())
        {
            System.err.println("refusing to change this host's own ruleset: run me inside a throw-away network " +
                "namespace (ip netns add bs-rec; ip netns exec bs-rec java -cp ... " + ReconcilerRun.class.getName() + ")");
            System.exit(2);
        }
        final int[] sizes = 0 == args.length ?
            new int[]{ 10_000, 100_000 } : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        new ReconcilerRun().run(sizes);
    }

    private static boolean inNamedNamespace() throws IOException
    {
        final String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        final Path named = Path.of("/run/netns");
        if (!Files.isDirectory(named))
        {
            return false;
        }
        try (var files = Files.list(named))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (own.equals("net:[" + Files.getAttribute(file, "unix:ino") + "]"))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void run(final int[] sizes) throws IOException
    {
        System.out.println("load average before: " + Files.readString(Path.of("/proc/loadavg")).trim());
        // -Dreconciler.parts=lone,idle,bulk,restart,check and -Dreconciler.backends=nftables,ipset pick what runs
        // (default lone,bulk,restart).
        final List<String> parts = List.of(System.getProperty("reconciler.parts", "lone,bulk,restart").split(","));
        final List<String> names = List.of(System.getProperty("reconciler.backends", "nftables,ipset").split(","));
        for (final String name : names)
        {
            if (parts.contains("lone"))
            {
                lone(name, backend(name));
            }
            if (parts.contains("idle"))
            {
                idle(name, backend(name));
            }
        }
        for (final int size : sizes)
        {
            for (final String name : names)
            {
                if (parts.contains("bulk"))
                {
                    bulk(name, backend(name), size);
                }
                if (parts.contains("restart"))
                {
                    restart(name, backend(name), size);
                }
                if (parts.contains("check"))
                {
                    check(name, backend(name), size);
                }
            }
        }
        System.out.println("load average after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private java.util.function.Supplier<FirewallBackend> backend(final String name)
    {
        return "nftables".equals(name) ? this::nftables : this::ipset;
    }

    private FirewallBackend nftables()
    {
        return new NftablesBackend(NftablesSettings.managed("bs_rec"));
    }

    private FirewallBackend ipset()
    {
        return new IpsetBackend(IpsetSettings.managed("bs-rec").maxElements(1 << 20));
    }

    private void lone(final String name, final java.util.function.Supplier<FirewallBackend> backend) throws IOException
    {
        reset();
        final FirewallBatcher batcher = start(backend.get(), List.of());
        // -Dreconciler.lone-bans=N: how many lone bans are timed (default 2,000; fewer for the slow libnftables path
        // with 10,000 prefixes held).
        final int loneBans = Integer.getInteger("reconciler.lone-bans", LONE_BANS);
        final long[] nanos = new long[loneBans];
        // Whether a full check (listing or merge) was in flight when the ban was offered or when it was confirmed.
        final boolean[] duringCheck = new boolean[loneBans];
        final Ban ban = new Ban().reason(SSH);
        // -Dreconciler.lone-prefixes=N: N /24 bans first (the nft interval set), then the lone host bans.
        final int prefixes = Integer.getInteger("reconciler.lone-prefixes", 0);
        for (int i = 0; i < prefixes; i++)
        {
            address(ban.prefix(), 2, i << 8);
            ban.prefix().maskTo(24);
            offer(batcher, ban, 3_600);
        }
        for (int i = 0; i < prefixes; i++)
        {
            address(ban.prefix(), 2, i << 8);
            ban.prefix().maskTo(24);
            while (!batcher.isEnforced(ban.prefix()))
            {
                batcher.pollCompletions((change) -> { });
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        for (int i = 0; i < WARM_UP + loneBans; i++)
        {
            address(ban.prefix(), 1, i);
            final boolean checkBefore = batcher.fullCheckInFlight();
            final long start = System.nanoTime();
            offer(batcher, ban, 3_600);
            while (!batcher.isEnforced(ban.prefix()))
            {
                Thread.onSpinWait();
            }
            if (i >= WARM_UP)
            {
                nanos[i - WARM_UP] = System.nanoTime() - start;
                duringCheck[i - WARM_UP] = checkBefore || batcher.fullCheckInFlight();
            }
            batcher.pollCompletions((change) -> { });
            pause();
        }
        batcher.close();
        final long[] outside = outsideChecks(nanos, duringCheck);
        Arrays.sort(nanos);
        // The nftables element path: raw netlink batches unless -Dblocksync.nftables.raw-elements=false (libnftables).
        final String path = !"nftables".equals(name) ? "" :
            Boolean.parseBoolean(System.getProperty("blocksync.nftables.raw-elements", "true")) ?
            ", elements as raw netlink batches" : ", elements through libnftables";
        System.out.printf(Locale.ROOT,
            "lone ban -> in the kernel, %s%s, %d bans (%d /24 bans held): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
            name, path, loneBans, prefixes, nanos[loneBans / 2] / 1e6, nanos[loneBans * 99 / 100] / 1e6,
            nanos[loneBans - 1] / 1e6);
        if (outside.length > 0)
        {
            System.out.printf(Locale.ROOT,
                "  of which %d with no full check in flight: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                outside.length, outside[outside.length / 2] / 1e6, outside[outside.length * 99 / 100] / 1e6,
                outside[outside.length - 1] / 1e6);
        }
    }

    /** The samples taken while no full check was in flight, sorted. */
    private static long[] outsideChecks(final long[] nanos, final boolean[] duringCheck)
    {
        int count = 0;
        final long[] outside = new long[nanos.length];
        for (int i = 0; i < nanos.length; i++)
        {
            if (!duringCheck[i])
            {
                outside[count++] = nanos[i];
            }
        }
        final long[] sorted = Arrays.copyOf(outside, count);
        Arrays.sort(sorted);
        return sorted;
    }

    private void idle(final String name, final java.util.function.Supplier<FirewallBackend> backend) throws IOException
    {
        reset();
        ReconcilerIdle.measure(name, start(backend.get(), List.of()), LONE_BANS);
    }

    private void bulk(final String name, final java.util.function.Supplier<FirewallBackend> backend, final int size)
        throws IOException
    {
        reset();
        final FirewallBatcher batcher = start(backend.get(), List.of());
        // A running node: the start-up listing (a process per set for ipset) is the restart line's, not this one's.
        while (batcher.reconciles() < 1)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        final Ban ban = new Ban().reason(SSH);
        final long start = System.nanoTime();
        for (int i = 0; i < size; i++)
        {
            address(ban.prefix(), 2, i);
            offer(batcher, ban, 3_600);
        }
        while (batcher.appliedChanges() < size)
        {
            batcher.pollCompletions((change) -> { });
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        final long firewallNanos = System.nanoTime() - start;
        final long commits = batcher.batches();
        final long checks = batcher.reconciles();
        batcher.close();

        reset();
        start(backend.get(), List.of()).close();
        final StringBuilder script = new StringBuilder(size * 48);
        for (int i = 0; i < size; i++)
        {
            address(ban.prefix(), 2, i);
            final String address = io.blocksync.codec.AddressText.format(ban.prefix()).replace("/32", "");
            script.append("nftables".equals(name) ?
                "add element inet bs_rec ban4_host { " + address + " timeout 3610s }\n" :
                "add bs-rec4 " + address + " timeout 3610\n");
        }
        final long toolStart = System.nanoTime();
        final CommandResult result = "nftables".equals(name) ?
            processes.run(List.of("nft", "-f", "-"), script.toString().getBytes(StandardCharsets.US_ASCII)) :
            processes.run(List.of("ipset", "restore", "-exist"), script.toString().getBytes(StandardCharsets.US_ASCII));
        final long toolNanos = System.nanoTime() - toolStart;
        if (0 != result.exitStatus())
        {
            throw new IllegalStateException(name + " tool failed: " + result.error());
        }
        System.out.printf(Locale.ROOT, "%,d bans one by one through the firewall, %s: %.1f ms; bare tool one-shot: " +
            "%.1f ms; ratio %.2fx (%d commits, %.0f elements each; %d full checks)%n", size, name, firewallNanos / 1e6,
            toolNanos / 1e6, (double)firewallNanos / toolNanos, commits, (double)size / Math.max(1, commits), checks);
    }

    private void restart(final String name, final java.util.function.Supplier<FirewallBackend> backend, final int size)
    {
        // The set is full from bulk(): a restart with the same live bans lists it and writes nothing.
        final List<FirewallChange> live = new ArrayList<>(size);
        final Ban ban = new Ban().reason(SSH);
        for (int i = 0; i < size; i++)
        {
            address(ban.prefix(), 2, i);
            live.add(new FirewallChange().set(FirewallChange.Op.ADD, ban, 3_600));
        }
        final long start = System.nanoTime();
        final FirewallBatcher batcher = start(backend.get(), live);
        final IpPrefix last = live.get(size - 1).ban().prefix();
        while (batcher.reconciles() < 1 || !batcher.isEnforced(last) || !allEnforced(batcher, live))
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        final long nanos = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "full check of %,d elements (start, list, diff), %s: %.1f ms, %d elements " +
            "rewritten%n", size, name, nanos / 1e6, batcher.appliedChanges());
        batcher.close();
    }

    /**
     * A node holding {@code size} bans (the set is full from bulk/restart) runs full checks back to back
     * ({@code full-check-interval = 1s}) while lone bans arrive 1 ms apart: each check's listing time, and the lone
     * bans' latency while a listing is in flight (offered and enforced within one) against the others.
     */
    private void check(final String name, final java.util.function.Supplier<FirewallBackend> backend, final int size)
    {
        final List<FirewallChange> live = new ArrayList<>(size);
        final Ban ban = new Ban().reason(SSH);
        for (int i = 0; i < size; i++)
        {
            address(ban.prefix(), 2, i);
            live.add(new FirewallChange().set(FirewallChange.Op.ADD, ban, 3_600));
        }
        final FirewallBatcher batcher = new FirewallBatcher(backend.get(), new BatcherSettings().jitterPercent(0)
            .fullCheckIntervalMs(1_000).log(System.out::println));
        batcher.start(live);
        while (batcher.reconciles() < 1 || !allEnforced(batcher, live))
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        final int wanted = Integer.getInteger("reconciler.checkSamples", 1_000);
        final long[] during = new long[wanted];
        final long[] outside = new long[wanted * 10];
        final List<Long> checkMillis = new ArrayList<>();
        int inCheck = 0;
        int notInCheck = 0;
        long seenChecks = batcher.reconciles();
        final long deadline = System.nanoTime() + 120_000_000_000L;
        for (int i = 0; inCheck < wanted && System.nanoTime() < deadline && i < 1 << 20; i++)
        {
            address(ban.prefix(), 3, i);
            final boolean before = batcher.fullCheckInFlight();
            final long start = System.nanoTime();
            offer(batcher, ban, 3_600);
            while (!batcher.isEnforced(ban.prefix()))
            {
                Thread.onSpinWait();
            }
            final long nanos = System.nanoTime() - start;
            if (i >= WARM_UP && before && batcher.fullCheckInFlight())
            {
                during[inCheck++] = nanos;
            }
            else if (i >= WARM_UP && !before && notInCheck < outside.length)
            {
                outside[notInCheck++] = nanos;
            }
            if (batcher.reconciles() > seenChecks)
            {
                seenChecks = batcher.reconciles();
                checkMillis.add(batcher.lastFullCheckMillis());
            }
            batcher.pollCompletions((change) -> { });
            pause();
        }
        final long drift = batcher.repairedElements();
        batcher.close();
        Arrays.sort(during, 0, inCheck);
        Arrays.sort(outside, 0, notInCheck);
        final long[] checks = checkMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "full check of %,d elements on its own session, %s: listing p50 %d ms, max %d ms " +
            "over %d checks; %d elements judged drift%n", size, name,
            0 == checks.length ? -1 : checks[checks.length / 2], 0 == checks.length ? -1 : checks[checks.length - 1],
            checks.length, drift);
        System.out.printf(Locale.ROOT, "lone ban -> in the kernel during a full check, %s: %d bans p50 %.3f ms, p99 %.3f " +
            "ms, max %.3f ms; outside checks %d bans p50 %.3f ms, p99 %.3f ms%n", name, inCheck,
            percentile(during, inCheck, 50), percentile(during, inCheck, 99), percentile(during, inCheck, 100),
            notInCheck, percentile(outside, notInCheck, 50), percentile(outside, notInCheck, 99));
    }

    private static double percentile(final long[] sorted, final int count, final int percent)
    {
        return 0 == count ? Double.NaN : sorted[Math.min(count - 1, (int)((long)count * percent / 100))] / 1e6;
    }

    private static boolean allEnforced(final FirewallBatcher batcher, final List<FirewallChange> live)
    {
        for (final FirewallChange change : live)
        {
            if (!batcher.isEnforced(change.ban().prefix()))
            {
                return false;
            }
        }
        return true;
    }

    private static FirewallBatcher start(final FirewallBackend backend, final List<FirewallChange> live)
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0)
            .log(System.out::println));
        batcher.start(live);
        return batcher;
    }

    static void offer(final FirewallBatcher batcher, final Ban ban, final long seconds)
    {
        while (!batcher.offer(FirewallChange.Op.ADD, ban, seconds))
        {
            batcher.pollCompletions((change) -> { });
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    /**
     * @return 10.group.x.y for the index, as a host prefix.
     */
    static void address(final IpPrefix into, final int group, final int index)
    {
        final String text = "10." + (group * 16 + (index >>> 16)) + "." + ((index >>> 8) & 0xFF) + "." + (index & 0xFF);
        final String error = io.blocksync.codec.AddressText.parse(text, into, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
    }

    private void reset() throws IOException
    {
        processes.run(List.of("nft", "delete", "table", "inet", "bs_rec"), new byte[0]);
        processes.run(List.of("iptables", "-F", "INPUT"), new byte[0]);
        processes.run(List.of("ip6tables", "-F", "INPUT"), new byte[0]);
        processes.run(List.of("ipset", "destroy"), new byte[0]);
    }

    private static void pause()
    {
        final long until = System.nanoTime() + 1_000_000;
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
    }
}
