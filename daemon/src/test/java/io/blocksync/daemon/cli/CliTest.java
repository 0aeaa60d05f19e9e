package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.store.BanStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator contract: command names, flags, exit codes and the JSON keys scripts rely on.
 */
class CliTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void demoRunsThreeNodesAndExitsZeroWhenEveryNodeGotTheBanAndTheUnban()
    {
        assertEquals(0, BlockSyncCli.run("demo"), output());
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("node 2: banned after"), text);
        assertTrue(text.contains("node 3: unbanned after"), text);
        assertTrue(text.contains("refused, protected"), text);
        assertTrue(text.contains("demo passed"), text);
    }

    @Test
    void checkConfigReportsFileLineAndColumnAndExitsTwo() throws Exception
    {
        final Path config = dir.resolve("bad.conf");
        Files.writeString(config, "[node]\nid = 1\nlisten = 127.0.0.1:99999\nstate-dir = s\nkey = base64:AAAA\n");
        assertEquals(2, BlockSyncCli.run("check-config", "-c", config.toString()));
        final String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains(config + ":3:10:"), errors);
    }

    @Test
    void checkConfigRefusesAnIpv6PeerOnAnIpv4ListenAddressWithItsLocation() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final Path config = cluster.configFile(1);
        final String text = Files.readString(config);
        final int peerLine = text.indexOf("address = 127.0.0.1:");
        Files.writeString(config, text.substring(0, peerLine) + text.substring(peerLine).replaceFirst("127\\.0\\.0\\.1", "[::1]"));
        final long line = text.substring(0, peerLine).chars().filter(c -> c == '\n').count() + 1;

        assertEquals(2, BlockSyncCli.run("check-config", "-c", config.toString()), output());
        final String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains(config + ":" + line + ":11: address: [::1]:"), errors);
        assertTrue(errors.contains("is IPv6 but listen = 127.0.0.1:"), errors);
    }

    /** IPv6 endpoints as the config writes them ([2001:db8::a]:7701), and [crowdsec] when configured (issue 14). */
    @Test
    void checkConfigSummaryBracketsIpv6EndpointsAndNamesTheCrowdSecBridge() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final Path config = cluster.configFile(1);
        final Path key = Files.writeString(dir.resolve("crowdsec-bouncer.key"), "6839c94476cb45cd0964e2e1992aaa36\n");
        final Path machine = Files.writeString(dir.resolve("crowdsec-machine.yaml"),
            "url: http://127.0.0.1:8080\nlogin: blocksync\npassword: secret\n");
        Files.writeString(config, Files.readString(config).replace("127.0.0.1:", "[::1]:") +
            "\n[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + key + "\npush = yes\n" +
            "machine-credentials-file = " + machine + "\n");

        assertEquals(0, BlockSyncCli.run("check-config", "-c", config.toString()), output());
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(java.util.regex.Pattern.compile("(?m)^  node 1 listening on \\[::1\\]:\\d+, state in ").matcher(text).find(),
            text);
        assertTrue(java.util.regex.Pattern.compile("(?m)^  peer 2 \\(node2\\) at \\[::1\\]:\\d+, key id ").matcher(text).find(), text);
        assertTrue(text.contains("\n  crowdsec: following decisions at http://127.0.0.1:8080 every 1s, pushing this node's " +
            "bans there as blocksync\n"), text);
    }

    @Test
    void bansJsonHasTheKeysScriptsRelyOn() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        try (BanStore store = BanStore.openForDaemon(cluster.stateDir(1), 1000))
        {
            final IpPrefix prefix = new IpPrefix();
            AddressText.parse("198.51.100.7", prefix, 32, 64);
            final long now = System.currentTimeMillis();
            store.put(new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(2).originSequence(1).originTimeMillis(now)
                .durationSeconds(3600).expiresAtMillis(now + 3_600_000).reason(ReasonCode.of("ssh").id()).appliedAtMillis(now));
        }

        assertEquals(0, BlockSyncCli.run("bans", "-c", cluster.configFile(1).toString(), "--json"), output());
        final String json = out.toString(StandardCharsets.UTF_8).trim();
        assertTrue(json.startsWith("[{") && json.endsWith("}]"), json);
        for (final String key : new String[]{ "\"prefix\":\"198.51.100.7\"", "\"reason\":\"ssh\"", "\"origin\":2", "\"expires\":\"" })
        {
            assertTrue(json.contains(key), key + " missing from " + json);
        }
    }

    @Test
    void keygenPrintsABase64KeyOfThirtyTwoBytes()
    {
        assertEquals(0, BlockSyncCli.run("keygen"));
        final String key = out.toString(StandardCharsets.UTF_8).trim();
        assertTrue(key.startsWith("base64:"), key);
        assertEquals(32, java.util.Base64.getDecoder().decode(key.substring("base64:".length())).length);
    }

    @Test
    void keygenOutWritesThePrivateKeyAndPrintsItsPublicKeyWhichPublicPrintsAgain() throws Exception
    {
        final Path file = dir.resolve("node.key");
        assertEquals(0, BlockSyncCli.run("keygen", "--out", file.toString()), output());
        final String printed = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final byte[] seed = io.blocksync.daemon.config.KeyText.decode(Files.readString(file));
        assertEquals(32, seed.length);
        assertEquals(io.blocksync.daemon.config.KeyText.encode(io.blocksync.codec.NodeKey.fromSeed(1, seed).publicKey()),
            printed, "the public key of the key written");

        out.reset();
        assertEquals(0, BlockSyncCli.run("keygen", "--public", file.toString()), output());
        assertEquals(printed, out.toString(StandardCharsets.UTF_8).trim());

        assertEquals(1, BlockSyncCli.run("keygen", "--out", file.toString()), "never overwrites a key");
        assertEquals(seed.length, io.blocksync.daemon.config.KeyText.decode(Files.readString(file)).length);
    }

    @Test
    void banWithoutARunningNodeSaysSoAndExitsOne() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        assertEquals(1, BlockSyncCli.run("ban", "-c", cluster.configFile(1).toString(), "192.0.2.1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is `blocksync run` running with this config?"), output());
    }

    @Test
    void banRefusesZeroNegativeAndOverflowingDurationsBeforeReachingTheNodeAndExitsTwo() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        final String forms = "; accepted: 1s to 30d (max-duration), e.g. 30s, 15m, 1h, 1h30m";
        final String[][] cases = {
            { "0", "blocksync ban: --duration '0': a ban must last at least 1s" + forms },
            { "-5s", "blocksync ban: --duration '-5s': a ban cannot last a negative time" + forms },
            { "200000w", "blocksync ban: --duration '200000w': longer than the 49710d6h28m15s (about 136 years) a ban " +
                "record can hold" + forms },
            { "99999999999999999999w", "blocksync ban: --duration '99999999999999999999w': longer than the " +
                "49710d6h28m15s (about 136 years) a ban record can hold" + forms },
            { "60d", "blocksync ban: --duration '60d': longer than max-duration (30d)" + forms },
            { "permanent", "blocksync ban: --duration 'permanent': bans without end are off here (max-duration is 30d)" +
                forms } };
        for (final String[] c : cases)
        {
            err.reset();
            assertEquals(2, BlockSyncCli.run("ban", "-c", cluster.configFile(1).toString(), "192.0.2.1", "--duration", c[0]),
                output());
            assertEquals(c[1], err.toString(StandardCharsets.UTF_8).trim(), c[0]);
        }
    }

    @Test
    void bansJsonSaysEnforcedIsUnknownWhenTheNodeIsNotRunning() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "");
        try (BanStore store = BanStore.openForDaemon(cluster.stateDir(1), 1000))
        {
            final IpPrefix prefix = new IpPrefix();
            AddressText.parse("198.51.100.7", prefix, 32, 64);
            final long now = System.currentTimeMillis();
            store.put(new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(2).originSequence(1).originTimeMillis(now)
                .durationSeconds(3600).expiresAtMillis(now + 3_600_000).reason(ReasonCode.of("ssh").id()).appliedAtMillis(now));
        }

        assertEquals(0, BlockSyncCli.run("bans", "-c", cluster.configFile(1).toString(), "--json"), output());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"enforced\":null}"), output());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not answer on its control socket"), output());
    }

    private String output()
    {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
