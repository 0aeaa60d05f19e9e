package io.blocksync.daemon.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three configurations in examples/loopback must read cleanly and agree with each other: every node holds the
 * others' real keys and listen addresses, so the demo works as shipped.
 */
class LoopbackExamplesTest
{
    // Surefire runs in the module directory; the examples live at the repository root.
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path EXAMPLES = REPOSITORY.resolve("examples/loopback");
    private static final Map<Integer, NodeConfig> NODES = new HashMap<>();

    @BeforeAll
    static void readAll() throws ConfigException
    {
        for (int id = 1; id <= 3; id++)
        {
            NODES.put(id, ConfigReader.read(EXAMPLES.resolve("node" + id + ".conf")));
        }
    }

    @Test
    void shouldListenOnLoopbackPortsSeventySevenHundredAndOneToThree()
    {
        for (int id = 1; id <= 3; id++)
        {
            final NodeConfig node = NODES.get(id);
            assertEquals(id, node.nodeId());
            assertEquals("127.0.0.1:770" + id, EndpointText.format(node.listen()));
            assertEquals("log", node.firewallBackend(), "the demo must not touch the real packet filter");
        }
    }

    @Test
    void shouldKeepStateUnderTheRepositorysTargetFolder()
    {
        for (int id = 1; id <= 3; id++)
        {
            assertEquals(REPOSITORY.resolve("target/loopback/node" + id), NODES.get(id).stateDir());
        }
    }

    @Test
    void shouldPeerEachNodeWithTheOtherTwoUsingTheirRealKeysAndAddresses()
    {
        for (int id = 1; id <= 3; id++)
        {
            final NodeConfig node = NODES.get(id);
            final List<Integer> peerIds = new ArrayList<>();
            for (final PeerConfig peer : node.peers())
            {
                final NodeConfig other = NODES.get(peer.nodeId());
                peerIds.add(peer.nodeId());
                assertEquals(other.listen(), peer.address(), "node " + id + " has the wrong address for " + peer);
                assertEquals(other.keyId(), peer.keyId(), "node " + id + " has the wrong key id for " + peer);
                assertArrayEquals(other.keys()[0].publicKey(), peer.keys()[0].publicKey(),
                    "node " + id + " has the wrong public key for " + peer);
                assertEquals("node" + peer.nodeId(), peer.name());
            }
            peerIds.add(id);
            peerIds.sort(null);
            assertEquals(List.of(1, 2, 3), peerIds, "node " + id + " must peer with exactly the other two");
        }
    }

    @Test
    void shouldGiveEveryNodeADistinctFullLengthKey()
    {
        for (int id = 1; id <= 3; id++)
        {
            assertEquals(1, NODES.get(id).keys().length);
            for (int other = id + 1; other <= 3; other++)
            {
                assertFalse(Arrays.equals(NODES.get(id).keys()[0].publicKey(), NODES.get(other).keys()[0].publicKey()),
                    id + " and " + other);
            }
        }
    }

    @Test
    void shouldHaveNoWarningsButTheOneAboutInlineKeys()
    {
        for (int id = 1; id <= 3; id++)
        {
            for (final String warning : NODES.get(id).warnings())
            {
                assertTrue(warning.contains("holds a private key and is readable by group/others"), warning);
            }
        }
        assertTrue(Files.isRegularFile(EXAMPLES.resolve("node1.conf")));
    }
}
