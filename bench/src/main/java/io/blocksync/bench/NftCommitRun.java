package io.blocksync.bench;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.ReasonCode;
import io.blocksync.firewall.BatcherSettings;
import io.blocksync.firewall.FirewallBatcher;
import io.blocksync.firewall.FirewallChange;
import io.blocksync.firewall.NftablesBackend;
import io.blocksync.firewall.NftablesSettings;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.NftSetDump;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The nftables backend's commit worker in bulk, alone: {@code --elements N} IPv6 /64 bans (the plain set
 * {@code ban6_64}, as a joining node's) offered to a {@link FirewallBatcher} on the managed nftables backend as fast
 * as its queue takes them, until the worker confirmed all; then the bare tool ({@code nft -f}) puts the same elements,
 * with the same timeout, into a set of the same type in a table of its own. Prints each thread's CPU (user and
 * system, from {@code /proc/self/task/TID/stat}), the tool's (its children's times), the wall times and the load
 * average. Refuses to run outside a named network namespace (it changes the ruleset):
 * <pre>
 * ip netns add bs-nftc
 * ip netns exec bs-nftc java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:TieredStopAtLevel=1 \
 *     -Xmx256m -XX:+UseSerialGC -cp bench/target/benchmarks.jar io.blocksync.bench.NftCommitRun \
 *     [--elements 1000000] [--max-batch 1024] [--no-tool] [--listener] [--burst 7 --rate 5000] [--bulk-interval 10]
 * ip netns del bs-nftc
 * </pre>
 * {@code --rate R} paces the offers as a receiving peer's loop hands bans over in bulk: {@code --burst} bans at once
 * (as one datagram brings them), R bans a second in all; without it, as fast as the queue takes them.
 * {@code --bulk-interval} is {@link BatcherSettings#bulkIntervalMs} (default its default, 0: commit whenever idle).
 * {@code --listener} keeps a socket subscribed to {@code NFNLGRP_NFTABLES} (as {@code nft monitor}, or a daemon
 * before session 12, does) through both parts, never reading it: the kernel then builds a notification for every
 * element committed, whoever listens where on the host (the subscription bitmap is not per namespace), so other
 * processes on a shared machine can cause the same (print {@code /proc/net/netlink} of each namespace: group bit
 * {@code 0x40} in the Groups column of protocol 12).
 */
public final class NftCommitRun
{
    private static final String TABLE = "bs_nftc";
    private static final String TOOL_TABLE = "bs_nftc_tool";
    private static final String THREAD = "nftc-worker";
    private static final long TIMEOUT_SECONDS = 3_600;
    private static final long TICKS_PER_SECOND = 100;

    private NftCommitRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int elements = 1_000_000;
        int maxBatch = 1024;
        boolean tool = true;
        boolean listener = false;
        int burst = 1;
        int rate = 0;
        long bulkIntervalMs = BatcherSettings.DEFAULT_BULK_INTERVAL_MS;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--elements" -> elements = Integer.parseInt(args[++i]);
                case "--max-batch" -> maxBatch = Integer.parseInt(args[++i]);
                case "--no-tool" -> tool = false;
                case "--listener" -> listener = true;
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--bulk-interval" -> bulkIntervalMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!inNamedNamespace())
        {
            System.err.println("refusing to change this host's own ruleset: run me inside a throw-away network " +
                "namespace (ip netns add bs-nftc; ip netns exec bs-nftc java -cp ... " + NftCommitRun.class.getName() + ")");
            System.exit(2);
        }
        final ProcessCommandRunner processes = new ProcessCommandRunner(600_000);
        processes.run(List.of("nft", "delete", "table", "inet", TABLE), new byte[0]);
        processes.run(List.of("nft", "delete", "table", "inet", TOOL_TABLE), new byte[0]);
        System.out.println("load average before: " + loadAverage());

        final NftSetDump subscribed = listener ? NftSetDump.open(null) : null;
        if (null != subscribed)
        {
            subscribed.subscribe();
            System.out.println("a socket subscribed to NFNLGRP_NFTABLES, never read, through both parts");
        }
        firewall(elements, maxBatch, burst, rate, bulkIntervalMs);
        if (tool)
        {
            tool(processes, elements);
        }
        if (null != subscribed)
        {
            subscribed.close();
        }
        System.out.println("load average after: " + loadAverage());
        processes.run(List.of("nft", "delete", "table", "inet", TABLE), new byte[0]);
        processes.run(List.of("nft", "delete", "table", "inet", TOOL_TABLE), new byte[0]);
    }

    private static void firewall(final int elements, final int maxBatch, final int burst, final int rate,
        final long bulkIntervalMs) throws IOException
    {
        final FirewallBatcher batcher = new FirewallBatcher(new NftablesBackend(NftablesSettings.managed(TABLE)),
            new BatcherSettings().jitterPercent(0).maxBatch(maxBatch).bulkIntervalMs(bulkIntervalMs).threadName(THREAD)
                .log(System.out::println));
        batcher.start(List.of());
        while (batcher.reconciles() < 1)
        {
            LockSupport.parkNanos(1_000_000);
        }
        final Map<String, long[]> before = threadTimes();
        final Ban ban = new Ban().reason(ReasonCode.of("ssh").id());
        final long start = System.nanoTime();
        for (int i = 0; i < elements; i++)
        {
            if (rate > 0 && 0 == i % burst)
            {
                final long due = start + (long)(i * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime())
                {
                    batcher.pollCompletions((change) -> { });
                    LockSupport.parkNanos(wait);
                }
            }
            prefix(ban, i);
            while (!batcher.offer(FirewallChange.Op.ADD, ban, TIMEOUT_SECONDS))
            {
                batcher.pollCompletions((change) -> { });
                LockSupport.parkNanos(100_000);
            }
        }
        while (batcher.appliedChanges() < elements)
        {
            batcher.pollCompletions((change) -> { });
            LockSupport.parkNanos(200_000);
        }
        final long nanos = System.nanoTime() - start;
        final Map<String, long[]> after = threadTimes();
        final long batches = batcher.batches();
        final long failed = batcher.failedAttempts();
        batcher.close();

        System.out.printf(Locale.ROOT, "%,d /64 bans through the firewall (max-batch %d, bulk-interval %d ms%s): %.2f s " +
            "wall, %d commits (%.1f elements each), %d failed%n", elements, maxBatch, bulkIntervalMs,
            rate > 0 ? String.format(Locale.ROOT, ", %d at a time, %,d a second", burst, rate) : "", nanos / 1e9, batches,
            elements / (double)Math.max(1, batches), failed);
        for (final Map.Entry<String, long[]> entry : after.entrySet())
        {
            final long[] was = before.getOrDefault(entry.getKey(), new long[2]);
            final long user = entry.getValue()[0] - was[0];
            final long system = entry.getValue()[1] - was[1];
            if (user + system >= 10 || THREAD.equals(entry.getKey()))
            {
                System.out.printf(Locale.ROOT, "  thread %-16s %6.2f s user %6.2f s system  (%.2f us an element)%n",
                    entry.getKey(), user / (double)TICKS_PER_SECOND, system / (double)TICKS_PER_SECOND,
                    (user + system) * 1e6 / TICKS_PER_SECOND / elements);
            }
        }
    }

    private static void tool(final ProcessCommandRunner processes, final int elements) throws IOException
    {
        final StringBuilder script = new StringBuilder(elements * 40 + 256);
        script.append("add table inet " + TOOL_TABLE + "\n");
        script.append("add set inet " + TOOL_TABLE + " s { type ipv6_addr; flags timeout; }\n");
        final Ban ban = new Ban();
        for (int i = 0; i < elements; i++)
        {
            if (0 == i % 10_000)
            {
                script.append(0 == i ? "" : " }\n").append("add element inet " + TOOL_TABLE + " s { ");
            }
            prefix(ban, i);
            script.append(0 == i % 10_000 ? "" : ", ").append(AddressText.format(ban.prefix()).replace("/64", ""))
                .append(" timeout ").append(TIMEOUT_SECONDS).append('s');
        }
        script.append(" }\n");
        final Path file = Files.createTempFile("nftc", ".nft");
        Files.writeString(file, script, StandardCharsets.US_ASCII);
        final long[] before = childTimes();
        final long start = System.nanoTime();
        final CommandResult result = processes.run(List.of("nft", "-f", file.toString()), new byte[0]);
        final long nanos = System.nanoTime() - start;
        final long[] after = childTimes();
        Files.delete(file);
        if (0 != result.exitStatus())
        {
            throw new IllegalStateException("nft -f failed: " + result.error());
        }
        System.out.printf(Locale.ROOT, "%,d /64s by nft -f (10,000 per add element): %.2f s wall, %.2f s user " +
            "%.2f s system (%.2f us an element)%n", elements, nanos / 1e9, (after[0] - before[0]) / (double)TICKS_PER_SECOND,
            (after[1] - before[1]) / (double)TICKS_PER_SECOND,
            (after[0] - before[0] + after[1] - before[1]) * 1e6 / TICKS_PER_SECOND / elements);
    }

    /** 2001:db8:x:y::/64 for the index. */
    private static void prefix(final Ban ban, final int index)
    {
        final String text = String.format(Locale.ROOT, "2001:db8:%x:%x::/64", index >>> 16, index & 0xFFFF);
        final String error = AddressText.parse(text, ban.prefix(), 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
    }

    /** utime and stime in ticks per thread name (threads of one name added up). */
    private static Map<String, long[]> threadTimes() throws IOException
    {
        final Map<String, long[]> times = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm")).strip().replace(' ', '_');
                    final long[] time = times(Files.readString(task.resolve("stat")), 11);
                    times.merge(name, time, (a, b) -> new long[]{ a[0] + b[0], a[1] + b[1] });
                }
                catch (final IOException ex)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        return times;
    }

    /** cutime and cstime of this process: its waited-for children's CPU, in ticks. */
    private static long[] childTimes() throws IOException
    {
        return times(Files.readString(Path.of("/proc/self/stat")), 13);
    }

    private static long[] times(final String stat, final int field)
    {
        // fields[0] is field 3 (state): utime (14) is fields[11], cutime (16) fields[13].
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{ Long.parseLong(fields[field]), Long.parseLong(fields[field + 1]) };
    }

    private static String loadAverage() throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static boolean inNamedNamespace() throws IOException
    {
        final String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        final Path named = Path.of("/run/netns");
        if (!Files.isDirectory(named))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(named))
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
}
