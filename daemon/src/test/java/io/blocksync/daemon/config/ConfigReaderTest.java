package io.blocksync.daemon.config;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.blocksync.daemon.config.ConfigTesting.KEY1;
import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.filled;
import static io.blocksync.daemon.config.ConfigTesting.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigReaderTest
{
    @TempDir
    Path directory;

    private Path writePrivate(final String name, final byte[] content) throws IOException
    {
        final Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        return file;
    }

    private static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = ConfigReaderTest.class.getResourceAsStream("/config/" + name))
        {
            assertNotNull(in, "missing test resource " + name);
            return in.readAllBytes();
        }
    }

    private static List<String> texts(final List<IpPrefix> prefixes)
    {
        final List<String> texts = new ArrayList<>();
        for (final IpPrefix prefix : prefixes)
        {
            texts.add(AddressText.format(prefix));
        }

        return texts;
    }

    @Test
    void shouldReadEveryValueOfACompleteFile() throws Exception
    {
        final Path file = writePrivate("complete.conf", resource("complete.conf"));
        writePrivate("keys/peer3.key", (KeyText.encode(ConfigTesting.publicOf(filled(4))) + "\n").getBytes());

        final NodeConfig config = ConfigReader.read(file);

        assertEquals(file, config.source());
        assertEquals(42, config.nodeId());
        assertEquals(new InetSocketAddress(EndpointText.parse("[2001:db8::42]:7742").getAddress(), 7742),
            config.listen());
        assertEquals(directory.resolve("state/node42"), config.stateDir());
        assertEquals(7, config.keyId());
        assertArrayEquals(ConfigTesting.publicOf(filled(1)), config.keys()[0].publicKey());

        assertEquals(2 * 3600 + 30 * 60, config.defaultBanSeconds());
        assertEquals(14 * 86_400, config.maxBanSeconds());
        assertEquals(24, config.ipv4BanPrefix());
        assertEquals(48, config.ipv6BanPrefix());
        assertEquals(20, config.minPrefixIpv4());
        assertEquals(40, config.minPrefixIpv6());
        assertEquals(5000, config.storeCapacity());
        assertEquals(250, config.originRatePerSecond());
        assertEquals(20, config.originQuotaPercent());

        assertEquals("log", config.firewallBackend());
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32", "198.51.100.7", "203.0.113.9"),
            texts(config.allowList()));

        assertEquals(500, config.heartbeatIntervalMs());
        assertEquals(50, config.retransmitInitialMs());
        assertEquals(2000, config.retransmitMaxMs());
        assertEquals(256, config.sendWindow());
        assertEquals(8192, config.snapshotChunkBudget());
        assertEquals(1500, config.peerSuspectAfterMs());
        assertEquals(60_000, config.peerDownAfterMs());
        assertEquals(150_000, config.maxClockSkewMs());
        assertEquals(45_000, config.clockWarningMs());

        final List<PeerConfig> peers = config.peers();
        assertEquals(3, peers.size());

        assertEquals(2, peers.get(0).nodeId());
        assertEquals("edge-fra", peers.get(0).name());
        assertEquals("198.51.100.2:7702", EndpointText.format(peers.get(0).address()));
        assertEquals(3, peers.get(0).keyId());
        assertArrayEquals(ConfigTesting.publicOf(filled(2)), peers.get(0).keys()[0].publicKey());

        assertEquals(3, peers.get(1).nodeId());
        assertEquals("node3", peers.get(1).name());
        assertEquals("[2001:db8::3]:7703", EndpointText.format(peers.get(1).address()));
        assertEquals(1, peers.get(1).keyId());
        assertArrayEquals(ConfigTesting.publicOf(filled(4)), peers.get(1).keys()[0].publicKey());

        assertEquals(239, peers.get(2).nodeId());
        assertEquals("lan-edge", peers.get(2).name());
        assertEquals("192.0.2.239:7700", EndpointText.format(peers.get(2).address()));
        assertArrayEquals(ConfigTesting.publicOf(filled(3)), peers.get(2).keys()[0].publicKey());

        assertEquals(List.of(), config.warnings());
    }

    @Test
    void shouldApplyTheDocumentedDefaults() throws ConfigException
    {
        final NodeConfig config = parse(NODE);

        assertEquals(1, config.keyId());
        assertEquals(3600, config.defaultBanSeconds());
        assertEquals(30 * 86_400, config.maxBanSeconds());
        assertEquals(32, config.ipv4BanPrefix());
        assertEquals(64, config.ipv6BanPrefix());
        assertEquals(16, config.minPrefixIpv4());
        assertEquals(32, config.minPrefixIpv6());
        assertEquals(100_000, config.storeCapacity());
        assertEquals(1000, config.originRatePerSecond());
        assertEquals(50, config.originQuotaPercent());
        assertEquals("log", config.firewallBackend());
        assertEquals(List.of(), config.allowList());
        assertEquals(1000, config.heartbeatIntervalMs());
        assertEquals(200, config.retransmitInitialMs());
        assertEquals(5000, config.retransmitMaxMs());
        assertEquals(1024, config.sendWindow());
        assertEquals(NodeConfig.DEFAULT_SNAPSHOT_CHUNK_BUDGET, config.snapshotChunkBudget());
        assertEquals(3000, config.peerSuspectAfterMs());
        assertEquals(10_000, config.peerDownAfterMs());
        assertEquals(300_000, config.maxClockSkewMs(), "five minutes");
        assertEquals(30_000, config.clockWarningMs(), "thirty seconds");
        assertEquals(List.of(), config.peers());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void shouldResolveRelativePathsAgainstTheFilesDirectory() throws ConfigException
    {
        final Path source = Path.of("/etc/blocksync/node.conf");
        final String text = ConfigTesting.withKeys(NODE);

        assertEquals(Path.of("/etc/blocksync/state"),
            ConfigReader.parse(source, text.replace("/var/lib/blocksync", "state")).stateDir());
        assertEquals(Path.of("/var/lib/bs"),
            ConfigReader.parse(source, text.replace("/var/lib/blocksync", "../../var/lib/./bs")).stateDir());
        assertEquals(Path.of("/var/lib/blocksync"), ConfigReader.parse(source, text).stateDir());
        assertEquals(Path.of("").toAbsolutePath().resolve("state"),
            ConfigReader.parse(Path.of("node.conf"), text.replace("/var/lib/blocksync", "state")).stateDir());
    }

    @Test
    void shouldHandOutCopiesOfKeysAndPrefixes() throws ConfigException
    {
        final NodeConfig config = parse(NODE + "[allow]\nprefix = 192.0.2.0/24\n[peer 2]\naddress = 192.0.2.2:7702\n" +
            "key = $KEY2\n");

        config.keys()[0] = null;
        config.peers().get(0).keys()[0] = null;
        config.allowList().get(0).maskTo(8);

        assertArrayEquals(ConfigTesting.publicOf(KEY1), config.keys()[0].publicKey());
        assertArrayEquals(ConfigTesting.publicOf(ConfigTesting.KEY2), config.peers().get(0).keys()[0].publicKey());
        assertEquals("192.0.2.0/24", AddressText.format(config.allowList().get(0)));
        assertThrows(UnsupportedOperationException.class, () -> config.peers().clear());
    }

    @Test
    void shouldKeepKeysOutOfItsText() throws ConfigException
    {
        final NodeConfig config = parse(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey = $KEY2\n");
        final String key1 = Base64.getEncoder().encodeToString(KEY1).substring(0, 12);
        final String key2 = Base64.getEncoder().encodeToString(ConfigTesting.KEY2).substring(0, 12);

        assertEquals("node 1 at 192.0.2.1:7701 from test.conf, 1 peers, firewall log", config.toString());
        assertEquals("peer 2 (node2) at 192.0.2.2:7702, key id 1", config.peers().get(0).toString());
        assertFalse(config.toString().contains(key1));
        assertFalse(config.peers().get(0).toString().contains(key2));
    }

    @Test
    void shouldSayWhyAFileCannotBeRead() throws IOException
    {
        final Path missing = directory.resolve("missing.conf");
        assertEquals(List.of(missing + ": cannot read: no such file"),
            assertThrows(ConfigException.class, () -> ConfigReader.read(missing)).errors());

        assertEquals(List.of(directory + ": cannot read: it is a directory"),
            assertThrows(ConfigException.class, () -> ConfigReader.read(directory)).errors());

        final Path latin1 = writePrivate("latin1.conf", new byte[]{ '#', ' ', (byte)0xE9, '\n' });
        assertEquals(List.of(latin1 + ": cannot read: not UTF-8 text"),
            assertThrows(ConfigException.class, () -> ConfigReader.read(latin1)).errors());

        final Path huge = writePrivate("huge.conf", new byte[(1 << 20) + 1]);
        assertEquals(List.of(huge + ": cannot read: larger than 1 MiB; is this the right file?"),
            assertThrows(ConfigException.class, () -> ConfigReader.read(huge)).errors());
    }

    @Test
    void shouldReportErrorsWithThePathAsGiven() throws IOException
    {
        final Path file = writePrivate("bad.conf", "[node]\nid = 0\n".getBytes());

        final List<String> errors = assertThrows(ConfigException.class, () -> ConfigReader.read(file)).errors();

        assertEquals(List.of(
            file + ":1:2: missing required key 'listen' in [node]",
            file + ":1:2: missing required key 'state-dir' in [node]",
            file + ":1:2: missing required key 'key' or 'key-file' in [node] (blocksync keygen makes a key)",
            file + ":2:6: id: 0 is outside 1-2147483647"), errors);
    }
}
