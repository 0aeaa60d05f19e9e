package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The daemon's own UDP port and the addresses allowed to send to it: the managed nftables and ipset modes accept
 * datagrams to the port from these and drop the rest in the kernel, so a flood from anyone else never reaches the
 * JVM. Immutable.
 * <p>
 * Not restricted ({@link #restricted()} false) when the port is 0, or when a peer is a multicast group: its members
 * send from unicast addresses the configuration does not name, so no source list can be written for them.
 */
public final class PeerPort
{
    /** No restriction: the port is left as it is. */
    public static final PeerPort NONE = new PeerPort(0, List.of(), List.of(), "no listen port given");

    private final int port;
    private final List<String> ipv4;
    private final List<String> ipv6;
    private final String unrestrictedReason;

    private PeerPort(final int port, final List<String> ipv4, final List<String> ipv6, final String unrestrictedReason)
    {
        this.port = port;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.unrestrictedReason = unrestrictedReason;
    }

    /**
     * @param port  the daemon's UDP listen port, 1-65535; 0 for no restriction.
     * @param peers the configured peers' addresses (host prefixes), in config order; duplicates are kept once.
     * @return the restriction, or an unrestricted value naming why (port 0, or a multicast peer).
     * @throws IllegalArgumentException if the port is outside 0-65535.
     */
    public static PeerPort of(final int port, final Collection<IpPrefix> peers)
    {
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("UDP port out of range 0-65535: " + port);
        }
        if (0 == port)
        {
            return NONE;
        }

        final Set<String> ipv4 = new LinkedHashSet<>();
        final Set<String> ipv6 = new LinkedHashSet<>();
        for (final IpPrefix peer : peers)
        {
            if (isMulticast(peer))
            {
                return new PeerPort(0, List.of(), List.of(), "peer " + peer + " is a multicast group, whose " +
                    "members send from addresses the configuration does not name");
            }
            (AddressFamily.IPV4 == peer.family() ? ipv4 : ipv6).add(AddressText.format(peer));
        }

        return new PeerPort(port, List.copyOf(new ArrayList<>(ipv4)), List.copyOf(new ArrayList<>(ipv6)), null);
    }

    /**
     * What a managed backend enforces: nothing when the operator turned it off ({@code restrict-port = no}), else the
     * context's port and peers; a port left open for a multicast peer is logged.
     */
    static PeerPort forManagedBackend(final boolean enabled, final FirewallContext context)
    {
        if (!enabled)
        {
            return NONE;
        }
        final PeerPort peerPort = context.peerPort();
        if (!peerPort.restricted() && 0 != context.listenPort())
        {
            context.log().accept(context.label() + ": firewall: UDP port " + context.listenPort() +
                " left open to every sender: " + peerPort.unrestrictedReason());
        }
        return peerPort;
    }

    /**
     * @return true when datagrams to {@link #port()} from anyone but the peers are to be dropped.
     */
    public boolean restricted()
    {
        return null == unrestrictedReason;
    }

    /**
     * @return why the port is not restricted; null when it is.
     */
    public String unrestrictedReason()
    {
        return unrestrictedReason;
    }

    /**
     * @return the UDP port, 1-65535 when restricted, else 0.
     */
    public int port()
    {
        return port;
    }

    /**
     * @return the IPv4 peers in canonical text ({@code 192.0.2.7}, or {@code 192.0.2.0/24} for a prefix).
     */
    public List<String> ipv4()
    {
        return ipv4;
    }

    /**
     * @return the IPv6 peers in canonical text.
     */
    public List<String> ipv6()
    {
        return ipv6;
    }

    private static boolean isMulticast(final IpPrefix prefix)
    {
        return AddressFamily.IPV4 == prefix.family() ?
            (prefix.addressByte(0) & 0xF0) == 0xE0 :
            prefix.addressByte(0) == 0xFF;
    }
}
