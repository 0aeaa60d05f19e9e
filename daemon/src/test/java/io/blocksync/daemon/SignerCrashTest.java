package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.PeerKey;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a node mid-import while its signer thread holds decisions (PERFORMANCE.md, issue 13, "signing
 * off the loop"): those decisions are lost whole. Node 1 takes 10,000 bans from four control clients (the lines
 * {@code blocksync ban --file} sends, in requests of 50-400 so that some are answered before the kill; a request is
 * answered once all its decisions are stored and durable) with node 2 running; the kill lands while the signer
 * thread signs (the process frozen with SIGSTOP, the signer seen in its own code, in no system call, then SIGKILL;
 * {@link ThreadProbe}). Then:
 * <ul>
 *   <li>the progress file of the killed node claims no origin sequence its store lacks;</li>
 *   <li>node 1, restarted, holds every ban it answered {@code ok}, its own records numbered without a gap and
 *       each signed with its key;</li>
 *   <li>every record of node 1's that reached node 2 before the crash verifies under node 1's key and is what node 1
 *       stored at that origin sequence (each prefix is decided once, so none is superseded here);</li>
 *   <li>decisions taken after the restart are numbered above the killed run's sequence ceiling (the unclean start's
 *       new epoch), so no (origin, origin sequence) pair names two decisions across the crash;</li>
 *   <li>node 2 ends up with exactly node 1's records.</li>
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignerCrashTest
{
    private static final long SEED = 0x51C4_14L;
    private static final int BANS = 10_000;
    private static final int CLIENTS = 4;
    private static final int KILL_TRIES = 20;
    private static final int RESENT_PER_CLIENT = 400;
    private static final String SETTINGS =
        "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\nretransmit-max = 1s\n" +
        "peer-suspect-after = 1s\npeer-down-after = 2s\n\n[bans]\ncapacity = 30000\norigin-rate = 1000000\n";
    /** Two CPUs whatever the host: with one, the node signs on its loop and there is no signer to crash. */
    private static final List<String> JVM = List.of("-XX:ActiveProcessorCount=2");

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll()
    {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    void aKillWithDecisionsInTheSignersHandsLosesThemWholeAndReusesNoSequence() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, SETTINGS);
        final Path state1 = cluster.stateDir(1);
        final Path state2 = cluster.stateDir(2);
        final PeerKey[] keys1 = ConfigReader.read(cluster.configFile(2)).peers().get(0).keys();
        NodeProcess one = start(cluster, 1);
        final NodeProcess two = start(cluster, 2);
        one.awaitReady();
        two.awaitReady();
        // The control socket may answer a moment before the start-up line is written.
        final NodeProcess first = one;
        Poll.until("node 1 signing on two threads of its own", () -> first.log().contains("own decisions signed on 2 threads of their own"),
            first::log);

        // The import, and the kill while the signer holds decisions.
        final Random random = new Random(SEED);
        final List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < BANS; i++)
        {
            prefixes.add(ClusterProcessTest.canonical("2001:db8:1:" + Integer.toHexString(i) + "::/64"));
        }
        final Set<String> answered = ConcurrentHashMap.newKeySet();
        final List<Thread> clients = importInRequests(one, prefixes, random, answered);
        final String kill = killWhileSigning(one, clients, random);
        for (final Thread client : clients)
        {
            client.join(TimeUnit.SECONDS.toMillis(30));
        }

        final long claimed;
        final long ceiling;
        try (ProgressFile progress = ProgressFile.open(state1, 1, System.currentTimeMillis()))
        {
            claimed = progress.lastOriginSequence();
            ceiling = progress.sequenceCeiling();
        }

        // Node 1 back, node 2 ran on. No node takes its own origin from another (docs/PROTOCOL.md, on a restarted
        // node's epoch), so node 1 holds what it stored before the kill, and node 2 what reached it then (or came since
        // by catch-up from node 1's store).
        one = start(cluster, 1).awaitReady();
        assertTrue(one.log().contains("did not stop cleanly"), one.log());
        final TreeMap<Long, Record> stored = records(state1, keys1);
        final TreeMap<Long, Record> atPeer = records(state2, keys1);
        final String seen = kill + ", answered " + answered.size() + ", stored " + stored.size() + " (" +
            stored.firstKey() + ".." + stored.lastKey() + "), progress.dat claimed " + claimed + ", node 2 held " +
            atPeer.size();
        System.out.println("SignerCrashTest: " + seen);
        assertTrue(answered.size() < BANS && stored.size() < BANS, "the kill landed mid-import: " + seen);
        assertEquals(stored.lastKey() - stored.firstKey() + 1, stored.size(), "node 1's sequences without a gap: " + seen);
        assertTrue(stored.containsKey(claimed), "progress.dat claims a sequence the store lacks: " + seen);
        final Set<String> storedPrefixes = new HashSet<>();
        for (final Record record : stored.values())
        {
            assertTrue(record.verifies, "node 1 stored a record its key does not sign: " + record.prefix + ", " + seen);
            storedPrefixes.add(record.prefix);
        }
        for (final String prefix : answered)
        {
            assertTrue(storedPrefixes.contains(prefix), "answered ok, lost in the crash: " + prefix + ", " + seen);
        }
        for (final Record record : atPeer.values())
        {
            assertTrue(record.verifies, "node 2 holds a record of node 1 not signed by it: " + record.prefix + ", " + seen);
            final Record own = stored.get(record.sequence);
            assertTrue(null != own, "node 2 holds node 1's " + record.sequence + " (" + record.prefix +
                "), which node 1 never stored: " + seen);
            assertArrayEquals(own.wire, record.wire, "node 2's record " + record.sequence + " is node 1's: " + seen);
        }

        // The operator sends again what each client had next: the decisions lost in the signer's hands are among
        // them (a client has one request in flight, at most 400 lines). New decisions, in the restart's new epoch.
        final List<String> again = new ArrayList<>();
        final int share = BANS / CLIENTS;
        for (int c = 0; c < CLIENTS; c++)
        {
            prefixes.subList(c * share, (c + 1) * share).stream().filter(prefix -> !storedPrefixes.contains(prefix))
                .limit(RESENT_PER_CLIENT).forEach(prefix -> again.add("ban " + prefix + " 3600 scan 0 0"));
        }
        final List<String> replies = one.control(again);
        assertTrue(replies.size() == again.size() && replies.stream().allMatch(reply -> reply.startsWith("ok ban ") &&
            !reply.contains("already")), replies.toString());
        final TreeMap<Long, Record> after = records(state1, keys1);
        assertEquals(stored.size() + again.size(), after.size(), "node 1's records: those kept and the new ones");
        for (final Record record : after.values())
        {
            final Record before = stored.get(record.sequence);
            if (null != before)
            {
                assertArrayEquals(before.wire, record.wire, "sequence " + record.sequence + " names one decision");
            }
            else
            {
                assertTrue(record.sequence > ceiling,
                    "a decision after the crash numbered " + record.sequence + ", not above the killed run's ceiling " +
                        ceiling + ": " + seen);
                assertTrue(record.verifies, "signed: " + record.prefix);
            }
        }

        // Node 2 ends up with node 1's records, byte for byte.
        Poll.until("node 2 holds node 1's records", Duration.ofSeconds(60), () -> sameRecords(after, records(state2, keys1)),
            this::logs);
        one.stop();
        assertTrue(one.log().contains("node 1 stopped"), one.log());
        try (ProgressFile progress = ProgressFile.open(state1, 1, System.currentTimeMillis()))
        {
            assertEquals(after.lastKey(), progress.lastOriginSequence(), "progress.dat after a clean stop");
        }
    }

    /** Four clients, each sending its quarter of the prefixes in requests of 50-400 lines until one fails. */
    private static List<Thread> importInRequests(
        final NodeProcess node, final List<String> prefixes, final Random random, final Set<String> answered)
    {
        final List<Thread> clients = new ArrayList<>();
        final int share = prefixes.size() / CLIENTS;
        for (int c = 0; c < CLIENTS; c++)
        {
            final List<List<String>> requests = new ArrayList<>();
            for (int from = c * share, to; from < (c + 1) * share; from = to)
            {
                to = Math.min((c + 1) * share, from + 50 + random.nextInt(351));
                final List<String> lines = new ArrayList<>();
                for (final String prefix : prefixes.subList(from, to))
                {
                    lines.add("ban " + prefix + " 3600 scan 0 0");
                }
                requests.add(lines);
            }
            final Thread client = new Thread(() ->
            {
                try
                {
                    for (final List<String> request : requests)
                    {
                        // A reply cut by the kill is short: what came is what the node answered.
                        for (final String reply : node.control(request))
                        {
                            if (reply.startsWith("ok ban "))
                            {
                                answered.add(reply.split(" ")[2]);
                            }
                        }
                    }
                }
                catch (final IOException ex)
                {
                    // The node is gone.
                }
            }, "control-client-" + c);
            client.start();
            clients.add(client);
        }
        return clients;
    }

    /**
     * Once a seeded share of the import is stored, freeze node 1 and kill it if its signer thread is at work (it parks
     * only with nothing handed over); else let it run a little and look again.
     *
     * @return what the kill saw, for the messages.
     */
    private static String killWhileSigning(final NodeProcess node, final List<Thread> clients, final Random random)
        throws InterruptedException
    {
        // Signer 0 of 2 (blocksync-signer-1-0): with it at work, decisions are in the signers' hands.
        final ThreadProbe signer = ThreadProbe.find(node.process().pid(), "blocksync-signer-1-0");
        try (StatusFile status = StatusFile.openForReading(node.stateDir()))
        {
            final int counterId = counterId(status, "local_decisions");
            long threshold = 500 + random.nextInt(1_500);
            for (int tries = 1; tries <= KILL_TRIES; tries++)
            {
                final long target = threshold;
                Poll.until(target + " decisions stored", Duration.ofSeconds(60),
                    () -> localDecisions(status, counterId) >= target || clients.stream().noneMatch(Thread::isAlive), node::log);
                assertTrue(clients.stream().anyMatch(Thread::isAlive),
                    "the import ended before the kill landed with the signer at work (" + tries + " tries)");
                signer.stopProcess();
                final long storedAtKill = localDecisions(status, counterId);
                if (signer.wasComputing())
                {
                    node.kill9();
                    return "killed at try " + tries + " with " + storedAtKill + " decisions stored, the signer signing";
                }
                signer.continueProcess();
                threshold = storedAtKill + 20 + random.nextInt(200);
            }
        }
        throw new AssertionError("the signer was parked or in a system call at each of " + KILL_TRIES + " looks");
    }

    private static long localDecisions(final StatusFile status, final int counterId)
    {
        return status.countersReader().getCounterValue(counterId);
    }

    private static int counterId(final StatusFile status, final String label)
    {
        final int[] id = { -1 };
        status.countersReader().forEach((counterId, typeId, key, counterLabel) ->
        {
            if (counterLabel.equals(label))
            {
                id[0] = counterId;
            }
        });
        assertTrue(id[0] >= 0, "no counter " + label);
        return id[0];
    }

    private NodeProcess start(final LoopbackCluster cluster, final int nodeId) throws IOException
    {
        final NodeProcess node = new NodeProcess(cluster.configFile(nodeId), cluster.stateDir(nodeId)).jvmProperties(JVM).start();
        nodes.add(node);
        return node;
    }

    /** One of node 1's records in a store: its wire form (signature included) and whether node 1's key signed it. */
    private record Record(long sequence, String prefix, byte[] wire, boolean verifies)
    {
    }

    /** Node 1's records in a store, by origin sequence; read as {@code blocksync bans} reads it. */
    private static TreeMap<Long, Record> records(final Path stateDir, final PeerKey[] keys) throws IOException
    {
        final TreeMap<Long, Record> records = new TreeMap<>();
        final BanRecordFlyweight flyweight = new BanRecordFlyweight();
        try (BanStore store = BanStore.openReader(stateDir))
        {
            store.forEach((Ban ban) ->
            {
                if (ban.originNodeId() != 1)
                {
                    return;
                }
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
                flyweight.wrap(buffer, 0).set(ban);
                boolean verifies = false;
                for (final PeerKey key : keys)
                {
                    verifies |= key.keyId() == flyweight.originKeyId() && flyweight.verifySignature(key);
                }
                final Record record = new Record(ban.originSequence(), AddressText.format(ban.prefix()), buffer.byteArray(), verifies);
                assertEquals(null, records.put(record.sequence, record), "two records numbered " + record.sequence + " in " + stateDir);
            });
        }
        return records;
    }

    private static boolean sameRecords(final Map<Long, Record> expected, final Map<Long, Record> actual)
    {
        if (!expected.keySet().equals(actual.keySet()))
        {
            return false;
        }
        for (final Map.Entry<Long, Record> entry : expected.entrySet())
        {
            if (!Arrays.equals(entry.getValue().wire, actual.get(entry.getKey()).wire))
            {
                return false;
            }
        }
        return true;
    }

    private String logs()
    {
        final StringBuilder out = new StringBuilder();
        for (final NodeProcess node : nodes)
        {
            final String log = node.log();
            out.append("--- ").append(node.stateDir()).append(" ---\n").append(log, Math.max(0, log.length() - 3000), log.length()).append('\n');
        }
        return out.toString();
    }
}
