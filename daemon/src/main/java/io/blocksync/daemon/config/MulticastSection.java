package io.blocksync.daemon.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * [multicast]: the LAN group this node joins (see {@link MulticastConfig}). {@code group} and {@code interface} are
 * required, {@code members} lists configured peer ids (comma or space separated); {@code port} defaults to 7901 and
 * {@code ttl} to 1. A group outside the multicast ranges, a member that is not a configured peer or is this node, and an
 * interface this host does not have are errors.
 */
final class MulticastSection
{
    static final String NAME = "multicast";

    private MulticastSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config)
    {
        final InetAddress group = reader.required("group", MulticastSection::parseGroup);
        final int port = reader.value("port", Values.integer(1, 65535), MulticastConfig.DEFAULT_PORT);
        final String interfaceName = reader.required("interface", MulticastSection::parseInterface);
        final int ttl = reader.value("ttl", Values.integer(1, 255), MulticastConfig.DEFAULT_TTL);
        final int[] members = reader.required("members", text -> parseMembers(text, config));
        reader.finish();
        if (null == group || null == interfaceName || null == members)
        {
            return;
        }
        final String scope = scopeWarning(group);
        if (null != scope)
        {
            reader.warningAt(scope, "group");
        }
        if (ttl > 1)
        {
            reader.warningAt("ttl: " + ttl + " lets group datagrams cross routers; 1 keeps them on the link", "ttl");
        }
        config.multicast = new MulticastConfig(new InetSocketAddress(group, port), interfaceName, ttl, members);
    }

    /**
     * Null when the group is scoped to stay within a site: IPv4 239.0.0.0/8, administratively scoped (RFC 2365); IPv6
     * scope 2 link-local, 4 admin-local, 5 site-local or 8 organization-local (RFC 4291 §2.7, RFC 7346). Otherwise a
     * warning: routers may carry such a group beyond the organisation (with a TTL above 1), and its addresses are
     * assigned to others (IANA).
     */
    static String scopeWarning(final InetAddress group)
    {
        final byte[] bytes = group.getAddress();
        if (bytes.length == 4)
        {
            return (bytes[0] & 0xFF) == 239 ? null : "group: " + group.getHostAddress() + " is not administratively " +
                "scoped (239.0.0.0/8, RFC 2365): it may be carried beyond this site and belong to others; use e.g. " +
                "239.255.42.1";
        }
        final int scope = bytes[1] & 0x0F;
        return scope == 2 || scope == 4 || scope == 5 || scope == 8 ? null : "group: " + group.getHostAddress() +
            " has IPv6 multicast scope " + Integer.toHexString(scope) + ", not link (2), admin (4), site (5) or " +
            "organization (8) local (RFC 4291 section 2.7): it may be carried beyond this site; use e.g. ff15::42";
    }

    private static InetAddress parseGroup(final String text)
    {
        final InetAddress address = EndpointText.parse(text.contains(":") && !text.startsWith("[") ? "[" + text + "]:1" : text + ":1").getAddress();
        if (!address.isMulticastAddress())
        {
            throw new IllegalArgumentException(Quoted.quote(text) + " is not a multicast group; use an administratively " +
                "scoped one such as 239.255.42.1 or ff15::42");
        }
        return address;
    }

    private static String parseInterface(final String text)
    {
        try
        {
            if (null == NetworkInterface.getByName(text))
            {
                throw new IllegalArgumentException(Quoted.quote(text) + " is not an interface of this host (see ip link)");
            }
        }
        catch (final SocketException ex)
        {
            throw new IllegalArgumentException("cannot list this host's interfaces: " + ex.getMessage());
        }
        return text;
    }

    private static int[] parseMembers(final String text, final NodeConfig.Builder config)
    {
        final Set<Integer> ids = new LinkedHashSet<>();
        for (final String part : text.trim().split("[,\\s]+"))
        {
            final int id = Values.integer(1, Integer.MAX_VALUE).parse(part);
            if (id == config.nodeId)
            {
                continue;
            }
            if (config.peers.stream().noneMatch(peer -> peer.nodeId() == id))
            {
                throw new IllegalArgumentException(id + " is not a configured [peer " + id + "]; every member needs " +
                    "its own [peer] section (address and keys)");
            }
            if (!ids.add(id))
            {
                throw new IllegalArgumentException(id + " is listed twice");
            }
        }
        if (ids.isEmpty())
        {
            throw new IllegalArgumentException("no other member; list the peer ids that share the group");
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
