package io.blocksync.daemon.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The {@code [multicast]} section: the LAN group this node joins and multicasts its own decisions to, once per
 * datagram for every member (docs/PROTOCOL.md, "Multicast"). Members are configured peers; everything else about
 * them (address, keys, heartbeats, ACKs, SYNC) stays unicast.
 */
public final class MulticastConfig
{
    /** Hop limit by default: the group never leaves the link. */
    public static final int DEFAULT_TTL = 1;
    public static final int DEFAULT_PORT = 7901;

    private final InetSocketAddress group;
    private final String interfaceName;
    private final int ttl;
    private final int[] members;

    MulticastConfig(final InetSocketAddress group, final String interfaceName, final int ttl, final int[] members)
    {
        this.group = group;
        this.interfaceName = interfaceName;
        this.ttl = ttl;
        this.members = members.clone();
    }

    /** The group address (IPv4 224.0.0.0/4 or IPv6 ff00::/8) and UDP port. */
    public InetSocketAddress group()
    {
        return group;
    }

    public InetAddress groupAddress()
    {
        return group.getAddress();
    }

    /** The name of the network interface the group is joined and sent on ({@code ip link} names: {@code br0}, {@code eth1}). */
    public String interfaceName()
    {
        return interfaceName;
    }

    /** IPv4 TTL / IPv6 hop limit of every group datagram, 1-255 (1: this link only). */
    public int ttl()
    {
        return ttl;
    }

    /** Node ids of the other members, each a configured peer; a fresh array. */
    public int[] members()
    {
        return members.clone();
    }

    public boolean isMember(final int nodeId)
    {
        for (final int member : members)
        {
            if (member == nodeId)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "multicast group " + EndpointText.format(group) + " on " + interfaceName + ", ttl " + ttl +
            ", " + members.length + " other member(s)";
    }
}
