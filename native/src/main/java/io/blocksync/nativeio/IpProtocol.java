package io.blocksync.nativeio;

/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers"): the IPv4 protocol field and the IPv6 next
 * header, where the IPv6 extension headers have numbers of their own.
 */
public final class IpProtocol
{
    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int DCCP = 33;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int NO_NEXT_HEADER = 59;
    public static final int DESTINATION_OPTIONS = 60;
    public static final int MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;
    public static final int SCTP = 132;
    public static final int UDPLITE = 136;

    private IpProtocol()
    {
    }

    /**
     * @param protocol an IP protocol number.
     * @return true if its header starts with a 16-bit source and destination port: TCP, UDP, UDP-Lite, SCTP, DCCP.
     */
    public static boolean hasPorts(final int protocol)
    {
        return TCP == protocol || UDP == protocol || UDPLITE == protocol || SCTP == protocol || DCCP == protocol;
    }

    /**
     * @param protocol an IP protocol number.
     * @return true for ICMP and ICMPv6, whose header starts with a type and a code byte.
     */
    public static boolean isIcmp(final int protocol)
    {
        return ICMP == protocol || ICMPV6 == protocol;
    }
}
