package io.blocksync.bench;

import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.node.DecisionSigning;
import io.blocksync.daemon.node.SigningShard;
import io.blocksync.daemon.table.DecisionSigner;
import io.blocksync.daemon.table.PreparedDecision;
import org.agrona.concurrent.AgentRunner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The origin's signing alone, through the node's own {@link DecisionSigning} ring: a loop thread hands over
 * {@code --decisions} prepared decisions as fast as the ring has room (a bulk import with nothing else to do),
 * takes them back signed in order and sleeps in a selector that the signers wake, as the node's loop does. For each
 * number of signer threads ({@code --threads 1,2}): decisions a second by the wall clock, and the CPU of the signer
 * threads (added up) and of the loop per decision, and the busiest signer's CPU seconds (the critical path on a
 * machine with a core for each), from each thread's CPU time (what load inflates least). Each
 * round starts a fresh ring and threads; the first {@code --warm-up} rounds are not printed. Run with the launcher's
 * JIT flags to see what a node gets:
 * <pre>
 * mvn -B -q -o package -DskipTests -pl daemon,bench -am
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp bench/target/benchmarks.jar io.blocksync.bench.SignerThreadsRun \
 *     [--threads 1,2] [--decisions 20000] [--rounds 5] [--warm-up 2]
 * </pre>
 */
public final class SignerThreadsRun
{
    private static final long DEADLINE_NANOS = 600_000_000_000L;

    private SignerThreadsRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int[] threadCounts = { 1, 2 };
        int decisions = 20_000;
        int rounds = 5;
        int warmUp = 2;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--decisions" -> decisions = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] +
                    "; expected --threads 1,2 --decisions N --rounds N --warm-up N");
            }
        }
        System.out.println("CPUs " + Runtime.getRuntime().availableProcessors() + ", JVM " +
            ManagementFactory.getRuntimeMXBean().getInputArguments() + ", load " + load());
        System.out.println("threads  decisions  wall s   decisions/s  signers CPU µs/decision  busiest signer CPU s" +
            "  loop CPU µs/decision  load");
        for (int round = 0; round < warmUp + rounds; round++)
        {
            for (final int threads : threadCounts)
            {
                final String line = round(threads, decisions);
                if (round >= warmUp)
                {
                    System.out.println(line);
                }
            }
        }
    }

    private static String round(final int threads, final int decisions) throws Exception
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        Arrays.fill(seed, (byte)7);
        final DecisionSigning signing = new DecisionSigning(new DecisionSigner(NodeKey.fromSeed(1, seed)),
            DecisionSigning.DEFAULT_CAPACITY, 1);
        try (Selector selector = Selector.open())
        {
            signing.offLoop(selector::wakeup, threads);
            final List<AgentRunner> runners = new ArrayList<>();
            for (final SigningShard shard : signing.shards())
            {
                final AgentRunner runner = new AgentRunner(shard.idleStrategy(), Throwable::printStackTrace, null, shard);
                runners.add(runner);
                AgentRunner.startOnThread(runner);
            }
            final long[] signerCpuBefore = new long[runners.size()];
            for (int k = 0; k < runners.size(); k++)
            {
                signerCpuBefore[k] = cpu(mx, runners.get(k));
            }
            final IpPrefix prefix = new IpPrefix();
            final byte[] address = new byte[16];
            final long loopCpuBefore = mx.getCurrentThreadCpuTime();
            final long start = System.nanoTime();
            long handed = 0;
            long taken = 0;
            while (taken < decisions)
            {
                while (handed < decisions && signing.hasRoom())
                {
                    signing.claim().record().action(BanAction.BAN)
                        .prefix(ClusterFixture.documentationPrefix(handed, prefix, address))
                        .originNodeId(1).originSequence(handed + 1).originTimeMillis(1_700_000_000_000L + handed)
                        .version(handed + 1).durationSeconds(3600);
                    signing.handOver();
                    handed++;
                }
                final int takeable = signing.takeable();
                for (int i = 0; i < takeable; i++)
                {
                    final PreparedDecision head = signing.signedHead();
                    if (head.record().originSequence() != taken + 1)
                    {
                        throw new IllegalStateException("decision " + taken + " came back as " + head.record().originSequence());
                    }
                    signing.release();
                    taken++;
                }
                if (0 == takeable && !(handed < decisions && signing.hasRoom()) && !signing.hasSigned())
                {
                    selector.select(1_000);
                }
                if (System.nanoTime() - start > DEADLINE_NANOS)
                {
                    throw new IllegalStateException("stuck at " + taken + " of " + decisions);
                }
            }
            final long wall = System.nanoTime() - start;
            final long loopCpu = mx.getCurrentThreadCpuTime() - loopCpuBefore;
            long signerCpu = 0;
            long busiest = 0;
            for (int k = 0; k < runners.size(); k++)
            {
                final long used = cpu(mx, runners.get(k)) - signerCpuBefore[k];
                signerCpu += used;
                busiest = Math.max(busiest, used);
            }
            signing.prepareStop();
            runners.forEach(AgentRunner::close);
            return String.format(Locale.ROOT, "%7d  %9d  %6.3f  %12.0f  %23.1f  %19.3f  %20.1f  %s", threads, decisions,
                wall / 1e9, decisions / (wall / 1e9), signerCpu / 1e3 / decisions, busiest / 1e9, loopCpu / 1e3 / decisions,
                load());
        }
    }

    private static long cpu(final ThreadMXBean mx, final AgentRunner runner)
    {
        while (null == runner.thread())
        {
            Thread.onSpinWait();
        }
        return mx.getThreadCpuTime(runner.thread().getId());
    }

    /** The first field of /proc/loadavg. */
    private static String load()
    {
        try
        {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        }
        catch (final IOException ex)
        {
            return "?";
        }
    }
}
