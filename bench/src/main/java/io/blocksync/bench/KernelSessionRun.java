package io.blocksync.bench;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.IpsetSession;
import io.blocksync.nativeio.NftablesSession;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kernel session ({@link NftablesSession}, {@link IpsetSession}) against the tool process it replaces: a lone
 * element added per call (p50/p99), and 10,000 / 100,000 elements loaded in one script (median of
 * {@value #BULK_RUNS}) against the bare tool ({@code nft -f -}, {@code ipset restore -exist}) loading the same script
 * once. A plain main: the work is the kernel and processes, which JMH's harness does not model.
 * <p>
 * It changes the ruleset of the network namespace it runs in, so it refuses to run in the init namespace; run the
 * whole JVM in a throw-away one, so that neither path pays for {@code ip netns exec}:
 * <pre>
 * ip netns add bs-ksb
 * ip netns exec bs-ksb java -cp bench/target/benchmarks.jar io.blocksync.bench.KernelSessionRun [SIZES...]
 * ip netns del bs-ksb
 * </pre>
 */
public final class KernelSessionRun
{
    private static final int BULK_RUNS = 5;
    private static final int SESSION_CALLS = 5_000;
    private static final int PROCESS_CALLS = 500;
    private static final int WARM_UP = 200;
    private static final String NFT_SET = "inet bs_bench h4";
    private static final String IPSET_SET = "bs-bench4";

    private final ProcessCommandRunner processes = new ProcessCommandRunner(120_000);

    private KernelSessionRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (null == namedNamespace())
        {
            System.err.println("refusing to change this host's own ruleset: run me inside a throw-away network " +
                "namespace, e.g. ip netns add bs-ksb; ip netns exec bs-ksb java -cp ... " +
                KernelSessionRun.class.getName() + "; ip netns del bs-ksb");
            System.exit(2);
        }
        final int[] sizes = 0 == args.length ?
            new int[]{ 10_000, 100_000 } : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();

        new KernelSessionRun().run(sizes);
    }

    /**
     * @return the name under /run/netns of the namespace this process runs in, or null if it is not a named one.
     */
    private static String namedNamespace() throws IOException
    {
        final String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        final Path named = Path.of("/run/netns");
        if (!Files.isDirectory(named))
        {
            return null;
        }
        try (var files = Files.list(named))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (own.equals("net:[" + Files.getAttribute(file, "unix:ino") + "]"))
                {
                    return file.getFileName().toString();
                }
            }
        }
        return null;
    }

    private void run(final int[] sizes) throws Exception
    {
        System.out.println("| backend | path | lone element per call: p50 | p99 | calls |");
        System.out.println("|---|---|---:|---:|---:|");
        try (NftablesSession nft = NftablesSession.open(null))
        {
            must(nft.run("add table inet bs_bench\nadd set " + NFT_SET + " { type ipv4_addr; flags timeout; }\n"));
            final Backend backend = new Backend("nftables", nft::run, List.of("nft", "-f", "-"),
                "flush set " + NFT_SET + "\n", "add element " + NFT_SET + " { %s timeout 1h }\n");
            latency(backend);
            bulk(backend, sizes);
            must(nft.run("delete table inet bs_bench\n"));
        }
        try (IpsetSession ipset = IpsetSession.open(null))
        {
            must(ipset.run("create " + IPSET_SET + " hash:net family inet timeout 0 maxelem 1048576\n"));
            final Backend backend = new Backend("ipset", ipset::run, List.of("ipset", "restore", "-exist"),
                "flush " + IPSET_SET + "\n", "add " + IPSET_SET + " %s timeout 3600\n");
            latency(backend);
            bulk(backend, sizes);
            must(ipset.run("destroy " + IPSET_SET + "\n"));
        }
    }

    @FunctionalInterface
    private interface Session
    {
        CommandResult run(String script) throws IOException;
    }

    private record Backend(String name, Session session, List<String> tool, String flush, String add)
    {
        String line(final int index)
        {
            return String.format(Locale.ROOT, add, "10." + ((index >> 16) & 0xFF) + "." + ((index >> 8) & 0xFF) +
                "." + (index & 0xFF));
        }

        String script(final int count)
        {
            final StringBuilder script = new StringBuilder(count * 48);
            for (int i = 0; i < count; i++)
            {
                script.append(line(i));
            }
            return script.toString();
        }
    }

    private void latency(final Backend backend) throws IOException
    {
        must(backend.session.run(backend.flush));
        final long[] session = new long[SESSION_CALLS];
        for (int i = -WARM_UP; i < SESSION_CALLS; i++)
        {
            final String line = backend.line(WARM_UP + i);
            final long start = System.nanoTime();
            must(backend.session.run(line));
            final long took = System.nanoTime() - start;
            if (i >= 0)
            {
                session[i] = took;
            }
        }
        printLatency(backend.name, "library session", session);

        must(backend.session.run(backend.flush));
        final long[] process = new long[PROCESS_CALLS];
        for (int i = -WARM_UP / 10; i < PROCESS_CALLS; i++)
        {
            final byte[] line = backend.line(WARM_UP + i).getBytes(StandardCharsets.US_ASCII);
            final long start = System.nanoTime();
            must(processes.run(backend.tool, line));
            final long took = System.nanoTime() - start;
            if (i >= 0)
            {
                process[i] = took;
            }
        }
        printLatency(backend.name, String.join(" ", backend.tool) + " process", process);
    }

    private void bulk(final Backend backend, final int[] sizes) throws IOException
    {
        System.out.println();
        System.out.println("| backend | elements, one script | library session | bare tool (" +
            String.join(" ", backend.tool) + ") | session / tool |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (final int size : sizes)
        {
            final String script = backend.script(size);
            final byte[] bytes = script.getBytes(StandardCharsets.US_ASCII);
            final long[] session = new long[BULK_RUNS];
            final long[] tool = new long[BULK_RUNS];
            for (int run = 0; run < BULK_RUNS; run++)
            {
                must(backend.session.run(backend.flush));
                long start = System.nanoTime();
                must(backend.session.run(script));
                session[run] = System.nanoTime() - start;

                must(backend.session.run(backend.flush));
                start = System.nanoTime();
                must(processes.run(backend.tool, bytes));
                tool[run] = System.nanoTime() - start;
            }
            final double sessionMs = median(session) / 1e6;
            final double toolMs = median(tool) / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %,d | %.1f ms | %.1f ms | %.2f× |%n",
                backend.name, size, sessionMs, toolMs, sessionMs / toolMs);
        }
        must(backend.session.run(backend.flush));
        System.out.println();
    }

    private static void printLatency(final String backend, final String path, final long[] nanos)
    {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "| %s | %s | %.3f ms | %.3f ms | %,d |%n", backend, path,
            sorted[sorted.length / 2] / 1e6, sorted[(int)Math.ceil(sorted.length * 0.99) - 1] / 1e6, sorted.length);
    }

    private static long median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void must(final CommandResult result)
    {
        if (0 != result.exitStatus())
        {
            throw new IllegalStateException("exit " + result.exitStatus() + ": " + result.error() + result.output());
        }
    }
}
