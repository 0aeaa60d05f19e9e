package io.blocksync.bench;

import io.blocksync.testkit.NetworkNamespaces;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Kernel capture timestamps on node A's eth0 ({@code tcpdump}, not in immediate mode so it wakes about once a second,
 * not per packet): each source's first SYN to port 22 (IPv4 and IPv6) and every BATCH datagram (type byte 1) A sends
 * to B.
 */
final class WireCapture
{
    private final Map<String, Long> synSeen = new HashMap<>();
    private final List<Long> batchesSent = new ArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private Process process;

    /**
     * @param namespaces the run's namespaces; they stop tcpdump when they close.
     * @param ns         A's namespace.
     * @param peer       B's address: the destination of the BATCH datagrams.
     * @return the capture, once tcpdump is listening.
     * @throws InterruptedException if interrupted while waiting for it.
     */
    static WireCapture start(final NetworkNamespaces namespaces, final String ns, final String peer)
        throws InterruptedException
    {
        final WireCapture capture = new WireCapture();
        final String filter = "(tcp dst port 22 and ((ip and tcp[13] & 0x12 = 0x02) or (ip6 and ip6[6] = 6 and ip6[53] & 0x12 = 0x02)))" +
            " or (udp src port 7701 and dst host " + peer + " and udp[9] = 1)";
        capture.process = namespaces.spawn(ns, ProcessBuilder.Redirect.PIPE, List.of("tcpdump", "-i", "eth0", "-n", "-l",
            "-tt", "--time-stamp-precision=nano", "-s", "128", filter));
        final Thread reader = new Thread(() -> capture.read(capture.process.getInputStream()), "e2e-capture");
        reader.setDaemon(true);
        reader.start();
        if (!capture.listening.await(10, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("tcpdump in A's namespace did not start");
        }
        return capture;
    }

    /**
     * Stop tcpdump after giving its 1 s capture timeout time to hand over the last packets.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void stop() throws InterruptedException
    {
        Thread.sleep(2_000);
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * @param source a source address as tcpdump prints it.
     * @return when its first SYN was captured, in epoch nanoseconds, or null if never.
     */
    Long synNanos(final String source)
    {
        synchronized (synSeen)
        {
            return synSeen.get(source);
        }
    }

    /**
     * @return when each BATCH datagram was captured, in epoch nanoseconds, in capture order.
     */
    List<Long> batchesSent()
    {
        synchronized (synSeen)
        {
            return new ArrayList<>(batchesSent);
        }
    }

    /**
     * {@code 1795638458.727455694 IP 192.0.2.100.45678 > 192.0.2.1.22: Flags [S], ...} and
     * {@code ... IP 192.0.2.1.7701 > 192.0.2.2.7701: UDP, length 104}.
     */
    private void read(final InputStream in)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = lines.readLine()))
            {
                if (line.startsWith("listening on"))
                {
                    listening.countDown();
                    continue;
                }
                final String[] words = line.split(" ");
                if (words.length < 6 || !words[0].matches("[0-9]+\\.[0-9]+") || !words[1].startsWith("IP"))
                {
                    continue;
                }
                final long at = parseTime(words[0]);
                final String sourceAddress = words[2].substring(0, words[2].lastIndexOf('.'));
                synchronized (synSeen)
                {
                    if (line.contains(": Flags [S],"))
                    {
                        synSeen.putIfAbsent(sourceAddress, at);
                    }
                    else if (line.contains(": UDP,"))
                    {
                        batchesSent.add(at);
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            // tcpdump was stopped
        }
    }

    private static long parseTime(final String text)
    {
        final int dot = text.indexOf('.');
        final String fraction = (text.substring(dot + 1) + "000000000").substring(0, 9);
        return Long.parseLong(text.substring(0, dot)) * 1_000_000_000L + Long.parseLong(fraction);
    }
}
