package io.blocksync.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the managed ipset sets are still what managed mode creates ({@code hash:net}, the family, a timeout in the
 * header), read from {@code ipset list -t} (ipset(8): headers only, no members, so the cost does not grow with the
 * bans). A set re-created by hand under our name with another type or without timeouts keeps its name, so a check of
 * names alone would never repair it, and {@code create -exist} over it fails.
 */
final class IpsetHeader
{
    private static final String TYPE = "hash:net";

    private IpsetHeader()
    {
    }

    /**
     * @param terse the {@code ipset list -t} output: per set {@code Name:}, {@code Type:}, {@code Header: family inet
     *              ... timeout 0 ...} lines.
     * @param set4  the IPv4 set's name, or null.
     * @param set6  the IPv6 set's name, or null.
     * @return the sets that exist defined otherwise (a missing one is not listed: creating it is enough), empty when
     * both are as created.
     */
    static List<String> mismatched(final String terse, final String set4, final String set6)
    {
        final List<String> mismatched = new ArrayList<>(2);
        if (null != set4 && !matches(terse, set4, "inet"))
        {
            mismatched.add(set4);
        }
        if (null != set6 && !matches(terse, set6, "inet6"))
        {
            mismatched.add(set6);
        }
        return mismatched;
    }

    private static boolean matches(final String terse, final String set, final String family)
    {
        String type = null;
        String header = null;
        boolean inSet = false;
        boolean found = false;
        for (final String raw : terse.split("\n"))
        {
            final String line = raw.trim();
            if (line.startsWith("Name: "))
            {
                inSet = line.substring("Name: ".length()).trim().equals(set);
                found |= inSet;
            }
            else if (inSet && line.startsWith("Type: "))
            {
                type = line.substring("Type: ".length()).trim();
            }
            else if (inSet && line.startsWith("Header: "))
            {
                header = " " + line.substring("Header: ".length()).trim() + " ";
            }
        }
        return !found || TYPE.equals(type) && null != header && header.contains(" family " + family + " ") &&
            header.contains(" timeout ");
    }
}
