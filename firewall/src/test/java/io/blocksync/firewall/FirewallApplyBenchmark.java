package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.ProcessCommandRunner;
import io.blocksync.testkit.NetworkNamespaces;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Time to put N host bans into the kernel through each Linux backend, against the bare tool loading the same set in
 * one shot, inside a throw-away network namespace (the testkit's {@link NetworkNamespaces}; root needed). Process-bound work, so a plain main rather than
 * JMH; each figure is the median of several runs into an empty set.
 * <pre>
 * mvn -B -q -pl firewall test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp %classpath \
 *   io.blocksync.firewall.FirewallApplyBenchmark 1000 10000 100000"
 * </pre>
 * Rows: {@code bare} is one {@code nft -f -} / {@code ipset restore} with every element; {@code reconcile} is the
 * backend's start-up path (the daemon's store into the kernel, one transaction); {@code batcher} offers every ban
 * through {@link FirewallBatcher} (default 20 ms / 1,024-change batches; {@code batcher-8k}: maxBatch 8,192, capacity
 * 16,384) and stops when the last completion is polled.
 * The latency lines time single bans offered one at a time, offer to completion.
 */
public final class FirewallApplyBenchmark
{
    private static final int RUNS = 5;
    private static final long TIMEOUT_SECONDS = 3600;
    private static final Supplier<BatcherSettings> DEFAULTS = BatcherSettings::new;
    private static final Supplier<BatcherSettings> LARGE_BATCHES =
        () -> new BatcherSettings().maxBatch(8192).capacity(16384);

    private final String namespace;
    private final List<String> prefix;

    private FirewallApplyBenchmark(final String namespace)
    {
        this.namespace = namespace;
        this.prefix = List.of("ip", "netns", "exec", namespace);
    }

    public static void main(final String[] args) throws Exception
    {
        final int[] sizes = 0 == args.length ?
            new int[]{ 1_000, 10_000, 100_000 } : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        try (NetworkNamespaces namespaces = new NetworkNamespaces())
        {
            new FirewallApplyBenchmark(namespaces.create("bs-bench")).measure(sizes);
        }
    }

    private void measure(final int[] sizes) throws Exception
    {
        System.out.printf(Locale.ROOT, "%s, %s, kernel %s, %d CPUs, median of %d runs%n",
            tool("nft", "--version"), tool("ipset", "--version"), System.getProperty("os.version"),
            Runtime.getRuntime().availableProcessors(), RUNS);
        System.out.printf(Locale.ROOT, "%-8s %8s %9s %13s %7s %11s %7s %14s %7s%n",
            "backend", "bans", "bare ms", "reconcile ms", "ratio", "batcher ms", "ratio", "batcher-8k ms", "ratio");

        for (final int size : sizes)
        {
            final List<FirewallChange> bans = Bans.bulk(size, false, TIMEOUT_SECONDS);
            final String last = AddressText.format(bans.get(size - 1).ban().prefix());

            final double nftBare = median(() -> time(() -> nftBare(bans)));
            final double nftReconcile = median(() -> nftReconcile(bans, last));
            final double nftBatcher = median(() -> batcher(freshNft(), bans, DEFAULTS, () -> nftHolds(last)));
            final double nftLarge = median(() -> batcher(freshNft(), bans, LARGE_BATCHES, () -> nftHolds(last)));
            row("nftables", size, nftBare, nftReconcile, nftBatcher, nftLarge);

            final double ipsetBare = median(() -> time(() -> ipsetBare(bans)));
            final double ipsetReconcile = median(() -> ipsetReconcile(bans, last));
            final double ipsetBatcher = median(() -> batcher(freshIpset(), bans, DEFAULTS, () -> ipsetHolds(last)));
            final double ipsetLarge = median(() -> batcher(freshIpset(), bans, LARGE_BATCHES, () -> ipsetHolds(last)));
            row("ipset", size, ipsetBare, ipsetReconcile, ipsetBatcher, ipsetLarge);
        }

        latency("nftables", freshNft(), 20);
        latency("nftables", freshNft(), 0);
        latency("ipset", freshIpset(), 20);
        latency("ipset", freshIpset(), 0);
    }

    private void nftBare(final List<FirewallChange> bans)
    {
        final StringBuilder script = new StringBuilder(32 * bans.size())
            .append("add table inet bare\nadd set inet bare s { type ipv4_addr; flags timeout; }\n")
            .append("add element inet bare s { ");
        for (int i = 0; i < bans.size(); i++)
        {
            script.append(i > 0 ? ", " : "").append(AddressText.format(bans.get(i).ban().prefix()))
                .append(" timeout 1h");
        }
        script.append(" }\n");
        inNamespace(List.of("nft", "delete", "table", "inet", "bare"), "");
        mustInNamespace(List.of("nft", "-f", "-"), script.toString(), "bare nft");
    }

    private double nftReconcile(final List<FirewallChange> bans, final String last)
    {
        final NftablesBackend backend = freshNft();
        backend.start();
        final double ms = time(() -> backend.reconcile(bans));
        check(nftHolds(last), "nft reconcile");
        return ms;
    }

    private NftablesBackend freshNft()
    {
        inNamespace(List.of("nft", "delete", "table", "inet", "blocksync"), "");
        return new NftablesBackend(NftablesSettings.managed("blocksync").commandPrefix(prefix));
    }

    private boolean nftHolds(final String address)
    {
        final List<String> argv = List.of(
            "nft", "get", "element", "inet", "blocksync", "ban4_host", "{ " + address + " }");
        return inNamespace(argv, "").succeeded();
    }

    private void ipsetBare(final List<FirewallChange> bans)
    {
        final StringBuilder script = new StringBuilder(40 * bans.size())
            .append("create bare hash:net family inet timeout 0 maxelem 1048576\n");
        for (final FirewallChange ban : bans)
        {
            script.append("add bare ").append(AddressText.format(ban.ban().prefix())).append(" timeout 3600\n");
        }
        inNamespace(List.of("ipset", "destroy", "bare"), "");
        mustInNamespace(List.of("ipset", "restore", "-exist"), script.toString(), "bare ipset");
    }

    private double ipsetReconcile(final List<FirewallChange> bans, final String last)
    {
        final IpsetBackend backend = freshIpset();
        backend.start();
        backend.flush();
        final double ms = time(() -> backend.reconcile(bans));
        check(ipsetHolds(last), "ipset reconcile");
        return ms;
    }

    private IpsetBackend freshIpset()
    {
        return new IpsetBackend(IpsetSettings.managed("blocksync").commandPrefix(prefix));
    }

    private boolean ipsetHolds(final String address)
    {
        return inNamespace(List.of("ipset", "test", "blocksync4", address), "").succeeded();
    }

    private static double batcher(
        final FirewallBackend backend,
        final List<FirewallChange> bans,
        final Supplier<BatcherSettings> settings,
        final Supplier<Boolean> lastPresent)
    {
        backend.start();
        backend.flush();
        final FirewallBatcher batcher = new FirewallBatcher(backend, settings.get());
        batcher.start(List.of());
        while (batcher.reconciles() < 1)
        {
            LockSupport.parkNanos(50_000);
        }

        final int[] completed = { 0 };
        final long start = System.nanoTime();
        int offered = 0;
        while (completed[0] < bans.size())
        {
            while (offered < bans.size())
            {
                final FirewallChange ban = bans.get(offered);
                if (!batcher.offer(ban.op(), ban.ban(), ban.timeoutSeconds()))
                {
                    break;
                }
                offered++;
            }
            if (0 == batcher.pollCompletions((change) -> completed[0]++))
            {
                // Idle like the daemon's loop would, leaving the CPU to the worker and the tool.
                LockSupport.parkNanos(50_000);
            }
        }
        final double ms = (System.nanoTime() - start) / 1e6;
        batcher.close();
        check(0 == batcher.failedChanges() && lastPresent.get(), "batcher: " + batcher.lastError());
        return ms;
    }

    private static void latency(final String name, final FirewallBackend backend, final int flushDelayMs)
    {
        backend.start();
        backend.flush();
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings().flushDelayMs(flushDelayMs));
        batcher.start(List.of());
        final int count = 200;
        final long[] latencies = new long[count];
        final List<FirewallChange> bans = Bans.bulk(count, false, TIMEOUT_SECONDS);
        for (int i = 0; i < count; i++)
        {
            final FirewallChange ban = bans.get(i);
            batcher.offer(ban.op(), ban.ban(), ban.timeoutSeconds());
            final int index = i;
            while (0 == batcher.pollCompletions(
                (change) -> latencies[index] = change.completedNanos() - change.offeredNanos()))
            {
                LockSupport.parkNanos(50_000);
            }
        }
        batcher.close();
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "latency %-8s flushDelayMs=%-2d single bans offer->applied: p50 %.1f ms, " +
            "p99 %.1f ms (n=%d)%n", name, flushDelayMs, latencies[count / 2] / 1e6, latencies[count * 99 / 100] / 1e6,
            count);
    }

    private static void row(
        final String name,
        final int size,
        final double bare,
        final double reconcile,
        final double batcher,
        final double large)
    {
        System.out.printf(Locale.ROOT, "%-8s %8d %9.1f %13.1f %6.2fx %11.1f %6.2fx %14.1f %6.2fx%n",
            name, size, bare, reconcile, reconcile / bare, batcher, batcher / bare, large, large / bare);
    }

    private interface Measurement
    {
        double run() throws Exception;
    }

    private static double median(final Measurement measurement) throws Exception
    {
        final double[] times = new double[RUNS];
        for (int i = 0; i < RUNS; i++)
        {
            times[i] = measurement.run();
        }
        Arrays.sort(times);
        return times[RUNS / 2];
    }

    private static double time(final Runnable action)
    {
        final long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException(what + ": the last ban is not in the kernel");
        }
    }

    private String tool(final String... argv)
    {
        return CommandResult.firstLine(inNamespace(List.of(argv), "").stdout());
    }

    private CommandResult inNamespace(final List<String> argv, final String stdin)
    {
        final List<String> full = new ArrayList<>(prefix);
        full.addAll(argv);
        return run(full, stdin);
    }

    private void mustInNamespace(final List<String> argv, final String stdin, final String what)
    {
        final CommandResult result = inNamespace(argv, stdin);
        if (!result.succeeded())
        {
            throw new IllegalStateException(what + " failed: " + CommandResult.firstLine(result.stderr()));
        }
    }

    private static CommandResult run(final List<String> argv, final String stdin)
    {
        try
        {
            return new ProcessCommandRunner(Tool.TIMEOUT_MILLIS).run(argv, stdin.getBytes(StandardCharsets.US_ASCII));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(String.join(" ", argv) + ": " + ex.getMessage(), ex);
        }
    }
}
