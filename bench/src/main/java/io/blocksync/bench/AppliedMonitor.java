package io.blocksync.bench;

import io.blocksync.testkit.NetworkNamespaces;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each element appeared in a host's nftables sets: {@code nft monitor new elements} in the host's namespace,
 * its lines timestamped as this process reads them. The kernel sends the notification when the transaction commits,
 * so a time here includes its trip through {@code nft monitor} and a pipe: an upper bound, never an under-estimate.
 */
final class AppliedMonitor
{
    private static final String PROBE_ADDRESS = "192.0.2.99";

    private final Map<String, Long> applied = new HashMap<>();

    /**
     * Start {@code nft monitor} in the namespace and prove it attached with an element of a throw-away table of our
     * own.
     *
     * @param namespaces the run's namespaces; they stop the monitor when they close.
     * @param ns         the host's namespace.
     * @return the attached monitor.
     * @throws InterruptedException if interrupted while waiting for the probe.
     */
    static AppliedMonitor start(final NetworkNamespaces namespaces, final String ns) throws InterruptedException
    {
        final AppliedMonitor monitor = new AppliedMonitor();
        final Process process = namespaces.spawn(ns, ProcessBuilder.Redirect.PIPE, List.of("nft", "monitor", "new", "elements"));
        final Thread reader = new Thread(() -> monitor.read(process.getInputStream()), "e2e-nft-monitor");
        reader.setDaemon(true);
        reader.start();
        final long deadline = System.currentTimeMillis() + 10_000;
        namespaces.must(ns, "nft", "add table inet e2eprobe");
        namespaces.must(ns, "nft", "add set inet e2eprobe s { type ipv4_addr; }");
        while (null == monitor.awaitApplied(PROBE_ADDRESS, 200))
        {
            if (System.currentTimeMillis() > deadline || !process.isAlive())
            {
                throw new IllegalStateException("nft monitor in B's namespace printed nothing for a probe element");
            }
            namespaces.must(ns, "nft", "add element inet e2eprobe s { " + PROBE_ADDRESS + " }");
        }
        namespaces.must(ns, "nft", "delete table inet e2eprobe");
        return monitor;
    }

    /**
     * @param address       an element, as nft prints it.
     * @param timeoutMillis how long to wait at most.
     * @return when it was first seen, in epoch nanoseconds, or null if not within the timeout.
     * @throws InterruptedException if interrupted while waiting.
     */
    Long awaitApplied(final String address, final long timeoutMillis) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (applied)
        {
            Long at;
            while (null == (at = applied.get(address)))
            {
                final long left = deadline - System.currentTimeMillis();
                if (left <= 0)
                {
                    return null;
                }
                applied.wait(left);
            }
            return at;
        }
    }

    /** Lines such as {@code add element inet blocksync ban4_host { 192.0.2.100 timeout 1h expires 1h }}. */
    private void read(final InputStream in)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = lines.readLine()))
            {
                final Instant instant = Instant.now();
                final long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
                final int open = line.indexOf('{');
                final int close = line.lastIndexOf('}');
                if (!line.startsWith("add element") || open < 0 || close < open)
                {
                    continue;
                }
                synchronized (applied)
                {
                    for (final String element : line.substring(open + 1, close).split(","))
                    {
                        applied.putIfAbsent(element.trim().split(" ")[0], now);
                    }
                    applied.notifyAll();
                }
            }
        }
        catch (final IOException ex)
        {
            // the monitor was stopped
        }
    }
}
