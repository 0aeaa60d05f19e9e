package io.blocksync.nativeio;

/**
 * The LINKTYPE_ values of capture files (tcpdump.org/linktypes.html) that this module decodes, and one pseudo type
 * for events that come from no capture.
 */
public final class LinkType
{
    /** Raw IPv4 or IPv6, version from the first nibble. */
    public static final int RAW = 101;

    /** OpenBSD pf log: a pfloghdr, then the IP packet. */
    public static final int PFLOG = 117;

    /** Raw IPv4. */
    public static final int IPV4 = 228;

    /** Raw IPv6. */
    public static final int IPV6 = 229;

    /** Linux netfilter log: a 4-byte header, then TLVs. */
    public static final int NFLOG = 239;

    /**
     * Not a capture link type: an address found in a pf table (see {@link PfTableSource}), with the table name in
     * the event's log prefix. Negative so that it can never clash with a LINKTYPE_ value.
     */
    public static final int PF_TABLE = -2;

    private LinkType()
    {
    }

    /**
     * @param linkType a LINKTYPE_ value.
     * @return a short lowercase name, or "unknown"; constants only, never allocates.
     */
    public static String name(final int linkType)
    {
        switch (linkType)
        {
            case RAW:
                return "raw";
            case PFLOG:
                return "pflog";
            case IPV4:
                return "ipv4";
            case IPV6:
                return "ipv6";
            case NFLOG:
                return "nflog";
            case PF_TABLE:
                return "pf-table";
            default:
                return "unknown";
        }
    }
}
