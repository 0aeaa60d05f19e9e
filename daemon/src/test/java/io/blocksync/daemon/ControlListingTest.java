package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.cli.BlockSyncCli;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bans}, {@code status} and {@code peers} ask the running node over its control socket ({@code bans},
 * {@code counters}); the answer is streamed, so the CLI lists any number of bans in a small heap; when the node is
 * down, {@code bans} reads the store and says so on one line of standard error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ControlListingTest
{
    @TempDir
    Path dir;

    private LoopbackCluster files;
    private OutputStream logOut;
    private EventLog log;
    private Node node;

    @AfterEach
    void stop() throws Exception
    {
        stopNode();
    }

    @Test
    void bansOverTheSocketListWhatTheStoreHoldsWithEveryJsonKey() throws Exception
    {
        final long now = System.currentTimeMillis();
        writeConfigAndStore(ban -> { }, 0);
        try (BanStore store = BanStore.openForDaemon(files.stateDir(1), capacity()))
        {
            final Random random = new Random(7);
            for (int i = 0; i < 40; i++)
            {
                store.put(ban("198.51.100." + i, 1 + i % 3, now, 60 + random.nextInt(7200), i % 2 == 0 ? "ssh" : "web.1",
                    i % 5 == 0 ? 6 : 0, i % 5 == 0 ? 22 : 0));
            }
            store.put(ban("2001:db8:7::", 2, now, 0, "perm", 17, 53));
            store.put(ban("203.0.113.10", 2, now, 600, "gone", 0, 0).action(BanAction.UNBAN));
        }
        startNode();

        // The firewall re-applies the stored bans just after start: wait until it confirmed them all.
        final String[] seen = { "" };
        Poll.until("every ban enforced", Duration.ofSeconds(60), () ->
        {
            seen[0] = cli("bans", "--json");
            return objects(seen[0]).size() == 41 && !seen[0].contains("\"enforced\":false");
        }, () -> seen[0]);
        final String live = cli("bans", "--json");
        final String all = cli("bans", "--json", "--all");
        final String table = cli("bans");
        stopNode();
        final String[] fromStore = cliWithErr("bans", "--json", "--all");

        assertEquals(41, objects(live).size(), live);
        assertTrue(objects(live).get(0).startsWith("{\"prefix\":\"") && live.startsWith("[{") && live.trim().endsWith("}]"), live);
        for (final String key : new String[]{ "\"prefix\":\"198.51.100.10\"", "\"action\":\"ban\"", "\"reason\":\"ssh\"",
            "\"origin\":2", "\"origin_name\":\"node2\"", "\"expires\":\"", "\"remaining_seconds\":", "\"protocol\":\"tcp\"",
            "\"port\":22", "\"decided_at\":\"", "\"enforced\":true" })
        {
            assertTrue(objectOf(live, "198.51.100.10").contains(key), key + " missing from " + objectOf(live, "198.51.100.10"));
        }
        assertTrue(objectOf(live, "2001:db8:7::/64").contains("\"expires\":null,\"remaining_seconds\":null"), live);
        assertTrue(!live.contains("203.0.113.10"), "unban tombstones only with --all");
        assertTrue(objectOf(all, "203.0.113.10").contains("\"action\":\"unban\"") &&
            objectOf(all, "203.0.113.10").contains("\"enforced\":false"), all);

        // The node's answer and the store read directly agree on every key but enforced (unknown without the node)
        // and the remaining time, read at another second; expires to the few milliseconds the published clock frame
        // (progress.dat) may move between the two reads.
        assertEquals(normalised(all), normalised(fromStore[0]));
        assertExpiriesAgree(all, fromStore[0]);
        assertTrue(fromStore[0].contains("\"enforced\":null"), fromStore[0]);
        assertEquals(1, fromStore[1].lines().count(), "one line on stderr: " + fromStore[1]);
        assertTrue(fromStore[1].startsWith("blocksync bans: the node does not answer on its control socket"), fromStore[1]);

        assertTrue(table.startsWith("PREFIX                  REASON    ORIGIN      REMAINING    PROTO\n"), table);
        assertTrue(Pattern.compile("\n198\\.51\\.100\\.10 +ssh +2 node2 +\\S+ +tcp/22\n").matcher(table).find(), table);
        assertTrue(table.contains("\n41 bans\n") && !table.contains("not enforced"), table);
    }

    @Test
    void twentyThousandBansStreamThroughACliWithASixteenMegabyteHeap() throws Exception
    {
        final int count = 20_000;
        final long now = System.currentTimeMillis();
        writeConfigAndStore(ban -> { }, 0);
        try (BanStore store = BanStore.openForDaemon(files.stateDir(1), capacity()))
        {
            for (int i = 0; i < count; i++)
            {
                store.put(ban("2001:db8:" + Integer.toHexString(i >>> 8) + ":" + Integer.toHexString(i & 255) + "::",
                    1 + i % 3, now, 3600 + i, "ssh", 0, 0));
            }
        }
        startNode();

        final Path out = dir.resolve("bans.json");
        final Path err = dir.resolve("bans.err");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NodeProcess.jvmFlags());
        command.addAll(List.of("-Xmx16m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            BlockSyncCli.class.getName(), "bans", "-c", files.configFile(1).toString(), "--json"));
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the CLI finished");
        final String errors = Files.readString(err);
        assertEquals(0, process.exitValue(), errors);
        assertTrue(errors.isEmpty(), "asked the node, no fallback: " + errors);

        final TreeSet<String> prefixes = new TreeSet<>();
        try (var lines = Files.lines(out))
        {
            lines.forEach(line ->
            {
                final Matcher prefix = Pattern.compile("\"prefix\":\"([^\"]+)\".*\"enforced\":(true|false)}").matcher(line);
                if (prefix.find())
                {
                    prefixes.add(prefix.group(1));
                }
            });
        }
        assertEquals(count, prefixes.size(), "every ban once, as the node answers it");
        assertTrue(prefixes.contains("2001:db8:4e:1f::/64"), "the last one: " + prefixes.last());
    }

    @Test
    void whenTheNodeIsDownBansReadsTheStoreAndSaysSoOnOneLine() throws Exception
    {
        writeConfigAndStore(store -> store.put(ban("192.0.2.7", 2, System.currentTimeMillis(), 600, "ssh", 0, 0)), 1);

        final String[] table = cliWithErr("bans");
        assertTrue(table[0].contains("192.0.2.7") && table[0].contains("1 ban\n"), table[0]);
        assertEquals(1, table[1].lines().count(), table[1]);
        assertTrue(table[1].contains("does not answer on its control socket") && table[1].contains("reading its store directly"),
            table[1]);
    }

    @Test
    void statusAndPeersAskTheRunningNodeForItsCounters() throws Exception
    {
        writeConfigAndStore(ban -> { }, 0);
        startNode();
        assertEquals("ok ban 198.51.100.20", ControlClient.exchange(files.stateDir(1), List.of("ban 198.51.100.20 60 ssh 0 0")).get(0));

        final List<String> rows = new ArrayList<>();
        final String last = ControlClient.stream(files.stateDir(1), "counters", rows::add);
        assertTrue(last.matches("ok counters node 1 pid " + ProcessHandle.current().pid() + " started \\d+ alive \\d+"), last);
        assertTrue(rows.contains("counter " + NodeCounters.NODE_COUNTER_TYPE_ID + " " + NodeCounters.BANS_APPLIED_ID + " 1 bans_applied"),
            rows.toString());
        assertTrue(rows.stream().anyMatch(row -> row.matches("counter 2 2 \\d+ peer 2 \\(node2\\) state")), rows.toString());
        assertEquals(List.of("error counters must be the only line of its request"),
            ControlClient.exchange(files.stateDir(1), List.of("counters", "ping")));

        final String status = cli("status", "--json");
        assertTrue(status.startsWith("{\"node\":1,\"pid\":" + ProcessHandle.current().pid() + ",\"running\":true,\"started\":\""), status);
        assertTrue(status.contains("\"bans_applied\":1,"), status);
        final String peers = cli("peers", "--json");
        assertTrue(peers.startsWith("[{\"id\":2,\"name\":\"node2\",\"address\":\"127.0.0.1:"), peers);
        assertTrue(peers.contains("\"sent_batches\":") && peers.contains("\"clock_offset_ms\":"), peers);
    }

    private interface StoreFill
    {
        void fill(BanStore store) throws Exception;
    }

    /** Write a two-node loopback config; fill node 1's store when {@code entries} > 0 (the node is not started). */
    private void writeConfigAndStore(final StoreFill fill, final int entries) throws Exception
    {
        files = LoopbackCluster.write(dir, 2, "");
        if (entries > 0)
        {
            try (BanStore store = BanStore.openForDaemon(files.stateDir(1), capacity()))
            {
                fill.fill(store);
            }
        }
    }

    private long capacity() throws Exception
    {
        return config().storeCapacity();
    }

    private NodeConfig config() throws Exception
    {
        return ConfigReader.read(files.configFile(1));
    }

    private void startNode() throws Exception
    {
        logOut = Files.newOutputStream(dir.resolve("node.log"));
        log = new EventLog(logOut);
        node = Node.start(config(), log);
    }

    private void stopNode() throws Exception
    {
        if (null != node)
        {
            node.close();
            node = null;
            log.close();
            logOut.close();
        }
    }

    private static Ban ban(
        final String address, final int origin, final long now, final long seconds, final String reason, final int protocol,
        final int port)
    {
        final IpPrefix prefix = new IpPrefix();
        assertEquals(null, AddressText.parse(address, prefix, 32, 64));
        return new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(origin).originSequence(1).originTimeMillis(now)
            .durationSeconds(seconds).expiresAtMillis(seconds == 0 ? 0 : now + seconds * 1000)
            .reason(ReasonCode.of(reason).id()).protocol(protocol).port(port).appliedAtMillis(now);
    }

    private String cli(final String... args)
    {
        final String[] result = cliWithErr(args);
        assertTrue(result[1].isEmpty(), String.join(" ", args) + " wrote to stderr: " + result[1]);
        return result[0];
    }

    /** Run the CLI in this JVM against node 1; stdout and stderr. */
    private synchronized String[] cliWithErr(final String... args)
    {
        final PrintStream savedOut = System.out;
        final PrintStream savedErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(1, List.of("-c", files.configFile(1).toString()));
        final int exit;
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = BlockSyncCli.run(arguments.toArray(new String[0]));
        }
        finally
        {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        final String[] result = { out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) };
        assertEquals(0, exit, String.join(" ", args) + ": " + result[0] + result[1]);
        return result;
    }

    private static List<String> objects(final String json)
    {
        final List<String> objects = new ArrayList<>();
        for (final String line : json.split("\n"))
        {
            if (line.contains("\"prefix\""))
            {
                objects.add(line.replaceAll("^\\[|,$|]$", ""));
            }
        }
        return objects;
    }

    private static String objectOf(final String json, final String prefix)
    {
        for (final String object : objects(json))
        {
            if (object.contains("\"prefix\":\"" + prefix + "\""))
            {
                return object;
            }
        }
        return "(no object for " + prefix + " in " + json + ")";
    }

    /** The objects sorted, without enforced and remaining_seconds. */
    private static TreeSet<String> normalised(final String json)
    {
        final TreeSet<String> set = new TreeSet<>();
        for (final String object : objects(json))
        {
            set.add(object.replaceAll(",\"enforced\":(true|false|null)", "").replaceAll(",\"remaining_seconds\":\\d+", "")
                .replaceAll("\"expires\":\"[^\"]*\"", "\"expires\":\"(compared apart)\""));
        }
        return set;
    }

    private static void assertExpiriesAgree(final String json, final String other)
    {
        final Pattern row = Pattern.compile("\"prefix\":\"([^\"]+)\".*?\"expires\":\"([^\"]+)\"");
        final java.util.Map<String, java.time.Instant> expected = new java.util.HashMap<>();
        for (final String object : objects(json))
        {
            final Matcher matcher = row.matcher(object);
            if (matcher.find())
            {
                expected.put(matcher.group(1), java.time.Instant.parse(matcher.group(2)));
            }
        }
        int compared = 0;
        for (final String object : objects(other))
        {
            final Matcher matcher = row.matcher(object);
            if (matcher.find() && expected.containsKey(matcher.group(1)))
            {
                final long apart = Math.abs(Duration.between(expected.get(matcher.group(1)), java.time.Instant.parse(matcher.group(2))).toMillis());
                assertTrue(apart <= 5, matcher.group(1) + " expires " + apart + " ms apart: " + object);
                compared++;
            }
        }
        assertEquals(expected.size(), compared, "every expiry compared");
        assertTrue(compared > 30, "expiries found: " + compared);
    }
}
