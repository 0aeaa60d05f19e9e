package io.blocksync.bench;

import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import org.agrona.concurrent.status.CountersReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Kernel event to ban on a peer's firewall, end to end, on real kernels (issue 5). As root, four network namespaces
 * on one bridge (documentation addresses only): node A logs new connections to its port 22 with an nftables
 * {@code log group 5 prefix "bs-ssh"} rule and reads them through an {@code nflog} (or {@code pcap-pipe}) source with
 * {@code nfail = 1}; node B applies bans with the nftables backend; an attacker holds hundreds of fresh addresses.
 * Both nodes run as their own processes with the launcher's JVM flags.
 * <p>
 * Per sample the attacker sends one TCP SYN to A's port 22 from an address never used before, and the run waits for
 * that address to appear in B's kernel set. Times, all from the one wall clock the namespaces share:
 * <ul>
 *   <li>{@code t0}: the attacker process, just before {@code connect()} (it is a long-lived helper,
 *   {@link EndToEndAttacker}, so no process start is inside the interval);</li>
 *   <li>{@code syn}, {@code batch}: kernel capture timestamps on A's eth0 ({@code tcpdump}, not in immediate mode so
 *   it wakes about once a second, not per packet) of the SYN arriving and of A's BATCH datagram to B leaving;</li>
 *   <li>{@code applied}: when this process reads the element's line from {@code nft monitor} running in B's
 *   namespace. The kernel sends that notification when B's {@code nft -f -} transaction commits, so the figure
 *   includes the notification's trip through {@code nft monitor} and a pipe: an upper bound, never an
 *   under-estimate.</li>
 * </ul>
 * One sample at a time with a random pause between samples, so every ban travels alone, as in a real attack.
 * <pre>
 * # as root, after mvn -B -q install -DskipTests; Agrona's flag because it reads the nodes' status files
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.blocksync.bench.EndToEndLatencyRun [--samples 300] [--warmup 20]
 *     [--flush-delays 0,20ms] [--family both|4|6] [--source nflog|pcap-pipe] [--gap-ms 50] [--no-capture]
 *     [--node-java-opts "-Xmx64m ..."] [--log-options "queue-threshold 1"] [--csv DIR] [--keep]
 * </pre>
 */
public final class EndToEndLatencyRun
{
    private static final String KEY_A = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    private static final String LAUNCHER_MEMORY_FLAGS =
        "-Xms16m -Xmx64m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1";
    /** Extra on-link subnets on A (and the attacker) so more than 155 IPv4 sources are available. */
    private static final String[] V4_SUBNETS = { "192.0.2", "198.51.100", "203.0.113" };
    private static final long SAMPLE_TIMEOUT_MILLIS = 5_000;
    private static final long FIRST_CONTACT_MILLIS = 30_000;
    private static final String A_ADDRESS = "192.0.2.1";
    private static final String B_ADDRESS = "192.0.2.2";
    private static final String PROBE_ADDRESS = "192.0.2.99";

    private final Options options;
    private final Path dir;
    private final EndToEndHosts hosts;
    private final Map<String, Long> applied = new HashMap<>();
    private final Map<String, Long> synSeen = new HashMap<>();
    private final List<Long> batchesSent = new ArrayList<>();
    private final CountDownLatch captureListening = new CountDownLatch(1);
    private final List<Sample> samples = new ArrayList<>();
    private int nextV4;
    private int nextV6;
    private String counters = "";

    private EndToEndLatencyRun(final Options options, final Path dir, final EndToEndHosts hosts)
    {
        this.options = options;
        this.dir = dir;
        this.hosts = hosts;
    }

    public static void main(final String[] args) throws Exception
    {
        final Options options = Options.parse(args);
        if (!"root".equals(System.getProperty("user.name")))
        {
            throw new IllegalStateException("run as root: it creates network namespaces and nftables rules");
        }
        for (final String tool : List.of("ip", "nft", "tcpdump"))
        {
            if (!onPath(tool))
            {
                throw new IllegalStateException(tool + " is not on PATH");
            }
        }
        System.out.printf(Locale.ROOT, "%s%nsamples %d (+%d warm-up) per run, family %s, source %s, gap %d-%d ms, " +
            "A's log rule: log group 5 prefix \"bs-ssh\" %s%nnode JVM flags: %s%n%n", machine(), options.samples, options.warmup,
            options.family, options.source, options.gapMillis, 2 * options.gapMillis, options.logOptions, options.nodeJavaOpts);
        for (final String flushDelay : options.flushDelays)
        {
            final Path dir = Files.createTempDirectory("blocksync-e2e-");
            final String loadBefore = loadAverage();
            try (EndToEndHosts hosts = new EndToEndHosts())
            {
                final EndToEndLatencyRun run = new EndToEndLatencyRun(options, dir, hosts);
                run.measure(flushDelay);
                run.report(flushDelay, loadBefore, loadAverage());
            }
            finally
            {
                if (options.keep)
                {
                    System.out.println("kept " + dir);
                }
                else
                {
                    deleteRecursively(dir);
                }
            }
        }
    }

    private void measure(final String flushDelay) throws Exception
    {
        final String a = hosts.host(1);
        final String b = hosts.host(2);
        final String attacker = hosts.host(3);
        final List<String> attackerAddresses = new ArrayList<>();
        for (int s = 1; s < V4_SUBNETS.length; s++)
        {
            hosts.exec(a, "ip", "addr", "add", V4_SUBNETS[s] + ".1/24", "dev", "eth0");
            attackerAddresses.add("addr add " + V4_SUBNETS[s] + ".3/24 dev eth0");
        }
        final int perFamily = options.warmup + options.samples + 40;
        for (int i = 0; i < perFamily; i++)
        {
            if (!"6".equals(options.family))
            {
                attackerAddresses.add("addr add " + v4Source(i) + "/32 dev eth0");
            }
            if (!"4".equals(options.family))
            {
                attackerAddresses.add("addr add " + v6Source(i) + "/128 dev eth0 nodad");
            }
        }
        hosts.ipBatch(attacker, attackerAddresses);
        hosts.exec(a, "nft", "add table inet watch");
        hosts.exec(a, "nft", "add chain inet watch input { type filter hook input priority 0; policy accept; }");
        hosts.exec(a, "nft", "add rule inet watch input tcp dport 22 ct state new log group 5 prefix \"bs-ssh\"" +
            (options.logOptions.isEmpty() ? "" : " " + options.logOptions));

        final String source = "nflog".equals(options.source) ?
            "[source kernel]\ntype = nflog\ngroup = 5\n" :
            "[source kernel]\ntype = pcap-pipe\ncommand = tcpdump -i nflog:5 -U -w -\n";
        final String rule = "\n[rule ssh]\nsource = kernel\nlog-prefix = \"bs-ssh\"\nprotocol = tcp\nport = 22\nnfail = 1\n" +
            "window = 1m\nduration = 1h\nipv6-prefix = 128\n";
        final Path configA = writeConfig("a.conf", 1, A_ADDRESS, 2, B_ADDRESS, KEY_A, KEY_B, "log", "0", source + rule);
        final Path configB = writeConfig("b.conf", 2, B_ADDRESS, 1, A_ADDRESS, KEY_B, KEY_A, "nftables", flushDelay, "");
        final Process nodeA = startNode(a, configA);
        final Process nodeB = startNode(b, configB);
        awaitReady(nodeA, dir.resolve("a"));
        awaitReady(nodeB, dir.resolve("b"));
        awaitCounter(dir.resolve("a"), "heartbeats_received", 1);
        awaitCounter(dir.resolve("b"), "heartbeats_received", 1);

        startMonitor(b);
        final Process capture = options.capture ? startCapture(a) : null;
        final Process knocker = hosts.spawn(attacker, null, List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-Xmx32m",
            "-cp", System.getProperty("java.class.path"), EndToEndAttacker.class.getName()));
        final PrintWriter knock = new PrintWriter(knocker.getOutputStream(), true, StandardCharsets.US_ASCII);
        final BufferedReader knocked = new BufferedReader(new InputStreamReader(knocker.getInputStream(), StandardCharsets.US_ASCII));
        expectLine(knocked, "ready");

        // The source may attach a moment after the control socket answers: knock until the first ban lands.
        final long firstContactDeadline = System.currentTimeMillis() + FIRST_CONTACT_MILLIS;
        Sample first;
        do
        {
            if (System.currentTimeMillis() > firstContactDeadline)
            {
                throw new IllegalStateException("no ban reached B within " + FIRST_CONTACT_MILLIS + " ms\n" + logs());
            }
            first = knockOnce(knock, knocked, 0, 1_000);
        }
        while (null == first.appliedNanos);

        int consecutiveTimeouts = 0;
        for (int i = 0; i < options.warmup + options.samples; i++)
        {
            pause();
            final Sample sample = knockOnce(knock, knocked, i, SAMPLE_TIMEOUT_MILLIS);
            if (i >= options.warmup)
            {
                samples.add(sample);
            }
            consecutiveTimeouts = null == sample.appliedNanos ? consecutiveTimeouts + 1 : 0;
            if (consecutiveTimeouts >= 3)
            {
                throw new IllegalStateException("three samples in a row never reached B\n" + logs());
            }
        }
        knock.close();

        if (null != capture)
        {
            // tcpdump is not in immediate mode: give its 1 s capture timeout time to hand over the last packets.
            Thread.sleep(2_000);
            capture.destroy();
            capture.waitFor(10, TimeUnit.SECONDS);
        }
        counters = "A: " + counters(dir.resolve("a"), "events_matched", "detector_bans", "batches_sealed", "retransmits",
            "refused_protected") + "\nB: " + counters(dir.resolve("b"), "bans_applied", "firewall_changes_applied",
            "firewall_changes_failed", "firewall_queue_full", "records_duplicate");
        stop(nodeA);
        stop(nodeB);
    }

    private Sample knockOnce(final PrintWriter knock, final BufferedReader knocked, final int index, final long timeoutMillis)
        throws IOException, InterruptedException
    {
        final boolean v6 = "6".equals(options.family) || ("both".equals(options.family) && (index & 1) == 1);
        final String address;
        final String target;
        if (v6)
        {
            address = v6Source(nextV6++);
            target = "2001:db8:a::1";
        }
        else
        {
            final int n = nextV4++;
            address = v4Source(n);
            target = address.substring(0, address.lastIndexOf('.')) + ".1";
        }
        knock.println(address + " " + target + " 22");
        final String reply = knocked.readLine();
        if (null == reply || !reply.startsWith("sent " + address + " "))
        {
            throw new IllegalStateException("attacker: " + reply);
        }
        final Sample sample = new Sample(address, v6, Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1)));
        sample.appliedNanos = awaitApplied(address, timeoutMillis);
        if (null == sample.appliedNanos)
        {
            System.out.println("timeout: " + address + " not in B's set after " + timeoutMillis + " ms");
        }
        return sample;
    }

    /** IPv4 source number i: 192.0.2.100-254, then 198.51.100.10-254, then 203.0.113.10-254. */
    private static String v4Source(final int i)
    {
        if (i < 155)
        {
            return V4_SUBNETS[0] + "." + (100 + i);
        }
        final int rest = i - 155;
        if (rest / 245 + 1 >= V4_SUBNETS.length)
        {
            throw new IllegalArgumentException("at most " + (155 + 245 * (V4_SUBNETS.length - 1)) +
                " IPv4 sources; lower --samples or use --family 6");
        }
        return V4_SUBNETS[rest / 245 + 1] + "." + (10 + rest % 245);
    }

    private static String v6Source(final int i)
    {
        return "2001:db8:a::" + Integer.toHexString(0x1000 + i);
    }

    private void pause() throws InterruptedException
    {
        Thread.sleep(options.gapMillis + ThreadLocalRandom.current().nextLong(options.gapMillis + 1));
    }

    private Long awaitApplied(final String address, final long timeoutMillis) throws InterruptedException
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

    /** {@code nft monitor} in B's namespace; proven attached by an element of a throw-away table of our own. */
    private void startMonitor(final String b) throws Exception
    {
        final Process monitor = hosts.spawn(b, null, List.of("nft", "monitor", "new", "elements"));
        final Thread reader = new Thread(() -> readMonitor(monitor.getInputStream()), "e2e-nft-monitor");
        reader.setDaemon(true);
        reader.start();
        final long deadline = System.currentTimeMillis() + 10_000;
        hosts.exec(b, "nft", "add table inet e2eprobe");
        hosts.exec(b, "nft", "add set inet e2eprobe s { type ipv4_addr; }");
        while (null == awaitApplied(PROBE_ADDRESS, 200))
        {
            if (System.currentTimeMillis() > deadline || !monitor.isAlive())
            {
                throw new IllegalStateException("nft monitor in B's namespace printed nothing for a probe element");
            }
            hosts.exec(b, "nft", "add element inet e2eprobe s { " + PROBE_ADDRESS + " }");
        }
        hosts.exec(b, "nft", "delete table inet e2eprobe");
    }

    /** Lines such as {@code add element inet blocksync ban4_host { 192.0.2.100 timeout 1h expires 1h }}. */
    private void readMonitor(final InputStream in)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = lines.readLine()))
            {
                final long now = epochNanos(Instant.now());
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

    /** tcpdump on A's eth0: SYNs to port 22 (IPv4 and IPv6) and A's BATCH datagrams (type byte 1) to B. */
    private Process startCapture(final String a) throws Exception
    {
        final String filter = "(tcp dst port 22 and ((ip and tcp[13] & 0x12 = 0x02) or (ip6 and ip6[6] = 6 and ip6[53] & 0x12 = 0x02)))" +
            " or (udp src port 7701 and dst host " + B_ADDRESS + " and udp[9] = 1)";
        final Process capture = hosts.spawn(a, null, List.of("tcpdump", "-i", "eth0", "-n", "-l", "-tt",
            "--time-stamp-precision=nano", "-s", "128", filter));
        final Thread reader = new Thread(() -> readCapture(capture.getInputStream()), "e2e-capture");
        reader.setDaemon(true);
        reader.start();
        if (!captureListening.await(10, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("tcpdump in A's namespace did not start");
        }
        return capture;
    }

    /**
     * {@code 1795638458.727455694 IP 192.0.2.100.45678 > 192.0.2.1.22: Flags [S], ...} and
     * {@code ... IP 192.0.2.1.7701 > 192.0.2.2.7701: UDP, length 104}.
     */
    private void readCapture(final InputStream in)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = lines.readLine()))
            {
                if (line.startsWith("listening on"))
                {
                    captureListening.countDown();
                    continue;
                }
                final String[] words = line.split(" ");
                if (words.length < 6 || !words[0].matches("[0-9]+\\.[0-9]+") || !words[1].startsWith("IP"))
                {
                    continue;
                }
                final long at = parseCaptureTime(words[0]);
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

    private static long parseCaptureTime(final String text)
    {
        final int dot = text.indexOf('.');
        final String fraction = (text.substring(dot + 1) + "000000000").substring(0, 9);
        return Long.parseLong(text.substring(0, dot)) * 1_000_000_000L + Long.parseLong(fraction);
    }

    private void report(final String flushDelay, final String loadBefore, final String loadAfter) throws IOException
    {
        final List<Long> batches;
        synchronized (synSeen)
        {
            batches = new ArrayList<>(batchesSent);
            for (final Sample sample : samples)
            {
                sample.synNanos = synSeen.get(sample.address);
            }
        }
        batches.sort(Comparator.naturalOrder());
        for (final Sample sample : samples)
        {
            if (null != sample.synNanos && null != sample.appliedNanos)
            {
                for (final long at : batches)
                {
                    if (at >= sample.synNanos && at <= sample.appliedNanos)
                    {
                        sample.batchNanos = at;
                        break;
                    }
                }
            }
        }

        final long timeouts = samples.stream().filter(s -> null == s.appliedNanos).count();
        final long v6 = samples.stream().filter(s -> s.v6).count();
        System.out.printf(Locale.ROOT, "### flush-delay %s, source %s: %d samples (%d IPv4, %d IPv6), %d never reached B%n" +
            "loadavg before: %s, after: %s; BATCH datagrams captured: %d; SYNs matched: %d%n%n",
            flushDelay, options.source, samples.size(), samples.size() - v6, v6, timeouts, loadBefore, loadAfter,
            batches.size(), samples.stream().filter(s -> null != s.synNanos).count());
        System.out.println("| interval | n | min | p50 | p90 | p99 | max | mean |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        row("SYN on A's eth0 → element in B's set", samples, s -> diff(s.synNanos, s.appliedNanos));
        row("attacker connect() → element in B's set", samples, s -> diff(s.sentNanos, s.appliedNanos));
        row("SYN on A's eth0 → A's BATCH on the wire", samples, s -> diff(s.synNanos, s.batchNanos));
        row("A's BATCH on the wire → element in B's set", samples, s -> diff(s.batchNanos, s.appliedNanos));
        row("IPv4 only: SYN → B's set", samples.stream().filter(s -> !s.v6).toList(), s -> diff(s.synNanos, s.appliedNanos));
        row("IPv6 only: SYN → B's set", samples.stream().filter(s -> s.v6).toList(), s -> diff(s.synNanos, s.appliedNanos));
        System.out.println();
        System.out.println("counters " + counters.replace("\n", "; "));
        System.out.println();

        if (null != options.csvDir)
        {
            Files.createDirectories(options.csvDir);
            final Path file = options.csvDir.resolve("e2e-flush-" + flushDelay + "-" + options.source + ".csv");
            final StringBuilder csv = new StringBuilder("address,family,sent_ns,syn_ns,batch_ns,applied_ns\n");
            for (final Sample s : samples)
            {
                csv.append(s.address).append(',').append(s.v6 ? 6 : 4).append(',').append(s.sentNanos).append(',')
                    .append(s.synNanos).append(',').append(s.batchNanos).append(',').append(s.appliedNanos).append('\n');
            }
            Files.writeString(file, csv);
            System.out.println("samples written to " + file);
        }
    }

    private static Long diff(final Long from, final Long to)
    {
        return null == from || null == to ? null : to - from;
    }

    private static void row(final String label, final List<Sample> samples, final Function<Sample, Long> interval)
    {
        final long[] nanos = samples.stream().map(interval).filter(Objects::nonNull).mapToLong(Long::longValue).sorted().toArray();
        if (nanos.length == 0)
        {
            System.out.printf(Locale.ROOT, "| %s | 0 | | | | | | |%n", label);
            return;
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", label, nanos.length, ms(nanos[0]),
            ms(percentile(nanos, 50)), ms(percentile(nanos, 90)), ms(percentile(nanos, 99)), ms(nanos[nanos.length - 1]),
            ms((long)Arrays.stream(nanos).average().orElse(0)));
    }

    /** Nearest rank: the smallest value with at least p % of the samples at or below it. */
    private static long percentile(final long[] sorted, final double p)
    {
        final int rank = (int)Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static String ms(final long nanos)
    {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private Path writeConfig(
        final String name, final int id, final String address, final int peerId, final String peerAddress,
        final String key, final String peerKey, final String backend, final String flushDelay, final String extra) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "[node]\nid = " + id + "\nlisten = " + address + ":7701\nstate-dir = " +
            name.replace(".conf", "") + "\nkey = " + key + "\n\n[firewall]\nbackend = " + backend + "\nflush-delay = " +
            flushDelay + "\n\n[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\npeer-suspect-after = 1s\n" +
            "peer-down-after = 3s\n\n[peer " + peerId + "]\naddress = " + peerAddress + ":7701\nkey = " + peerKey + "\n\n" + extra);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** As {@code bin/blocksync run -c FILE} starts it: Agrona's export, jvm-flags.txt, the launcher's memory flags. */
    private Process startNode(final String ns, final Path config) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        try (InputStream in = EndToEndLatencyRun.class.getResourceAsStream("/jvm-flags.txt"))
        {
            if (null == in)
            {
                throw new IllegalStateException("jvm-flags.txt is not on the class path; run from bench/target/benchmarks.jar");
            }
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
            {
                if (!line.isBlank())
                {
                    command.add(line.trim());
                }
            }
        }
        command.addAll(List.of(options.nodeJavaOpts.trim().split("\\s+")));
        command.addAll(List.of("-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
            "io.blocksync.daemon.cli.BlockSyncCli", "run", "-c", config.toString()));
        return hosts.spawn(ns, config.resolveSibling(config.getFileName() + ".log"), command);
    }

    private void awaitReady(final Process node, final Path stateDir) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (true)
        {
            if (!node.isAlive())
            {
                throw new IllegalStateException("node exited with " + node.exitValue() + "\n" + logs());
            }
            try
            {
                final List<String> reply = ControlClient.exchange(stateDir, List.of("ping"));
                if (!reply.isEmpty() && reply.get(0).startsWith("ok"))
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                // not listening yet
            }
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("node not ready after 30 s\n" + logs());
            }
            Thread.sleep(20);
        }
    }

    private void awaitCounter(final Path stateDir, final String label, final long atLeast) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (counter(stateDir, label) < atLeast)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException(stateDir + ": " + label + " below " + atLeast + " after 30 s\n" + logs());
            }
            Thread.sleep(20);
        }
    }

    private static String counters(final Path stateDir, final String... labels)
    {
        final StringBuilder out = new StringBuilder();
        for (final String label : labels)
        {
            out.append(out.length() == 0 ? "" : ", ").append(label).append(' ').append(counter(stateDir, label));
        }
        return out.toString();
    }

    private static long counter(final Path stateDir, final String label)
    {
        if (!Files.exists(stateDir.resolve(StatusFile.FILE_NAME)))
        {
            return -1;
        }
        try (StatusFile status = StatusFile.openForReading(stateDir))
        {
            final CountersReader reader = status.countersReader();
            final long[] value = { -1 };
            reader.forEach((counterId, typeId, key, counterLabel) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counterLabel.equals(label))
                {
                    value[0] = reader.getCounterValue(counterId);
                }
            });
            return value[0];
        }
    }

    private static void stop(final Process node) throws InterruptedException
    {
        node.destroy();
        if (!node.waitFor(20, TimeUnit.SECONDS))
        {
            node.destroyForcibly();
        }
    }

    private String logs()
    {
        final StringBuilder out = new StringBuilder();
        for (final String name : List.of("a.conf.log", "b.conf.log"))
        {
            try
            {
                final Path file = dir.resolve(name);
                final String log = Files.exists(file) ? Files.readString(file) : "(no log)";
                out.append("--- ").append(name).append(" (last 3000 chars) ---\n")
                    .append(log, Math.max(0, log.length() - 3000), log.length()).append('\n');
            }
            catch (final IOException ex)
            {
                out.append("--- ").append(name).append(": ").append(ex).append('\n');
            }
        }
        return out.toString();
    }

    private static void expectLine(final BufferedReader in, final String expected) throws IOException
    {
        final String line = in.readLine();
        if (!expected.equals(line))
        {
            throw new IllegalStateException("expected '" + expected + "' from the attacker helper, got '" + line + "'");
        }
    }

    private static long epochNanos(final Instant instant)
    {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
        {
            if (Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }

    private static String loadAverage() throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static String machine() throws IOException, InterruptedException
    {
        String cpu = "?";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo")))
        {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        }
        final Process nft = new ProcessBuilder("nft", "--version").redirectErrorStream(true).start();
        final String nftVersion = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        nft.waitFor();
        return String.format(Locale.ROOT, "%d CPUs (%s), kernel %s, Java %s, %s", Runtime.getRuntime().availableProcessors(),
            cpu, System.getProperty("os.version"), System.getProperty("java.vm.version"), nftVersion);
    }

    private static void deleteRecursively(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One SYN's journey; times in epoch nanoseconds, null where not observed. */
    private static final class Sample
    {
        final String address;
        final boolean v6;
        final long sentNanos;
        Long synNanos;
        Long batchNanos;
        Long appliedNanos;

        Sample(final String address, final boolean v6, final long sentNanos)
        {
            this.address = address;
            this.v6 = v6;
            this.sentNanos = sentNanos;
        }
    }

    private static final class Options
    {
        int samples = 300;
        int warmup = 20;
        List<String> flushDelays = List.of("0", "20ms");
        String family = "both";
        String source = "nflog";
        long gapMillis = 50;
        boolean capture = true;
        String nodeJavaOpts = LAUNCHER_MEMORY_FLAGS;
        Path csvDir;
        String logOptions = "";
        boolean keep;

        static Options parse(final String[] args)
        {
            final Options options = new Options();
            for (int i = 0; i < args.length; i++)
            {
                final String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i])
                {
                    case "--samples" -> options.samples = Integer.parseInt(value);
                    case "--warmup" -> options.warmup = Integer.parseInt(value);
                    case "--flush-delays" -> options.flushDelays = List.of(value.split(","));
                    case "--family" -> options.family = oneOf("--family", value, "both", "4", "6");
                    case "--source" -> options.source = oneOf("--source", value, "nflog", "pcap-pipe");
                    case "--gap-ms" -> options.gapMillis = Long.parseLong(value);
                    case "--node-java-opts" -> options.nodeJavaOpts = value;
                    case "--log-options" -> options.logOptions = value;
                    case "--csv" -> options.csvDir = Path.of(value);
                    case "--no-capture" ->
                    {
                        options.capture = false;
                        continue;
                    }
                    case "--keep" ->
                    {
                        options.keep = true;
                        continue;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
                }
                i++;
            }
            return options;
        }

        private static String oneOf(final String option, final String value, final String... allowed)
        {
            if (!List.of(allowed).contains(value))
            {
                throw new IllegalArgumentException(option + ": '" + value + "', expected one of " + String.join(", ", allowed));
            }
            return value;
        }
    }
}
