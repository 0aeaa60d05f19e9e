package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;

import java.util.List;

/**
 * How the ipset backend looks at the kernel without changing it: the set-name check ({@link #intact}), the check
 * of an operator's existing set ({@link #checkExistingSet}), and the full check's {@code ipset list SET} processes
 * ({@link #list}, {@link #openReader}). Split from {@link IpsetBackend}, which writes.
 */
final class IpsetInspection
{
    private final Tool ipset;

    IpsetInspection(final Tool ipset)
    {
        this.ipset = ipset;
    }

    /**
     * The sets exist (one line per set name, no elements).
     *
     * @throws FirewallException if the listing failed.
     */
    boolean intact(final ScriptChannel channel, final List<String> sets)
    {
        final CommandResult result = channel.query(false, "list", "-n");
        if (0 != result.exitStatus())
        {
            throw new FirewallException(IpsetScripts.describe(ipset, result));
        }
        final List<String> names = List.of(result.output().split("\n"));
        for (final String set : sets)
        {
            if (!names.contains(set))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * An operator's set must be {@code hash:net} with timeouts; none named (null) is fine.
     *
     * @throws FirewallException if it cannot be read or has the wrong type.
     */
    void checkExistingSet(final ScriptChannel channel, final String set)
    {
        if (null == set)
        {
            return;
        }

        final CommandResult result = channel.query(false, "list", "-t", set);
        if (0 != result.exitStatus())
        {
            throw new FirewallException("ipset set '" + set + "' cannot be read: " + IpsetScripts.describe(ipset, result));
        }

        final String header = result.output();
        if (!header.contains("hash:net") || !header.contains(" timeout "))
        {
            throw new FirewallException("ipset set '" + set + "' must be 'hash:net' created with 'timeout' " +
                "(prefix bans and kernel expiry depend on it)");
        }
    }

    /**
     * Each set's members ({@code 192.0.2.2 timeout 598}) through one {@code ipset list SET} process per set (the
     * session's text buffer is capped at 1 MiB; a 100,000-member listing is megabytes).
     */
    KernelListing list(final List<String> sets)
    {
        return IpsetListingParser.list(ipset, sets);
    }

    /**
     * The same processes from the listing thread: they share nothing with the worker's session.
     */
    KernelReader openReader(final List<String> sets)
    {
        return new KernelReader()
        {
            @Override
            public KernelListing list()
            {
                return IpsetListingParser.list(ipset, sets);
            }

            @Override
            public String description()
            {
                return "ipset list processes";
            }

            @Override
            public void close()
            {
            }
        };
    }
}
