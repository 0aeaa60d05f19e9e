package io.blocksync.bench;

import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Kernel event to ban on a peer's firewall, end to end, on real kernels (issue 5). As root, four network namespaces
 * on one bridge (documentation addresses only): node A logs new connections to its port 22 with an nftables
 * {@code log group 5 prefix "bs-ssh"} rule and reads them through an {@code nflog} (or {@code pcap-pipe}) source with
 * {@code nfail = 1}; node B applies bans with the nftables backend; an attacker holds hundreds of fresh addresses.
 * Both nodes run as their own processes with the launcher's JVM flags. The hosts are the testkit's
 * {@link NetworkNamespaces} on a {@link BridgeSegment}, the same fixtures as the daemon's kernel tests.
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
    /** Extra on-link subnets on A (and the attacker) so more than 155 IPv4 sources are available. */
    private static final String[] V4_SUBNETS = { "192.0.2", "198.51.100", "203.0.113" };
    private static final long SAMPLE_TIMEOUT_MILLIS = 5_000;
    private static final long FIRST_CONTACT_MILLIS = 30_000;
    private static final String A_ADDRESS = "192.0.2.1";
    private static final String B_ADDRESS = "192.0.2.2";

    private final EndToEndOptions options;
    private final Path dir;
    private final NetworkNamespaces namespaces;
    private final List<LatencySample> samples = new ArrayList<>();
    private AppliedMonitor applied;
    private WireCapture capture;
    private int nextV4;
    private int nextV6;
    private String counters = "";

    private EndToEndLatencyRun(final EndToEndOptions options, final Path dir, final NetworkNamespaces namespaces)
    {
        this.options = options;
        this.dir = dir;
        this.namespaces = namespaces;
    }

    public static void main(final String[] args) throws Exception
    {
        final EndToEndOptions options = EndToEndOptions.parse(args);
        if (!"root".equals(System.getProperty("user.name")))
        {
            throw new IllegalStateException("run as root: it creates network namespaces and nftables rules");
        }
        for (final String tool : List.of("ip", "nft", "tcpdump"))
        {
            if (!Tools.installed(tool))
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
            try (NetworkNamespaces namespaces = new NetworkNamespaces())
            {
                final EndToEndLatencyRun run = new EndToEndLatencyRun(options, dir, namespaces);
                run.measure(flushDelay);
                final LatencyReport report = new LatencyReport(options, run.samples, run.counters);
                report.matchCapture(run.capture);
                report.print(flushDelay, loadBefore, loadAverage());
            }
            finally
            {
                if (options.keep)
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

    private void measure(final String flushDelay) throws Exception
    {
        final BridgeSegment lan = namespaces.bridge("bsl");
        final String a = lan.host(1);
        final String b = lan.host(2);
        final String attacker = lan.host(3);
        final List<String> attackerAddresses = new ArrayList<>();
        for (int s = 1; s < V4_SUBNETS.length; s++)
        {
            namespaces.address(a, "eth0", V4_SUBNETS[s] + ".1/24");
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
        namespaces.ipBatch(attacker, attackerAddresses);
        namespaces.must(a, "nft", "add table inet watch");
        namespaces.must(a, "nft", "add chain inet watch input { type filter hook input priority 0; policy accept; }");
        namespaces.must(a, "nft", "add rule inet watch input tcp dport 22 ct state new log group 5 prefix \"bs-ssh\"" +
            (options.logOptions.isEmpty() ? "" : " " + options.logOptions));

        final String source = "nflog".equals(options.source) ?
            "[source kernel]\ntype = nflog\ngroup = 5\n" :
            "[source kernel]\ntype = pcap-pipe\ncommand = tcpdump -i nflog:5 -U -w -\n";
        final String rule = "\n[rule ssh]\nsource = kernel\nlog-prefix = \"bs-ssh\"\nprotocol = tcp\nport = 22\nnfail = 1\n" +
            "window = 1m\nduration = 1h\nipv6-prefix = 128\n";
        final Path configA = new EndToEndConfig().node(1, A_ADDRESS, KEY_A).peer(2, B_ADDRESS, KEY_B)
            .firewall("log", "0").extra(source + rule).write(dir.resolve("a.conf"));
        final Path configB = new EndToEndConfig().node(2, B_ADDRESS, KEY_B).peer(1, A_ADDRESS, KEY_A)
            .firewall("nftables", flushDelay).write(dir.resolve("b.conf"));
        final EndToEndNode nodeA = EndToEndNode.start(namespaces, a, configA, options.nodeJavaOpts);
        final EndToEndNode nodeB = EndToEndNode.start(namespaces, b, configB, options.nodeJavaOpts);
        nodeA.awaitReady(this::logs);
        nodeB.awaitReady(this::logs);
        nodeA.awaitCounter("heartbeats_received", 1, this::logs);
        nodeB.awaitCounter("heartbeats_received", 1, this::logs);

        applied = AppliedMonitor.start(namespaces, b);
        capture = options.capture ? WireCapture.start(namespaces, a, B_ADDRESS) : null;
        final Process knocker = namespaces.spawn(attacker, ProcessBuilder.Redirect.PIPE, List.of(EndToEndNode.javaBinary(),
            "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", System.getProperty("java.class.path"), EndToEndAttacker.class.getName()));
        final PrintWriter knock = new PrintWriter(knocker.getOutputStream(), true, StandardCharsets.US_ASCII);
        final BufferedReader knocked = new BufferedReader(new InputStreamReader(knocker.getInputStream(), StandardCharsets.US_ASCII));
        expectLine(knocked, "ready");

        // The source may attach a moment after the control socket answers: knock until the first ban lands.
        final long firstContactDeadline = System.currentTimeMillis() + FIRST_CONTACT_MILLIS;
        LatencySample first;
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
            final LatencySample sample = knockOnce(knock, knocked, i, SAMPLE_TIMEOUT_MILLIS);
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
            capture.stop();
        }
        counters = "A: " + StatusCounters.describe(nodeA.stateDir(), "events_matched", "detector_bans", "batches_sealed",
            "retransmits", "refused_protected") + "\nB: " + StatusCounters.describe(nodeB.stateDir(), "bans_applied",
            "firewall_changes_applied", "firewall_changes_failed", "firewall_queue_full", "records_duplicate");
        nodeA.stop();
        nodeB.stop();
    }

    private LatencySample knockOnce(final PrintWriter knock, final BufferedReader knocked, final int index, final long timeoutMillis)
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
        final LatencySample sample = new LatencySample(address, v6, Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1)));
        sample.appliedNanos = applied.awaitApplied(address, timeoutMillis);
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

    /** A random gap between samples, so every ban travels alone, as in a real attack. */
    private void pause() throws InterruptedException
    {
        Thread.sleep(options.gapMillis + ThreadLocalRandom.current().nextLong(options.gapMillis + 1));
    }

    private String logs()
    {
        final StringBuilder out = new StringBuilder();
        for (final String name : List.of("a.conf.log", "b.conf.log"))
        {
            try
            {
                out.append("--- ").append(name).append(" (last 3000 chars) ---\n")
                    .append(BenchFiles.tail(dir.resolve(name), 3000)).append('\n');
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

    private static String loadAverage() throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static String machine() throws IOException
    {
        String cpu = "?";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo")))
        {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        }
        final String nftVersion = Command.of("nft", "--version").run().output().trim();
        return String.format(Locale.ROOT, "%d CPUs (%s), kernel %s, Java %s, %s", Runtime.getRuntime().availableProcessors(),
            cpu, System.getProperty("os.version"), System.getProperty("java.vm.version"), nftVersion);
    }
}
