package io.blocksync.daemon.control;

/**
 * Protocol names an operator types, as IANA numbers.
 */
public final class Protocols
{
    private Protocols()
    {
    }

    /** @return the protocol number, 0 for any, or -1 when the text is not understood. */
    public static int parse(final String text)
    {
        switch (text)
        {
            case "any":
                return 0;
            case "icmp":
                return 1;
            case "tcp":
                return 6;
            case "udp":
                return 17;
            case "icmpv6":
                return 58;
            case "sctp":
                return 132;
            default:
                try
                {
                    final int number = Integer.parseInt(text);
                    return number >= 0 && number <= 255 ? number : -1;
                }
                catch (final NumberFormatException ex)
                {
                    return -1;
                }
        }
    }

    public static String name(final int protocol)
    {
        switch (protocol)
        {
            case 0:
                return "any";
            case 1:
                return "icmp";
            case 6:
                return "tcp";
            case 17:
                return "udp";
            case 58:
                return "icmpv6";
            case 132:
                return "sctp";
            default:
                return Integer.toString(protocol);
        }
    }
}
