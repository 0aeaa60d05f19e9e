package io.blocksync.daemon;

import io.blocksync.testkit.BridgeSegment;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The detectors operators already run feed BlockSync through the shims in dist/, each program Debian's own package,
 * unmodified (issue 14): node A (192.0.2.1, log backend) takes the program's bans on its control socket, node B
 * (192.0.2.2, nftables) must hold them in its kernel set, and the program's unban must lift them there.
 * <ul>
 *   <li>fail2ban: fail2ban-server with its own config dir, socket, pid file and database in a temp dir (no systemd),
 *   a jail named {@code nginx-http-auth} (a reason longer than 8 characters) on a log file the test writes, action
 *   {@code dist/fail2ban/action.d/blocksync.conf} with the node's socket in {@code action.d/blocksync.local}; a second
 *   jail with {@code bantime = -1} (permanent).</li>
 *   <li>sshguard: {@code /usr/sbin/sshguard} with its config replaced for it alone (a bind mount in a private mount
 *   namespace), reading a log file, its BACKEND {@code dist/sshguard/sshg-fw-blocksync}, the node's socket
 *   {@code export BLOCKSYNC_SOCKET=...} in that config.</li>
 * </ul>
 * INTEGRATIONS.md shows the same configuration lines.
 */
class FeedIntegrationsTest
{
    private static final String KEY_A = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    /** Permanent bans allowed: fail2ban's bantime = -1 asks for one (the default max-duration of 30d refuses it). */
    private static final String SETTINGS = "[bans]\nmax-duration = permanent\n\n" +
        "[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\n";
    private static final Path DIST = Path.of("../dist");
    private static final Duration PROPAGATION = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private NetworkNamespaces namespaces;
    private String nsB;
    private Path socketA;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Process> programs = new ArrayList<>();

    @BeforeEach
    void startTwoNodes() throws Exception
    {
        final String reason = NetworkNamespaces.unavailableReason("nft", "socat");
        assumeTrue(null == reason, () -> "skipped: " + reason + " (needs root and ip, nft, socat on PATH; CI installs them)");
        namespaces = new NetworkNamespaces();
        final BridgeSegment lan = namespaces.bridge("bsf");
        final String a = lan.host(1);
        nsB = lan.host(2);
        final Path configA = writeConfig("a.conf", 1, "192.0.2.1", 2, "192.0.2.2", KEY_A, KEY_B, "log");
        final Path configB = writeConfig("b.conf", 2, "192.0.2.2", 1, "192.0.2.1", KEY_B, KEY_A, "nftables");
        nodes.add(new NodeProcess(configA, dir.resolve("a"), NetworkNamespaces.inNamespace(a)).start());
        nodes.add(new NodeProcess(configB, dir.resolve("b"), NetworkNamespaces.inNamespace(nsB)).start());
        nodes.get(0).awaitReady();
        nodes.get(1).awaitReady();
        socketA = dir.resolve("a").resolve("control.sock");
    }

    @AfterEach
    void tearDown()
    {
        programs.forEach(Process::destroyForcibly);
        nodes.forEach(NodeProcess::close);
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void aFail2banJailsBanReachesThePeersKernelSetWithItsNameAndTheUnbanAndFlushLiftIt() throws Exception
    {
        RealPrograms.require(Files.isExecutable(Path.of("/usr/bin/fail2ban-server")), "no fail2ban (apt-get install fail2ban)");
        final Path conf = Files.createDirectories(dir.resolve("fail2ban"));
        final Path authLog = Files.writeString(conf.resolve("auth.log"), "");
        final Path ddosLog = Files.writeString(conf.resolve("ddos.log"), "");
        final Path socket = conf.resolve("f2b.sock");
        Files.writeString(conf.resolve("fail2ban.conf"), "[Definition]\nloglevel = INFO\nlogtarget = " + conf.resolve("fail2ban.log") +
            "\nsocket = " + socket + "\npidfile = " + conf.resolve("f2b.pid") + "\ndbfile = " + conf.resolve("f2b.sqlite3") + "\n");
        Files.createDirectories(conf.resolve("filter.d"));
        Files.writeString(conf.resolve("filter.d/bstest.conf"), "[Definition]\nfailregex = ^auth failure from <HOST>$\ndatepattern = {NONE}\n");
        Files.createDirectories(conf.resolve("action.d"));
        Files.copy(DIST.resolve("fail2ban/action.d/blocksync.conf"), conf.resolve("action.d/blocksync.conf"));
        // Another socket for every jail, as INTEGRATIONS.md says: action.d/blocksync.local overrides the action's [Init].
        Files.writeString(conf.resolve("action.d/blocksync.local"), "[Init]\nsocket = " + socketA + "\n");
        final String action = "action = blocksync\n";
        Files.writeString(conf.resolve("jail.conf"),
            "[nginx-http-auth]\nenabled = true\nfilter = bstest\nlogpath = " + authLog + "\nbackend = polling\nmaxretry = 3\n" +
            "findtime = 10m\nbantime = 1h\n" + action +
            "[sshd-ddos]\nenabled = true\nfilter = bstest\nlogpath = " + ddosLog + "\nbackend = polling\nbantime = -1\n" + action);
        programs.add(new ProcessBuilder("fail2ban-server", "-f", "-x", "-c", conf.toString())
            .redirectErrorStream(true).redirectOutput(conf.resolve("server.out").toFile()).start());
        Poll.until("fail2ban's jails started", PROPAGATION,
            () -> log(conf.resolve("fail2ban.log")).contains("Jail 'sshd-ddos' started"), () -> log(conf.resolve("fail2ban.log")));

        for (int i = 0; i < 3; i++)
        {
            Files.writeString(authLog, "auth failure from 192.0.2.60\n", StandardOpenOption.APPEND);
        }
        awaitInPeerSet("192.0.2.60", true, () -> log(conf.resolve("fail2ban.log")));
        final String rowAtB = bansAt(1, "192.0.2.60");
        assertTrue(rowAtB.contains(" nginx-http-auth ") && rowAtB.startsWith("ban 192.0.2.60 1 "),
            "B lists the ban under the jail's name, origin node 1: " + rowAtB);
        // A's event log is written by a thread of its own: the line may land after B already holds the ban.
        Poll.until("A's audit line for 192.0.2.60", PROPAGATION,
            () -> nodes.get(0).log().contains("ban 192.0.2.60 reason nginx-http-auth 1h origin node1 (3 hits)"), nodes.get(0)::log);

        assertEquals(0, fail2banClient(socket, "set", "sshd-ddos", "banip", "192.0.2.61"));
        awaitInPeerSet("192.0.2.61", true, () -> log(conf.resolve("fail2ban.log")));
        assertTrue(bansAt(1, "192.0.2.61").contains(" -1 "), "bantime -1 is permanent at B: " + bansAt(1, "192.0.2.61"));

        assertEquals(0, fail2banClient(socket, "set", "nginx-http-auth", "unbanip", "192.0.2.60"));
        awaitInPeerSet("192.0.2.60", false, () -> log(conf.resolve("fail2ban.log")));
        // Stopping fail2ban flushes each jail (actionflush): the permanent ban is lifted everywhere too.
        assertEquals(0, fail2banClient(socket, "stop"));
        awaitInPeerSet("192.0.2.61", false, () -> log(conf.resolve("fail2ban.log")));
    }

    @Test
    void anSshguardBlockReachesThePeersKernelSetAndItsReleaseLiftsIt() throws Exception
    {
        RealPrograms.require(Files.isExecutable(Path.of("/usr/sbin/sshguard")) && null == NetworkNamespaces.unavailableReason("unshare"),
            "no sshguard (apt-get install sshguard)");
        final Path conf = Files.createDirectories(dir.resolve("sshguard"));
        final Path authLog = Files.writeString(conf.resolve("auth.log"), "");
        final Path shim = DIST.resolve("sshguard/sshg-fw-blocksync").toAbsolutePath().normalize();
        // Block after 3 attacks (10 points each) for 2 s, so sshguard's own release comes within the test.
        // sshguard sources its config without exporting: the backend sees BLOCKSYNC_SOCKET only when it is exported.
        Files.writeString(conf.resolve("sshguard.conf"), "BACKEND=\"" + shim + "\"\n" +
            "export BLOCKSYNC_SOCKET=\"" + socketA + "\"\nFILES=\"" + authLog + "\"\n" +
            "THRESHOLD=30\nBLOCK_TIME=2\nDETECTION_TIME=1800\nPID_FILE=" + conf.resolve("sshguard.pid") + "\n");
        final ProcessBuilder sshguard = new ProcessBuilder("unshare", "-m", "sh", "-c",
            "mount --bind \"$0\" /etc/sshguard/sshguard.conf && exec /usr/sbin/sshguard", conf.resolve("sshguard.conf").toString())
            .redirectErrorStream(true).redirectOutput(conf.resolve("sshguard.out").toFile());
        programs.add(sshguard.start());
        Poll.until("sshguard tails its log", PROPAGATION, () -> tailing(authLog), () -> log(conf.resolve("sshguard.out")));

        for (int i = 0; i < 4; i++)
        {
            Files.writeString(authLog, "Nov 30 09:00:00 host sshd[123]: Invalid user admin from 192.0.2.70 port 4242\n",
                StandardOpenOption.APPEND);
        }
        awaitInPeerSet("192.0.2.70", true, () -> log(conf.resolve("sshguard.out")));
        assertTrue(bansAt(1, "192.0.2.70").contains(" sshguard "), bansAt(1, "192.0.2.70"));
        // sshguard releases after BLOCK_TIME (checked about every few seconds): the unban reaches B.
        awaitInPeerSet("192.0.2.70", false, () -> log(conf.resolve("sshguard.out")));
    }

    private static boolean tailing(final Path file)
    {
        try
        {
            final Process pgrep = new ProcessBuilder("pgrep", "-f", "tail -F -n 0 " + file).start();
            pgrep.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return pgrep.waitFor(10, TimeUnit.SECONDS) && 0 == pgrep.exitValue();
        }
        catch (final java.io.IOException | InterruptedException ex)
        {
            return false;
        }
    }

    private int fail2banClient(final Path socket, final String... command) throws Exception
    {
        final List<String> line = new ArrayList<>(List.of("fail2ban-client", "-s", socket.toString()));
        line.addAll(List.of(command));
        final Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), line + " did not finish");
        return process.exitValue();
    }

    private void awaitInPeerSet(final String address, final boolean present, final java.util.function.Supplier<String> more)
    {
        Poll.until((present ? "" : "no ") + address + " in B's kernel set", PROPAGATION,
            () -> java.util.regex.Pattern.compile("[ {]" + java.util.regex.Pattern.quote(address) + "(?![0-9./])")
                .matcher(peerSet()).find() == present,
            () -> peerSet() + "\n" + more.get() + "\n--- A ---\n" + nodes.get(0).log());
    }

    /** B's IPv4 host set, elements separated by ", " and ending with " }". */
    private String peerSet()
    {
        return namespaces.exec(nsB, "nft", "list", "set", "inet", "blocksync", "ban4_host").output();
    }

    /** The node's {@code bans} row of an address, or "" (control protocol, docs/CONTROL.md). */
    private String bansAt(final int node, final String address) throws Exception
    {
        for (final String row : nodes.get(node).control(List.of("bans")))
        {
            if (row.startsWith("ban " + address + " "))
            {
                return row;
            }
        }
        return "";
    }

    private static String log(final Path file)
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

    private Path writeConfig(
        final String name, final int id, final String address, final int peerId, final String peerAddress,
        final String key, final String peerKey, final String backend) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "[node]\nid = " + id + "\nlisten = " + address + ":7701\nstate-dir = " +
            name.replace(".conf", "") + "\nkey = " + key + "\n\n[firewall]\nbackend = " + backend + "\n\n" + SETTINGS +
            "\n[peer " + peerId + "]\naddress = " + peerAddress + ":7701\nkey = " + io.blocksync.daemon.node.TestKeys.publicText(peerKey) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
