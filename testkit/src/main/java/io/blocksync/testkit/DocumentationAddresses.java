package io.blocksync.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The only addresses a fixture may configure: the documentation ranges 192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849). Traffic to them can never leave for a real network.
 */
public final class DocumentationAddresses
{
    private static final byte[][] IPV4_NETWORKS = {
        { (byte)192, 0, 2 }, { (byte)198, 51, 100 }, { (byte)203, 0, (byte)113 } };
    private static final byte[] IPV6_NETWORK = { 0x20, 0x01, 0x0d, (byte)0xb8 };

    private DocumentationAddresses()
    {
    }

    /**
     * @param cidr an address with an optional prefix length, e.g. {@code "192.0.2.1/24"} or {@code "2001:db8::1/64"}.
     * @return true if the address, and the whole network its prefix length makes on-link, is documentation space.
     */
    public static boolean contains(final String cidr)
    {
        final int slash = cidr.indexOf('/');
        final String text = slash < 0 ? cidr : cidr.substring(0, slash);
        // Literals only: anything else could make InetAddress look a name up.
        if (text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+"))
        {
            return false;
        }
        final byte[] address;
        try
        {
            address = InetAddress.getByName(text).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            return false;
        }
        final int length = slash < 0 ? address.length * 8 : parseLength(cidr.substring(slash + 1));
        if (4 == address.length)
        {
            for (final byte[] network : IPV4_NETWORKS)
            {
                if (startsWith(address, network) && length >= 24 && length <= 32)
                {
                    return true;
                }
            }
            return false;
        }
        return startsWith(address, IPV6_NETWORK) && length >= 32 && length <= 128;
    }

    /**
     * @param cidr an address with an optional prefix length.
     * @return the same text.
     * @throws IllegalArgumentException if it is not documentation space.
     */
    public static String require(final String cidr)
    {
        if (!contains(cidr))
        {
            throw new IllegalArgumentException(cidr + " is not in a documentation range " +
                "(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)");
        }
        return cidr;
    }

    private static int parseLength(final String text)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static boolean startsWith(final byte[] address, final byte[] network)
    {
        for (int i = 0; i < network.length; i++)
        {
            if (address[i] != network[i])
            {
                return false;
            }
        }
        return true;
    }
}
