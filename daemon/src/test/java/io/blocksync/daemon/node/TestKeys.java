package io.blocksync.daemon.node;

import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReplayWindow;
import io.blocksync.daemon.config.KeyText;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;

import java.util.Arrays;

/**
 * Deterministic key pairs for tests: node N's private key (key id 1) is 32 bytes of N, so every fixture and test
 * derives the same keys and links for the same node ids without files.
 */
public final class TestKeys
{
    public static final int KEY_ID = 1;

    private TestKeys()
    {
    }

    /** Node {@code nodeId}'s private key with id {@link #KEY_ID}. */
    public static NodeKey nodeKey(final int nodeId)
    {
        return nodeKey(nodeId, KEY_ID);
    }

    /** Node {@code nodeId}'s private key with this id: a seed of {@code nodeId + 16 * (keyId - 1)} bytes. */
    public static NodeKey nodeKey(final int nodeId, final int keyId)
    {
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        Arrays.fill(seed, (byte)(nodeId + 16 * (keyId - KEY_ID)));
        return NodeKey.fromSeed(keyId, seed);
    }

    /** Node {@code nodeId}'s public key with id {@link #KEY_ID}, as its peers hold it. */
    public static PeerKey peerKey(final int nodeId)
    {
        return nodeKey(nodeId).peerKey();
    }

    /** The public key line ({@code base64:...}) of a private key line, as {@code blocksync keygen --public} prints it. */
    public static String publicText(final String privateKeyText)
    {
        return KeyText.encode(KeyText.privateKey(KEY_ID, KeyText.decode(privateKeyText)).publicKey());
    }

    /**
     * The link a configured node has to one of its peers, as its daemon makes it: for a test that poses as that node
     * (it reads the node's own config, which holds its private key).
     */
    public static PeerLink link(final NodeConfig node, final int peerId)
    {
        final PeerConfig peer = node.peers().stream().filter(p -> p.nodeId() == peerId).findFirst().orElseThrow();
        return new PeerLink(node.nodeId(), node.keys(), peerId, peer.keys(), new ReplayWindow());
    }

    /** The link of {@code nodeId} to {@code peerId}, each with its one key, and a fresh replay window. */
    public static PeerLink link(final int nodeId, final int peerId)
    {
        return link(nodeId, peerId, new ReplayWindow());
    }

    /** The link of {@code nodeId} to {@code peerId}, each with its one key, remembering sequences in {@code window}. */
    public static PeerLink link(final int nodeId, final int peerId, final ReplayWindow window)
    {
        return new PeerLink(nodeId, new NodeKey[] { nodeKey(nodeId) }, peerId, new PeerKey[] { peerKey(peerId) }, window);
    }
}
