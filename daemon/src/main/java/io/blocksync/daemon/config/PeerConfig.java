package io.blocksync.daemon.config;

import io.blocksync.codec.PeerKey;

import java.net.InetSocketAddress;

/**
 * One {@code [peer ID]} section: a trusted node this node sends its bans to and accepts
 * bans from.
 */
public final class PeerConfig
{
    private final int nodeId;
    private final String name;
    private final InetSocketAddress address;
    private final PeerKey[] keys;

    PeerConfig(final int nodeId, final String name, final InetSocketAddress address, final PeerKey[] keys)
    {
        this.nodeId = nodeId;
        this.name = name;
        this.address = address;
        this.keys = keys.clone();
    }

    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return the configured name, or "node" followed by the id.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return a literal unicast address with its port; never unresolved.
     */
    public InetSocketAddress address()
    {
        return address;
    }

    /** The id of the peer's current key ({@code key-id}). */
    public int keyId()
    {
        return keys[0].keyId();
    }

    /**
     * @return the peer's public keys, one or two: its current key ({@code key-id}), then its next one
     * ({@code next-key-id}) when configured; a fresh array.
     */
    public PeerKey[] keys()
    {
        return keys.clone();
    }

    @Override
    public String toString()
    {
        return "peer " + nodeId + " (" + name + ") at " + EndpointText.format(address) + ", key id " + keyId() +
            (keys.length > 1 ? ", next key id " + keys[1].keyId() : "");
    }
}
