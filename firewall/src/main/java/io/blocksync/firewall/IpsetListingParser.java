package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.CommandResult;

import java.util.List;

/**
 * Reads {@code ipset list SET}: after {@code Members:}, one member a line ({@code 192.0.2.2 timeout 598},
 * {@code 198.51.100.0/24 timeout 0}); timeout 0 is permanent.
 */
final class IpsetListingParser
{
    private IpsetListingParser()
    {
    }

    /**
     * One {@code ipset list SET} per set.
     *
     * @throws FirewallException with ipset's own message if a set cannot be listed.
     */
    static KernelListing list(final Tool ipset, final List<String> sets)
    {
        final KernelListing listing = new KernelListing();
        for (final String set : sets)
        {
            final CommandResult result = ipset.run("list", set);
            if (0 != result.exitStatus())
            {
                throw new FirewallException(IpsetScripts.describe(ipset, result));
            }
            addMembers(listing, set, result.output());
        }
        return listing;
    }

    /**
     * Declare the set in the listing and add its members; lines that are not members are skipped.
     */
    static void addMembers(final KernelListing listing, final String set, final String output)
    {
        listing.object(set);
        final int members = output.indexOf("Members:");
        if (members < 0)
        {
            return;
        }
        final IpPrefix prefix = new IpPrefix();
        for (final String line : output.substring(members + "Members:".length()).split("\n"))
        {
            final String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty() || null != AddressText.parse(words[0], prefix, 32, 128))
            {
                continue;
            }
            long left = KernelListing.PERMANENT;
            for (int i = 0; i + 1 < words.length; i++)
            {
                if ("timeout".equals(words[i]))
                {
                    final long seconds = Long.parseLong(words[i + 1]);
                    left = 0 == seconds ? KernelListing.PERMANENT : seconds;
                }
            }
            listing.add(set, prefix, left);
        }
    }
}
