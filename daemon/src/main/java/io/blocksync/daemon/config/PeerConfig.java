package io.blocksync.daemon.config;

import java.net.InetSocketAddress;

/**
 * One {@code [peer ID]} section: a trusted node (or multicast group) this node sends its bans to and accepts
 * bans from.
 */
public final class PeerConfig
{
    private final int nodeId;
    private final String name;
    private final InetSocketAddress address;
    private final int keyId;
    private final byte[] key;

    PeerConfig(final int nodeId, final String name, final InetSocketAddress address, final int keyId, final byte[] key)
    {
        this.nodeId = nodeId;
        this.name = name;
        this.address = address;
        this.keyId = keyId;
        this.key = key.clone();
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
     * @return a literal unicast address or multicast group with its port; never unresolved.
     */
    public InetSocketAddress address()
    {
        return address;
    }

    public int keyId()
    {
        return keyId;
    }

    /**
     * @return a copy of the key that verifies this peer's datagrams.
     */
    public byte[] key()
    {
        return key.clone();
    }

    /**
     * The key is left out on purpose: this text ends up in logs.
     */
    @Override
    public String toString()
    {
        return "peer " + nodeId + " (" + name + ") at " + EndpointText.format(address) + ", key id " + keyId;
    }
}
