package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.CommandResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The nftables backend's sets and which one a prefix goes to. Managed mode: IPv4 and IPv6 hosts into plain timeout
 * sets ({@value NftablesBackend#HOST4}, {@value NftablesBackend#HOST6}), IPv6 /64s into {@value NftablesBackend#NET6_64}
 * (matched through a mask), other prefixes into the interval sets; existing-set mode: the two named interval sets.
 */
final class NftSets
{
    private static final int IPV6_SUBNET = 64;

    private final String tableReference;
    private final NftSetModel host4;
    private final NftSetModel host6;
    private final NftSetModel net6at64;
    private final NftSetModel net4;
    private final NftSetModel net6;
    private final List<NftSetModel> sets = new ArrayList<>();

    NftSets(final NftablesSettings settings, final String tableReference)
    {
        this.tableReference = tableReference;
        final boolean managed = settings.managed;
        host4 = managed ? model(NftablesBackend.HOST4, false) : null;
        host6 = managed ? model(NftablesBackend.HOST6, false) : null;
        net6at64 = managed ? model(NftablesBackend.NET6_64, false) : null;
        net4 = managed || null != settings.set4 ? model(settings.set4, true) : null;
        net6 = managed || null != settings.set6 ? model(settings.set6, true) : null;
    }

    /**
     * @return every set, in a fixed order (the order scripts write them in).
     */
    List<NftSetModel> all()
    {
        return sets;
    }

    /**
     * @param reference {@code family table set}.
     * @throws FirewallException if no set of this configuration has that reference.
     */
    NftSetModel model(final String reference)
    {
        for (final NftSetModel set : sets)
        {
            if (set.reference().equals(reference))
            {
                return set;
            }
        }
        throw new FirewallException("no nftables set '" + reference + "' in this configuration");
    }

    /**
     * @return the length a listed element of the set stands for: 64 for the /64 set (listed as bare addresses), else
     * 0 (the listing gives it).
     */
    int addressLength(final NftSetModel set)
    {
        return set == net6at64 ? IPV6_SUBNET : 0;
    }

    /**
     * @throws FirewallException if no set is configured for the prefix's family.
     */
    NftSetModel setFor(final IpPrefix prefix)
    {
        final NftSetModel set = setForOrNull(prefix);
        if (null == set)
        {
            throw new FirewallException("no nftables set configured for IPv" + prefix.family() + " bans (" +
                prefix + "); name one in the nftables backend settings");
        }
        return set;
    }

    NftSetModel setForOrNull(final IpPrefix prefix)
    {
        final int length = prefix.prefixLength();
        if (AddressFamily.IPV4 == prefix.family())
        {
            return null != host4 && 32 == length ? host4 : net4;
        }
        if (null != host6 && 128 == length)
        {
            return host6;
        }

        return null != net6at64 && IPV6_SUBNET == length ? net6at64 : net6;
    }

    private NftSetModel model(final String name, final boolean interval)
    {
        final NftSetModel set = new NftSetModel(tableReference + " " + name, interval, !interval);
        sets.add(set);
        return set;
    }

    /**
     * Lists every set ({@code list set FAMILY TABLE SET}) through the channel.
     *
     * @throws FirewallException with nft's own message if a set cannot be listed.
     */
    KernelListing list(final ScriptChannel channel, final Tool nft)
    {
        final KernelListing listing = new KernelListing();
        for (final NftSetModel set : sets)
        {
            NftListingParser.addTo(listing, set.reference(), listSet(channel, nft, set, false), addressLength(set));
        }
        return listing;
    }

    /**
     * Take a listing into each set's model.
     */
    void adopt(final KernelListing listing, final KernelListing.Changed changed, final long nowMs)
    {
        for (final NftSetModel set : sets)
        {
            set.adopt(listing, listing.indexOf(set.reference()), changed, nowMs);
        }
    }

    /**
     * @return commands deleting every interval the listing shows that is not a prefix ({@link KernelListing#addRange}),
     * exactly as listed: blocksync writes only prefixes and owns its sets' contents; "" when there is none.
     */
    String rangeDeletes(final KernelListing listing)
    {
        final StringBuilder script = new StringBuilder();
        for (final NftSetModel set : sets)
        {
            final int object = listing.indexOf(set.reference());
            final int count = object < 0 ? 0 : listing.rangeCount(object);
            for (int i = 0; i < count; i++)
            {
                script.append(0 == i ? "delete element " + set.reference() + " { " : ", ").append(listing.range(object, i));
            }
            if (count > 0)
            {
                script.append(" }\n");
            }
        }
        return script.toString();
    }

    /**
     * Existing-set mode: each named set must exist, have {@code flags interval, timeout} and no {@code auto-merge}.
     * The kernel merges adjacent elements of an auto-merge set (two /25 bans become one /24, two neighbouring hosts
     * one range), and nft 1.0.6 cannot then delete one of them ("element does not exist"): an unban would fail, and
     * every full check would find a range nobody banned.
     *
     * @throws FirewallException saying which set and what it lacks or must not have.
     */
    void checkExisting(final ScriptChannel channel, final Tool nft)
    {
        for (final NftSetModel set : sets)
        {
            boolean flags = false;
            boolean autoMerge = false;
            for (final String line : listSet(channel, nft, set, true).split("\n"))
            {
                final String trimmed = line.trim().toLowerCase(Locale.ROOT);
                flags |= trimmed.startsWith("flags ") && trimmed.contains("interval") && trimmed.contains("timeout");
                autoMerge |= "auto-merge".equals(trimmed);
            }
            if (!flags)
            {
                throw new FirewallException("nftables set '" + set.reference() + "' needs 'flags interval, timeout' " +
                    "(prefix bans and kernel expiry depend on them)");
            }
            if (autoMerge)
            {
                throw new FirewallException("nftables set '" + set.reference() + "' must not have 'auto-merge' (the " +
                    "kernel merges adjacent bans and nft cannot then remove one of them); create it without");
            }
        }
    }

    private static String listSet(final ScriptChannel channel, final Tool nft, final NftSetModel set, final boolean check)
    {
        final String[] words = set.reference().split(" ");
        final CommandResult result = channel.query(false, "list", "set", words[0], words[1], words[2]);
        if (0 != result.exitStatus())
        {
            throw new FirewallException(check ?
                "nftables set '" + set.reference() + "' cannot be read: " + nft.failure(result) :
                NftErrors.describe(nft, result));
        }
        return result.output();
    }
}
