package io.blocksync.firewall;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks for names an operator configures (tables, sets, chains, rule names). They end up in tool input, so only
 * plain identifiers are accepted; the error names the setting and what was expected.
 */
final class Names
{
    private static final Pattern NFT_IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern IPSET_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,26}");
    private static final Pattern PF_TABLE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}");
    private static final Pattern ARGUMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,63}");
    private static final List<String> NFT_FAMILIES = List.of("ip", "ip6", "inet");

    private Names()
    {
    }

    static String nftIdentifier(final String setting, final String value)
    {
        return check(setting, value, NFT_IDENTIFIER, "a letter followed by up to 63 letters, digits or '_'");
    }

    static String nftFamily(final String setting, final String value)
    {
        if (!NFT_FAMILIES.contains(value))
        {
            throw new IllegalArgumentException(
                setting + " '" + value + "': expected one of " + String.join(", ", NFT_FAMILIES));
        }

        return value;
    }

    /**
     * ipset allows 31 characters; 27 leaves room for the "-tmp" suffix used to swap sets atomically.
     */
    static String ipsetName(final String setting, final String value)
    {
        return check(setting, value, IPSET_NAME, "1-27 characters from A-Z a-z 0-9 _ . -");
    }

    static String pfTable(final String setting, final String value)
    {
        return check(setting, value, PF_TABLE, "1-31 characters from A-Z a-z 0-9 _ . -");
    }

    static String argument(final String setting, final String value)
    {
        return check(setting, value, ARGUMENT, "1-64 characters from A-Z a-z 0-9 _ . : / -");
    }

    private static String check(final String setting, final String value, final Pattern pattern, final String expected)
    {
        if (null == value || !pattern.matcher(value).matches())
        {
            throw new IllegalArgumentException(setting + " '" + value + "': expected " + expected);
        }

        return value;
    }
}
