package io.blocksync.daemon;

import io.blocksync.codec.HmacSha256Tag;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.nativeio.NativeHmacSha256;
import io.blocksync.testkit.Poll;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node computes its link MACs with the engine it is given at start, and with BouncyCastle when given none: no
 * process-wide state decides it, so two nodes in one JVM may differ, and their tags still agree.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeLinkMacsTest
{
    @TempDir
    Path dir;

    @Test
    void eachNodesLinksUseTheEngineItWasGivenAndBouncyCastleWithNone() throws Exception
    {
        final LoopbackCluster files = LoopbackCluster.write(dir, 2, "[bans]\ncapacity = 1000\n");
        final CountingEngine engine = new CountingEngine();
        final NodeConfig config1 = ConfigReader.read(files.configFile(1));
        try (OutputStream logOut = Files.newOutputStream(dir.resolve("nodes.log"));
            EventLog log = new EventLog(logOut);
            Node one = Node.start(config1, log, status -> { }, null, new NodeStart.LinkMacs(engine, "a counting engine"));
            Node two = Node.start(ConfigReader.read(files.configFile(2)), log, status -> { }, null,
                new NodeStart.LinkMacs(null, "BouncyCastle (none given)")))
        {
            Poll.until("both peers up", () -> one.allPeersUp() && two.allPeersUp());

            for (final Peer peer : one.peers())
            {
                assertSame(engine, peer.link().macEngine(), "node 1's link with " + peer.nodeId());
            }
            for (final Peer peer : two.peers())
            {
                assertNull(peer.link().macEngine(), "node 2's link with " + peer.nodeId());
            }
            // Node 1's one link: a sending tag and one receiving tag per pair of keys; node 2 made none with it.
            final int tags = 1 + config1.keys().length * config1.peers().get(0).keys().length;
            assertEquals(tags, engine.inits.get());
            assertTrue(engine.computes.get() > 0, "node 1 sealed and verified its heartbeats with the engine");
        }
        final String log = Files.readString(dir.resolve("nodes.log"));
        assertTrue(log.contains("link MACs by a counting engine"), log);
        assertTrue(log.contains("link MACs by BouncyCastle (none given)"), log);
    }

    @Test
    void theStartUpChoiceIsLibcryptoOrSaysWhyNot()
    {
        final NodeStart.LinkMacs chosen = NodeStart.chooseLinkMacs();
        if (null != chosen.engine)
        {
            assertSame(NativeHmacSha256.engine(), chosen.engine);
            assertEquals("libcrypto", chosen.text);
        }
        else
        {
            assertNotNull(NativeHmacSha256.failure(), "why there is no native engine");
            assertEquals("BouncyCastle (" + NativeHmacSha256.failure() + ")", chosen.text);
        }
    }

    /** HMAC-SHA256 by BouncyCastle over raw memory, counting its calls; a key's state is its length and bytes. */
    private static final class CountingEngine implements HmacSha256Tag.Engine
    {
        final AtomicLong inits = new AtomicLong();
        final AtomicLong computes = new AtomicLong();

        public void init(final byte[] key, final long stateAddress)
        {
            final UnsafeBuffer state = new UnsafeBuffer(stateAddress, STATE_LENGTH);
            state.putInt(0, key.length);
            state.putBytes(4, key);
            inits.incrementAndGet();
        }

        public void compute(final long stateAddress, final long address, final int length, final long digestAddress)
        {
            final UnsafeBuffer state = new UnsafeBuffer(stateAddress, STATE_LENGTH);
            final byte[] key = new byte[state.getInt(0)];
            state.getBytes(4, key);
            final byte[] input = new byte[length];
            new UnsafeBuffer(address, Math.max(1, length)).getBytes(0, input);
            final HMac hmac = new HMac(new SHA256Digest());
            hmac.init(new KeyParameter(key));
            hmac.update(input, 0, length);
            final byte[] digest = new byte[32];
            hmac.doFinal(digest, 0);
            new UnsafeBuffer(digestAddress, digest.length).putBytes(0, digest);
            computes.incrementAndGet();
        }
    }
}
