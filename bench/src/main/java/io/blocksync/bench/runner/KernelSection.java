package io.blocksync.bench.runner;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.NftablesSession;
import io.blocksync.testkit.NetworkNamespaces;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A kernel apply in a throw-away network namespace, through the daemon's own nftables session (libnftables, as the
 * nftables backend applies a batch): a lone element added per call (p50, p99), then one script of many elements.
 * Needs root, {@code ip} and {@code nft} (whose package brings libnftables); otherwise {@link #unavailableReason()}
 * says why and the section is skipped. The namespace is deleted afterwards, so this host's ruleset is never touched.
 */
final class KernelSection
{
    private static final String SET = "inet bs_bench h6";

    private final boolean quick;

    KernelSection(final boolean quick)
    {
        this.quick = quick;
    }

    /** @return why the section cannot run here, or null if it can. */
    static String unavailableReason()
    {
        final String namespaces = NetworkNamespaces.unavailableReason("nft");
        if (null != namespaces)
        {
            return namespaces;
        }
        return NftablesSession.available() ? null : "libnftables cannot be loaded: " + NftablesSession.unavailableReason();
    }

    int loneCalls()
    {
        return quick ? 300 : 2000;
    }

    int bulkElements()
    {
        return quick ? 10_000 : 100_000;
    }

    void run(final BenchReport report) throws IOException
    {
        try (NetworkNamespaces namespaces = new NetworkNamespaces())
        {
            final String ns = namespaces.create("bs-bench");
            try (NftablesSession nft = NftablesSession.open("/run/netns/" + ns))
            {
                must(nft.run("add table inet bs_bench\nadd set " + SET + " { type ipv6_addr; flags interval, timeout; }\n"));
                final long[] nanos = new long[loneCalls()];
                for (int i = -loneCalls() / 10; i < nanos.length; i++)
                {
                    final String line = "add element " + SET + " { " + address(loneCalls() + i) + " timeout 1h }\n";
                    final long start = System.nanoTime();
                    must(nft.run(line));
                    if (i >= 0)
                    {
                        nanos[i] = System.nanoTime() - start;
                    }
                }
                Arrays.sort(nanos);
                report.add("kernel_add_p50", nanos[nanos.length / 2] / 1e6, "ms", false,
                    "one element into an nftables set through libnftables, median of " + nanos.length);
                report.add("kernel_add_p99", nanos[(int)Math.ceil(nanos.length * 0.99) - 1] / 1e6, "ms", false,
                    "the same, 99th percentile");

                must(nft.run("flush set " + SET + "\n"));
                final StringBuilder script = new StringBuilder(bulkElements() * 48);
                for (int i = 0; i < bulkElements(); i++)
                {
                    script.append("add element ").append(SET).append(" { ").append(address(i)).append(" timeout 1h }\n");
                }
                final long start = System.nanoTime();
                must(nft.run(script.toString()));
                final double seconds = (System.nanoTime() - start) / 1e9;
                report.add("kernel_bulk_elements_per_s", bulkElements() / seconds, "elements/s", true,
                    String.format(Locale.ROOT, "%,d elements in one nftables script", bulkElements()));
            }
        }
    }

    /** 2001:db8:H:L::1 from an index: documentation space (RFC 3849). */
    private static String address(final int index)
    {
        return String.format(Locale.ROOT, "2001:db8:%x:%x::1", index >>> 16, index & 0xFFFF);
    }

    private static void must(final CommandResult result)
    {
        if (0 != result.exitStatus())
        {
            throw new IllegalStateException("nft exit " + result.exitStatus() + ": " + result.firstErrorLine());
        }
    }
}
