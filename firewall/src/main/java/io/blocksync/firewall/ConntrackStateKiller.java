package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.CommandRunner;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletes conntrack entries of newly banned sources ({@code conntrack -D -s ADDR [--mask-src MASK]}), so that
 * nothing keyed on an existing connection outlives the ban. Optional on Linux: the managed drop rules already match
 * every packet from a banned source, established or not.
 */
final class ConntrackStateKiller
{
    private final Tool conntrack;

    ConntrackStateKiller(final CommandRunner runner, final List<String> commandPrefix)
    {
        this.conntrack = new Tool(runner, commandPrefix, "conntrack", "install conntrack");
    }

    /**
     * @throws FirewallException if conntrack is missing or not permitted.
     */
    void start()
    {
        conntrack.runOrThrow("-C");
    }

    /**
     * Kill states for every ADD in the batch that puts a new element into the kernel (not for a refresh). Failures are ignored: the ban is already in place and conntrack exits 1
     * when there was nothing to delete.
     */
    void kill(final List<FirewallChange> batch)
    {
        for (int i = 0, size = batch.size(); i < size; i++)
        {
            final FirewallChange change = batch.get(i);
            if (FirewallChange.Op.ADD == change.op() && change.fresh())
            {
                conntrack.run(arguments(change.ban().prefix()), null);
            }
        }
    }

    static List<String> arguments(final IpPrefix prefix)
    {
        final int family = prefix.family();
        final List<String> args = new ArrayList<>(8);
        args.add("-D");
        args.add("-f");
        args.add(AddressFamily.IPV4 == family ? "ipv4" : "ipv6");
        args.add("-s");
        args.add(AddressText.formatAddress(family, prefix.copyAddress()));
        if (prefix.prefixLength() < AddressFamily.maxPrefixLength(family))
        {
            args.add("--mask-src");
            args.add(AddressText.formatAddress(family, mask(family, prefix.prefixLength())));
        }

        return args;
    }

    private static byte[] mask(final int family, final int prefixLength)
    {
        final byte[] mask = new byte[AddressFamily.ADDRESS_FIELD_LENGTH];
        final int length = AddressFamily.addressLength(family);
        for (int i = 0; i < length; i++)
        {
            final int bits = Math.max(0, Math.min(8, prefixLength - 8 * i));
            mask[i] = (byte)(0xFF << (8 - bits));
        }

        return mask;
    }
}
