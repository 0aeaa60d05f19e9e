package io.blocksync.testkit;

/**
 * One L2 segment: a bridge {@code br0} in a namespace of its own, which hosts in other namespaces join through veth
 * pairs. Made by {@link NetworkNamespaces#bridge(String)}, deleted with it.
 */
public final class BridgeSegment
{
    /** Hosts made by {@link #host(int)} get {@code IPV4_NETWORK.N/24}. */
    public static final String IPV4_NETWORK = "192.0.2";
    /** Hosts made by {@link #host(int)} get {@code IPV6_NETWORK::N/64}. */
    public static final String IPV6_NETWORK = "2001:db8:a";

    private final NetworkNamespaces namespaces;
    private final String ns;
    private int ports;

    BridgeSegment(final NetworkNamespaces namespaces, final String ns)
    {
        this.namespaces = namespaces;
        this.ns = ns;
        namespaces.must(ns, "ip", "link", "add", "br0", "type", "bridge");
        namespaces.up(ns, "br0");
    }

    /**
     * @return the namespace that holds the bridge.
     */
    public String namespace()
    {
        return ns;
    }

    /**
     * Join a namespace to the segment: a veth pair whose bridge end is a port of {@code br0}.
     *
     * @param hostNs     the namespace joining.
     * @param hostDevice its end's interface name there, e.g. {@code "eth0"}; up, without addresses.
     */
    public void attach(final String hostNs, final String hostDevice)
    {
        final String port = "v" + (++ports);
        namespaces.veth(ns, port, hostNs, hostDevice);
        namespaces.must(ns, "ip", "link", "set", port, "master", "br0");
    }

    /**
     * Host N on the segment: a namespace {@code bshN-SUFFIX} whose {@code eth0} has 192.0.2.N/24 and
     * 2001:db8:a::N/64 (N's decimal digits: host 12 gets 2001:db8:a::12).
     *
     * @param n the host number, 1 to 254.
     * @return the host's namespace name.
     */
    public String host(final int n)
    {
        if (n < 1 || n > 254)
        {
            throw new IllegalArgumentException("host number " + n + " is outside 1-254");
        }
        final String hostNs = namespaces.create("bsh" + n);
        attach(hostNs, "eth0");
        namespaces.address(hostNs, "eth0", IPV4_NETWORK + "." + n + "/24");
        namespaces.address(hostNs, "eth0", IPV6_NETWORK + "::" + n + "/64");
        return hostNs;
    }
}
