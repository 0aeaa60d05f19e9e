package io.blocksync.codec;

/**
 * Address family codes as carried on the wire. Addresses are always held in a 16-byte field in network byte
 * order; an IPv4 address fills the first 4 bytes and the rest are zero.
 */
public final class AddressFamily
{
    public static final int IPV4 = 4;
    public static final int IPV6 = 6;

    public static final int ADDRESS_FIELD_LENGTH = 16;
    public static final int IPV4_ADDRESS_LENGTH = 4;
    public static final int IPV6_ADDRESS_LENGTH = 16;

    private AddressFamily()
    {
    }

    public static boolean isValid(final int family)
    {
        return family == IPV4 || family == IPV6;
    }

    public static int maxPrefixLength(final int family)
    {
        return family == IPV4 ? 32 : 128;
    }

    public static int addressLength(final int family)
    {
        return family == IPV4 ? IPV4_ADDRESS_LENGTH : IPV6_ADDRESS_LENGTH;
    }
}
