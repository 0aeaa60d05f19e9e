package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.daemon.cli.BlockSyncCli;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node process in its own network namespace, its firewall a real kernel set: a ban the kernel refuses is answered
 * {@code ok ... (stored; not enforced: MESSAGE)} and shown by {@code bans --json} and {@code status} (issue 11,
 * failure 4); and a node killed with SIGKILL in the middle of its firewall commits converges at its next start: every
 * live ban of the store in the kernel set, nothing else left there.
 */
class KernelEnforcementProcessTest
{
    private static final String KEY = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final Pattern IPV4 = Pattern.compile("\\b(\\d{1,3}(?:\\.\\d{1,3}){3})\\b");
    private static final Pattern IPV6 = Pattern.compile("\\b(2001:db8:[0-9a-f:]*)");
    /** What the issue asks: every live ban back in the kernel within 2 s of the restarted node serving. */
    private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeEach
    void requireRoot()
    {
        final String reason = NetworkNamespaces.unavailableReason("nft", "ipset");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft, ipset on PATH; CI installs them)");
    }

    @AfterEach
    void tearDown()
    {
        nodes.forEach(NodeProcess::close);
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void failure4ABanTheFullSetRefusesIsAnsweredNotEnforcedAndShownByBansAndStatus() throws Exception
    {
        namespaces = new NetworkNamespaces();
        final String ns = namespaces.create("bs-full");
        namespaces.must(ns, "ipset", "create", "small4", "hash:net", "family", "inet", "timeout", "0", "maxelem", "2");
        final Path config = writeConfig("full.conf", "backend = ipset\nmode = existing\nset4 = small4\n");
        final NodeProcess node = start(config, ns);

        assertEquals(List.of("ok ban 198.51.100.1", "ok ban 198.51.100.2"),
            node.control(List.of("ban 198.51.100.1 1h ssh 0 0", "ban 198.51.100.2 1h ssh 0 0")));
        final List<String> refused = node.control(List.of("ban 198.51.100.3 1h ssh 0 0"));
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.get(0).startsWith("ok ban 198.51.100.3 (stored; not enforced: ") &&
            refused.get(0).contains("full"), "the kernel's own words, ok first: " + refused);

        final String set = namespaces.must(ns, "ipset", "list", "small4").output();
        assertTrue(set.contains("198.51.100.1 ") && set.contains("198.51.100.2 ") && !set.contains("198.51.100.3"), set);

        final String bans = cli("bans", "-c", config.toString(), "--json");
        assertTrue(objectOf(bans, "198.51.100.1").contains("\"enforced\":true"), bans);
        assertTrue(objectOf(bans, "198.51.100.3").contains("\"enforced\":false"), bans);
        final String table = cli("bans", "-c", config.toString());
        assertTrue(table.contains("not enforced: 198.51.100.3 (refused: ") && !table.contains("not enforced: 198.51.100.1"),
            table);

        // A commit of the one refused element fails whole (apply); one with others too fails in part (partial). The
        // counts reach status.dat with the loop's next status second, after the reply: poll.
        final String[] seen = { "" };
        Poll.until("status counts the refused commit", Duration.ofSeconds(30), () ->
        {
            seen[0] = cli("status", "-c", config.toString());
            final Matcher failures = Pattern.compile("firewall ipset: apply (\\d+), partial (\\d+),").matcher(seen[0]);
            return failures.find() && Long.parseLong(failures.group(1)) + Long.parseLong(failures.group(2)) > 0;
        }, () -> seen[0]);
        final String status = seen[0];
        assertTrue(Pattern.compile("\n    (apply|partial): [^\n]*full").matcher(status).find(),
            "the last message, in the tool's words: " + status);
        assertTrue(counter(node.stateDir(), NodeCounters.FIREWALL_APPLY_FAILURES_ID) +
            counter(node.stateDir(), NodeCounters.FIREWALL_PARTIAL_APPLIES_ID) > 0, status);
        final String json = cli("status", "-c", config.toString(), "--json");
        assertTrue(json.contains("\"firewall\":{\"backend\":\"ipset\",\"failures\":{\"apply\":{\"count\":"), json);
    }

    @Test
    void killNineDuringACommitConvergesAtTheNextStartToExactlyTheStoresLiveBans() throws Exception
    {
        namespaces = new NetworkNamespaces();
        final String ns = namespaces.create("bs-kill");
        // One nft process per 16 changes keeps commits in flight long enough to be killed among them.
        final Path config = writeConfig("kill.conf", "backend = nftables\nkernel-session = process\nmax-batch = 16\n");
        final NodeProcess node = start(config, ns);

        final List<String> first = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            first.add("ban " + net64(i) + " 1h scan 0 0");
        }
        node.control(first);
        Poll.until("the first 400 bans in the kernel", Duration.ofSeconds(60),
            () -> kernelElements(ns).size() == 400, () -> kernelElements(ns).size() + " elements");

        // Lift half of them and add 2,000 more in one request; kill the node while those commits go out.
        final List<String> second = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            second.add("unban " + net64(i));
        }
        for (int i = 400; i < 2_400; i++)
        {
            second.add("ban " + net64(i) + " 1h scan 0 0");
        }
        final NodeProcess killed = node;
        Poll.until("the first 400 bans' completions counted", Duration.ofSeconds(30),
            () -> counter(killed.stateDir(), NodeCounters.FIREWALL_CHANGES_APPLIED_ID) >= 400, killed::log);
        final long appliedBefore = counter(node.stateDir(), NodeCounters.FIREWALL_CHANGES_APPLIED_ID);
        final CompletableFuture<List<String>> reply = CompletableFuture.supplyAsync(() -> control(killed, second));
        Poll.until("firewall commits of the second request to be under way", Duration.ofSeconds(60),
            () -> counter(killed.stateDir(), NodeCounters.FIREWALL_CHANGES_APPLIED_ID) > appliedBefore + 16 &&
                counter(killed.stateDir(), NodeCounters.LOCAL_DECISIONS_ID) > 400 + 16, killed::log);
        killed.kill9();
        final long appliedAtKill = counter(killed.stateDir(), NodeCounters.FIREWALL_CHANGES_APPLIED_ID) - appliedBefore;
        assertTrue(appliedAtKill < second.size(), "killed with commits still to go: " + appliedAtKill + " of " +
            second.size() + " applied");
        reply.exceptionally((ex) -> List.of()).get();

        // Something the store never held, added while the node is down: the start must take it out.
        namespaces.must(ns, "nft", "add", "element", "inet", "blocksync", "ban6_64", "{ 2001:db8:ffff:ffff:: }");

        // The restart runs the defaults (library session where there is one, commits of up to 1,024 changes), as the
        // 2 s bound is asked of them; the slow commits above only served to be killed in the middle of one.
        final Path defaults = writeConfig("kill.conf", "backend = nftables\n");
        final NodeProcess restarted = start(defaults, ns);
        final Set<String> live = liveBans(restarted.stateDir());
        assertTrue(live.size() >= 200, "the store holds at least the bans the kill left alone: " + live.size());
        Poll.until("the kernel to hold exactly the store's live bans", CONVERGE_WITHIN,
            () -> kernelElements(ns).equals(liveBans(restarted.stateDir())),
            () -> difference(liveBans(restarted.stateDir()), kernelElements(ns)) + "\n" + restarted.log());
    }

    private NodeProcess start(final Path config, final String ns) throws Exception
    {
        final NodeProcess node = new NodeProcess(config, dir.resolve(config.getFileName().toString().replace(".conf", "")),
            NetworkNamespaces.inNamespace(ns)).start().awaitReady();
        nodes.add(node);
        return node;
    }

    private static List<String> control(final NodeProcess node, final List<String> lines)
    {
        try
        {
            return node.control(lines);
        }
        catch (final java.io.IOException ex)
        {
            return List.of();
        }
    }

    /** 2001:db8:N::/64, a documentation prefix per N (the node bans IPv6 as /64 by default). */
    private static String net64(final int n)
    {
        return "2001:db8:" + Integer.toHexString(n) + "::/64";
    }

    /** The managed table's /64 set, as the kernel lists it: the /64 prefixes in the node's spelling. */
    private Set<String> kernelElements(final String ns)
    {
        final String listing = namespaces.must(ns, "nft", "list", "set", "inet", "blocksync", "ban6_64").output();
        final int elements = listing.indexOf("elements");
        final Set<String> found = new TreeSet<>();
        if (elements >= 0)
        {
            final Matcher matcher = IPV6.matcher(listing.substring(elements));
            while (matcher.find())
            {
                found.add(matcher.group(1) + "/64");
            }
        }
        return found;
    }

    /** The store's live bans, read as {@code blocksync bans} does, while the node runs. */
    private static Set<String> liveBans(final Path stateDir)
    {
        final Set<String> live = new TreeSet<>();
        final long now = System.currentTimeMillis();
        try (BanStore store = BanStore.openReader(stateDir))
        {
            store.forEach((Ban ban) ->
            {
                if (ban.isBan() && ban.isActiveAt(now))
                {
                    live.add(AddressText.format(ban.prefix()).contains("/") ? AddressText.format(ban.prefix()) :
                        AddressText.format(ban.prefix()) + "/64");
                }
            });
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        return live;
    }

    private static String difference(final Set<String> store, final Set<String> kernel)
    {
        final Set<String> missing = new TreeSet<>(store);
        missing.removeAll(kernel);
        final Set<String> stray = new TreeSet<>(kernel);
        stray.removeAll(store);
        return "store " + store.size() + ", kernel " + kernel.size() + "; missing from the kernel " +
            first(missing) + "; stray in the kernel " + first(stray);
    }

    private static String first(final Set<String> set)
    {
        return set.size() + " " + set.stream().limit(5).toList();
    }

    /** A node counter from the status file, as {@code blocksync status} reads it. */
    private static long counter(final Path stateDir, final int id)
    {
        try (StatusFile status = StatusFile.openForReading(stateDir))
        {
            final CountersReader reader = status.countersReader();
            final long[] value = { -1 };
            reader.forEach((counterId, typeId, key, label) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && key.getInt(NodeCounters.ID_KEY_OFFSET) == id)
                {
                    value[0] = reader.getCounterValue(counterId);
                }
            });
            return value[0];
        }
    }

    /** The JSON object of one prefix in {@code bans --json}: one object per line. */
    private static String objectOf(final String json, final String prefix)
    {
        for (final String line : json.split("\n"))
        {
            if (line.contains("\"prefix\":\"" + prefix + "\""))
            {
                return line;
            }
        }
        return "(no object for " + prefix + ")";
    }

    /** Run the CLI in this JVM; its output, stdout then stderr. */
    private static synchronized String cli(final String... args)
    {
        final PrintStream savedOut = System.out;
        final PrintStream savedErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8))
        {
            System.setOut(capture);
            System.setErr(capture);
            final int exit = BlockSyncCli.run(args);
            capture.flush();
            assertFalse(exit == BlockSyncCli.EXIT_USAGE, String.join(" ", args) + ": " + out);
        }
        finally
        {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path writeConfig(final String name, final String firewall) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = " + name.replace(".conf", "") +
            "\nkey = " + KEY + "\n\n[firewall]\n" + firewall);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
