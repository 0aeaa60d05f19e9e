package io.blocksync.daemon;

import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.Command;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * BlockSync and Debian's crowdsec package, both ways (issue 14): the package's LAPI ({@code crowdsec -no-cs}, the
 * online API off, a config of the test's own under a temp dir) listens on 127.0.0.1 in node A's namespace; A
 * (192.0.2.1, log backend) is its bouncer and pushes bans into it; B (192.0.2.2, nftables) is A's peer.
 * <ul>
 *   <li>{@code cscli decisions add --ip 192.0.2.80} reaches B's kernel set, reason the scenario, origin A;
 *   {@code cscli decisions delete} lifts it there;</li>
 *   <li>a ban decided at B is in {@code cscli decisions list -o json} (origin crowdsec, scenario
 *   blocksync/REASON); its unban deletes it there; a CrowdSec decision is never pushed back.</li>
 * </ul>
 * It prints the CrowdSec decision to B's kernel time for PERFORMANCE.md "Issue 14". INTEGRATIONS.md shows the same
 * commands.
 */
class CrowdSecBridgeTest
{
    private static final String KEY_A = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    private static final String SETTINGS = "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\n";
    private static final Duration PROPAGATION = Duration.ofSeconds(30);
    private static final String LAPI = "127.0.0.1:8080";

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private String nsA;
    private String nsB;
    private Path cs;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeEach
    void startCrowdSecAndTwoNodes() throws Exception
    {
        final String reason = NetworkNamespaces.unavailableReason("nft");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft on PATH; CI installs them)");
        RealPrograms.require(Files.isExecutable(Path.of("/usr/bin/crowdsec")) && Files.isExecutable(Path.of("/usr/bin/cscli")),
            "crowdsec is not installed (apt-get install crowdsec)");
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bsc");
        nsA = lan.host(1);
        nsB = lan.host(2);
        cs = Files.createDirectories(dir.resolve("crowdsec"));
        writeCrowdSecConfig();
        // What INTEGRATIONS.md tells the operator to run: a bouncer key and a machine for BlockSync, a machine for cscli.
        cscli("machines", "add", "cscli-test", "--auto", "-f", cs.resolve("local_api_credentials.yaml").toString(),
            "--url", "http://" + LAPI);
        cscli("machines", "add", "blocksync", "--auto", "-f", cs.resolve("blocksync-machine.yaml").toString(),
            "--url", "http://" + LAPI);
        final String apiKey = cscli("bouncers", "add", "blocksync", "-o", "raw").strip();
        Files.writeString(cs.resolve("blocksync-bouncer.key"), apiKey + "\n");
        namespaces.spawn(nsA, cs.resolve("lapi.log"), List.of("crowdsec", "-c", cs.resolve("config.yaml").toString(), "-no-cs"));
        Poll.until("CrowdSec's local API to listen", PROPAGATION,
            () -> read(cs.resolve("lapi.log")).contains("CrowdSec Local API listening on " + LAPI),
            () -> read(cs.resolve("lapi.log")));

        final String crowdsec = "[crowdsec]\nlapi-url = http://" + LAPI + "\napi-key-file = " + cs.resolve("blocksync-bouncer.key") +
            "\npoll-interval = 1s\npush = yes\nmachine-credentials-file = " + cs.resolve("blocksync-machine.yaml") + "\n\n";
        final Path configA = writeConfig("a.conf", 1, "192.0.2.1", 2, "192.0.2.2", KEY_A, KEY_B, "log", crowdsec);
        final Path configB = writeConfig("b.conf", 2, "192.0.2.2", 1, "192.0.2.1", KEY_B, KEY_A, "nftables", "");
        nodes.add(new NodeProcess(configA, dir.resolve("a"), NetworkNamespaces.inNamespace(nsA)).start());
        nodes.add(new NodeProcess(configB, dir.resolve("b"), NetworkNamespaces.inNamespace(nsB)).start());
        nodes.get(0).awaitReady();
        nodes.get(1).awaitReady();
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
    void crowdSecDecisionsReachThePeerAndTheNodesBansReachCrowdSecWithoutEcho() throws Exception
    {
        // PERFORMANCE.md "Issue 14": -Dblocksync.crowdsec.samples=40 for the figure (addresses 192.0.2.80 on).
        final int samples = Math.max(5, Math.min(100, Integer.getInteger("blocksync.crowdsec.samples", 5)));
        final List<Long> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++)
        {
            final String address = "192.0.2." + (80 + i);
            cscliInA("decisions", "add", "--ip", address, "--duration", "4h", "--reason", "crowdsecurity/ssh-bf");
            final long start = System.nanoTime();
            awaitInPeerSet(address, true);
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        millis.sort(Long::compare);
        System.out.println("CrowdSec decision -> peer's kernel set: p50 " + millis.get(samples / 2) + " ms, p90 " +
            millis.get(samples * 9 / 10) + " ms, max " + millis.get(samples - 1) + " ms over " + samples +
            " (cscli decisions add returned -> the element in B's nft set; poll-interval 1s)");
        final String row = bansAt(1, "192.0.2.80");
        assertTrue(row.startsWith("ban 192.0.2.80 1 ") && row.contains(" crowdsecurity/ssh-bf "),
            "B lists CrowdSec's ban, origin node 1, reason the scenario: " + row);
        assertTrue(Pattern.compile("ban 192\\.0\\.2\\.80 reason crowdsecurity/ssh-bf (4h|3h59m[0-9]+s) origin node1")
                .matcher(nodes.get(0).log()).find(),
            "A's audit line: " + nodes.get(0).log());

        // A range, cscli's own scenario ("manual 'ban' from ...") is no reason: the origin is.
        cscliInA("decisions", "add", "--range", "198.51.100.0/24", "--duration", "1h");
        Poll.until("198.51.100.0/24 at B", PROPAGATION, () -> bansAt(1, "198.51.100.0/24").contains(" cscli "),
            () -> bansAt(1, "198.51.100.0/24") + "\n" + nodes.get(0).log());

        cscliInA("decisions", "delete", "--ip", "192.0.2.80");
        awaitInPeerSet("192.0.2.80", false);

        // Review finding 5: CrowdSec's decision for .79 is taken, then B bans .79 under a reason of its own (its ban
        // replaces A's everywhere). Deleting CrowdSec's decision lifts nothing: B's ban stays in B's kernel.
        cscliInA("decisions", "add", "--ip", "192.0.2.79", "--duration", "4h", "--reason", "crowdsecurity/ssh-bf");
        awaitInPeerSet("192.0.2.79", true);
        assertTrue(nodes.get(1).control(List.of("ban 192.0.2.79 2h nginx-http-auth 0 0")).get(0).startsWith("ok"));
        Poll.until("B's ban of 192.0.2.79 at A", PROPAGATION, () -> bansAt(0, "192.0.2.79").startsWith("ban 192.0.2.79 2 "),
            () -> bansAt(0, "192.0.2.79"));
        final long notOurs = counter(0, "crowdsec_lifts_not_ours");
        cscliInA("decisions", "delete", "--ip", "192.0.2.79");
        Poll.until("A to take the deletion of 192.0.2.79", PROPAGATION, () -> counter(0, "crowdsec_lifts_not_ours") == notOurs + 1,
            () -> "crowdsec_lifts_not_ours " + counter(0, "crowdsec_lifts_not_ours") + "\n" + nodes.get(0).log());
        assertTrue(bansAt(1, "192.0.2.79").startsWith("ban 192.0.2.79 2 ") && bansAt(0, "192.0.2.79").startsWith("ban 192.0.2.79 2 "),
            "B's ban stays at both: " + bansAt(0, "192.0.2.79") + " / " + bansAt(1, "192.0.2.79"));
        awaitInPeerSet("192.0.2.79", true);

        // B's own ban reaches A, which pushes it into the LAPI; cscli decisions list (without -a) shows it.
        assertTrue(nodes.get(1).control(List.of("ban 203.0.113.9 1h nginx-http-auth 0 0")).get(0).startsWith("ok"));
        Poll.until("203.0.113.9 in cscli decisions list", PROPAGATION,
            () -> decisionsJson().contains("\"value\": \"203.0.113.9\""), this::decisionsJson);
        final String listed = decisionsJson();
        assertTrue(listed.contains("\"scenario\": \"blocksync/nginx-http-auth\""), listed);
        assertFalse(listed.contains("blocksync/crowdsecurity"), "a CrowdSec decision was pushed back: " + listed);
        assertTrue(counter(0, "crowdsec_decisions_pushed") >= 1 && counter(0, "crowdsec_decisions_taken") >= samples + 2,
            String.join("\n", nodes.get(0).control(List.of("counters"))));

        assertTrue(nodes.get(1).control(List.of("unban 203.0.113.9")).get(0).startsWith("ok"));
        Poll.until("203.0.113.9 gone from cscli decisions list", PROPAGATION,
            () -> !decisionsJson().contains("\"value\": \"203.0.113.9\""), this::decisionsJson);
        // The pushed decision came back on A's stream: left out, so A still holds no ban of its own for it.
        assertTrue(bansAt(0, "203.0.113.9").isEmpty(), bansAt(0, "203.0.113.9"));
    }

    private String decisionsJson()
    {
        return namespaces.exec(nsA, "cscli", "-c", cs.resolve("config.yaml").toString(), "decisions", "list", "-o", "json").output();
    }

    private void cscliInA(final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of("cscli", "-c", cs.resolve("config.yaml").toString()));
        command.addAll(Arrays.asList(arguments));
        namespaces.must(nsA, command.toArray(new String[0]));
    }

    private String cscli(final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of("cscli", "-c", cs.resolve("config.yaml").toString()));
        command.addAll(Arrays.asList(arguments));
        return Command.of(command).mustSucceed().output();
    }

    private long counter(final int node, final String name)
    {
        try
        {
            for (final String row : nodes.get(node).control(List.of("counters")))
            {
                final String[] words = row.split(" ");
                if (words.length >= 5 && words[4].equals(name))
                {
                    return Long.parseLong(words[3]);
                }
            }
            return -1;
        }
        catch (final java.io.IOException ex)
        {
            return -2;
        }
    }

    private void awaitInPeerSet(final String address, final boolean present)
    {
        Poll.until((present ? "" : "no ") + address + " in B's kernel set", PROPAGATION,
            () -> Pattern.compile("[ {]" + Pattern.quote(address) + "(?![0-9./])").matcher(peerSet()).find() == present,
            () -> peerSet() + "\n--- A ---\n" + nodes.get(0).log() + "\n--- LAPI ---\n" + read(cs.resolve("lapi.log")));
    }

    private String peerSet()
    {
        return namespaces.exec(nsB, "nft", "list", "set", "inet", "blocksync", "ban4_host").output();
    }

    private String bansAt(final int node, final String prefix)
    {
        try
        {
            for (final String row : nodes.get(node).control(List.of("bans")))
            {
                if (row.startsWith("ban " + prefix + " "))
                {
                    return row;
                }
            }
            return "";
        }
        catch (final java.io.IOException ex)
        {
            return "(bans at node " + (node + 1) + ": " + ex + ")";
        }
    }

    /** The LAPI alone: SQLite under the temp dir, no agent, no online API (no online_client section), no metrics port. */
    private void writeCrowdSecConfig() throws Exception
    {
        Files.createDirectories(cs.resolve("data"));
        Files.createDirectories(cs.resolve("hub"));
        Files.writeString(cs.resolve("hub/.index.json"), "{}\n");
        Files.writeString(cs.resolve("simulation.yaml"), "simulation: off\n");
        Files.writeString(cs.resolve("profiles.yaml"), "name: default_ip_remediation\nfilters:\n" +
            " - Alert.Remediation == true && Alert.GetScope() == \"Ip\"\ndecisions:\n - type: ban\n   duration: 4h\non_success: break\n");
        Files.writeString(cs.resolve("config.yaml"), "common:\n  daemonize: false\n  log_media: stdout\n  log_level: info\n" +
            "  working_dir: .\nconfig_paths:\n  config_dir: " + cs + "/\n  data_dir: " + cs + "/data/\n  simulation_path: " +
            cs + "/simulation.yaml\n  hub_dir: " + cs + "/hub/\n  index_path: " + cs + "/hub/.index.json\n" +
            "db_config:\n  type: sqlite\n  db_path: " + cs + "/data/crowdsec.db\n  use_wal: true\napi:\n  client:\n" +
            "    credentials_path: " + cs + "/local_api_credentials.yaml\n  server:\n    listen_uri: " + LAPI + "\n" +
            "    profiles_path: " + cs + "/profiles.yaml\nprometheus:\n  enabled: false\n");
    }

    private Path writeConfig(
        final String name, final int id, final String address, final int peerId, final String peerAddress,
        final String key, final String peerKey, final String backend) throws Exception
    {
        return writeConfig(name, id, address, peerId, peerAddress, key, peerKey, backend, "");
    }

    private Path writeConfig(
        final String name, final int id, final String address, final int peerId, final String peerAddress,
        final String key, final String peerKey, final String backend, final String crowdsec) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "[node]\nid = " + id + "\nlisten = " + address + ":7701\nstate-dir = " +
            name.replace(".conf", "") + "\nkey = " + key + "\n\n[firewall]\nbackend = " + backend + "\n\n" + SETTINGS + "\n" +
            crowdsec + "[peer " + peerId + "]\naddress = " + peerAddress + ":7701\nkey = " +
            io.blocksync.daemon.node.TestKeys.publicText(peerKey) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "(no " + file + ")";
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }
}
