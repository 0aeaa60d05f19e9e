package io.blocksync.nativeio;

/**
 * The LINKTYPE_ values of capture files (tcpdump.org/linktypes.html) that this module decodes.
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
            default:
                return "unknown";
        }
    }
}
