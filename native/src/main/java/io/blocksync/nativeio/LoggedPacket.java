package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;

/**
 * The fields of the packet a log line is about, as far as the capture holds them: IP version and addresses, the
 * upper-layer protocol, ports or ICMP type and code. Part of an {@link AttackEvent}, reused with it; a field the
 * packet does not carry is {@link AttackEvent#NONE} (-1).
 */
public final class LoggedPacket
{
    private final IpPrefix source = new IpPrefix();
    private final IpPrefix destination = new IpPrefix();

    private int ipVersion;
    private int protocol;
    private int sourcePort;
    private int destinationPort;
    private int icmpType;
    private int icmpCode;
    private boolean truncated;
    private boolean fragment;

    LoggedPacket()
    {
        reset();
    }

    /**
     * Clear every field to "absent".
     *
     * @return this for chaining.
     */
    public LoggedPacket reset()
    {
        ipVersion = 0;
        protocol = AttackEvent.NONE;
        sourcePort = AttackEvent.NONE;
        destinationPort = AttackEvent.NONE;
        icmpType = AttackEvent.NONE;
        icmpCode = AttackEvent.NONE;
        truncated = false;
        fragment = false;

        return this;
    }

    /**
     * @return 4 or 6 once the addresses are known, else 0.
     */
    public int ipVersion()
    {
        return ipVersion;
    }

    public LoggedPacket ipVersion(final int ipVersion)
    {
        this.ipVersion = ipVersion;
        return this;
    }

    public boolean hasAddresses()
    {
        return 0 != ipVersion;
    }

    /**
     * @return the live source address as a host prefix (/32 or /128); meaningful if {@link #hasAddresses()}.
     */
    public IpPrefix source()
    {
        return source;
    }

    /**
     * @return the live destination address as a host prefix (/32 or /128); meaningful if {@link #hasAddresses()}.
     */
    public IpPrefix destination()
    {
        return destination;
    }

    /**
     * @return upper-layer protocol number (see {@link IpProtocol}) after any IPv6 extension headers, or
     * {@link AttackEvent#NONE}.
     */
    public int protocol()
    {
        return protocol;
    }

    public LoggedPacket protocol(final int protocol)
    {
        this.protocol = protocol;
        return this;
    }

    /**
     * @return source port 0-65535, or {@link AttackEvent#NONE} for a protocol without ports, a later fragment or
     * a packet cut short.
     */
    public int sourcePort()
    {
        return sourcePort;
    }

    public LoggedPacket sourcePort(final int sourcePort)
    {
        this.sourcePort = sourcePort;
        return this;
    }

    /**
     * @return destination port 0-65535, or {@link AttackEvent#NONE}.
     */
    public int destinationPort()
    {
        return destinationPort;
    }

    public LoggedPacket destinationPort(final int destinationPort)
    {
        this.destinationPort = destinationPort;
        return this;
    }

    /**
     * @return ICMP or ICMPv6 type, or {@link AttackEvent#NONE}.
     */
    public int icmpType()
    {
        return icmpType;
    }

    public LoggedPacket icmpType(final int icmpType)
    {
        this.icmpType = icmpType;
        return this;
    }

    /**
     * @return ICMP or ICMPv6 code, or {@link AttackEvent#NONE}.
     */
    public int icmpCode()
    {
        return icmpCode;
    }

    public LoggedPacket icmpCode(final int icmpCode)
    {
        this.icmpCode = icmpCode;
        return this;
    }

    /**
     * @return true if the capture holds less of the packet than its IP length says (a small snap length).
     */
    public boolean isTruncated()
    {
        return truncated;
    }

    public LoggedPacket truncated(final boolean truncated)
    {
        this.truncated = truncated;
        return this;
    }

    /**
     * @return true if the packet is an IP fragment, first or later.
     */
    public boolean isFragment()
    {
        return fragment;
    }

    public LoggedPacket fragment(final boolean fragment)
    {
        this.fragment = fragment;
        return this;
    }
}
