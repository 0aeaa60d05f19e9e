package io.blocksync.daemon.config;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Text form of a UDP endpoint: {@code 192.0.2.1:7701} or {@code [2001:db8::1]:7701}. The address must be a literal;
 * a host name is refused and never looked up, so a node never depends on DNS to find its peers.
 */
public final class EndpointText
{
    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;

    private EndpointText()
    {
    }

    /**
     * @param text {@code IPV4:PORT} or {@code [IPV6]:PORT}.
     * @return a resolved address (created from bytes, no lookup).
     * @throws IllegalArgumentException quoting the text and saying what was expected.
     */
    public static InetSocketAddress parse(final String text)
    {
        final String host;
        final int portStart;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0)
            {
                throw new IllegalArgumentException(Quoted.quote(text) + ": missing ']' after the IPv6 address");
            }
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':')
            {
                throw new IllegalArgumentException(Quoted.quote(text) + ": missing ':PORT' after ']'");
            }
            host = text.substring(1, close);
            portStart = close + 2;
        }
        else
        {
            final int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') != colon)
            {
                throw new IllegalArgumentException(Quoted.quote(text) +
                    ": write an IPv6 address in brackets with the port after them, e.g. [2001:db8::1]:7701");
            }
            if (colon < 0)
            {
                throw new IllegalArgumentException(Quoted.quote(text) + ": missing ':PORT', e.g. 192.0.2.1:7701");
            }
            host = text.substring(0, colon);
            portStart = colon + 1;
        }

        final InetAddress address = parseAddress(text, host);
        return new InetSocketAddress(address, parsePort(text, text.substring(portStart)));
    }

    /**
     * @param address to format.
     * @return the text {@link #parse(String)} reads back, e.g. {@code [2001:db8::1]:7701}.
     */
    public static String format(final InetSocketAddress address)
    {
        final byte[] bytes = address.getAddress().getAddress();
        if (bytes.length == AddressFamily.IPV4_ADDRESS_LENGTH)
        {
            return AddressText.formatAddress(AddressFamily.IPV4, bytes) + ":" + address.getPort();
        }

        return "[" + AddressText.formatAddress(AddressFamily.IPV6, bytes) + "]:" + address.getPort();
    }

    private static InetAddress parseAddress(final String text, final String host)
    {
        if (host.isEmpty())
        {
            throw new IllegalArgumentException(Quoted.quote(text) + ": missing address before the port");
        }

        if (host.indexOf('/') >= 0)
        {
            throw new IllegalArgumentException(Quoted.quote(text) + ": expected an address, not a prefix");
        }

        if (looksLikeHostName(host))
        {
            throw new IllegalArgumentException(Quoted.quote(text) + ": " + Quoted.quote(host) +
                " is a host name; write a literal IP address such as 192.0.2.1:7701 (BlockSync never uses DNS)");
        }

        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(host, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }

        final byte[] bytes = prefix.copyAddress();
        try
        {
            return InetAddress.getByAddress(AddressFamily.IPV4 == prefix.family() ? Arrays.copyOf(bytes, 4) : bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("address of a valid length was refused", ex);
        }
    }

    private static int parsePort(final String text, final String port)
    {
        if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            throw new IllegalArgumentException(Quoted.quote(text) + ": port " + Quoted.quote(port) +
                " is not a number " + MIN_PORT + "-" + MAX_PORT);
        }

        final int value = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
        if (value < MIN_PORT || value > MAX_PORT)
        {
            throw new IllegalArgumentException(Quoted.quote(text) + ": port " + port + " is outside " +
                MIN_PORT + "-" + MAX_PORT);
        }

        return value;
    }

    /**
     * Without a ':' it is not IPv6, and an IPv4 literal has no letters, so a letter means a name: "localhost" and
     * "db1.example.net" qualify, "192.0.2.1" and "2001:db8::1" do not.
     */
    private static boolean looksLikeHostName(final String host)
    {
        if (host.indexOf(':') >= 0)
        {
            return false;
        }

        for (int i = 0; i < host.length(); i++)
        {
            final char c = Character.toLowerCase(host.charAt(i));
            if ((c >= 'a' && c <= 'z') || c == '-' || c == '_')
            {
                return true;
            }
        }

        return false;
    }
}
