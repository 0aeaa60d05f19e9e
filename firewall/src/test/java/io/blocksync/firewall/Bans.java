package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;

import java.util.ArrayList;
import java.util.List;

/**
 * Builders for test changes.
 */
final class Bans
{
    static final long SSH = ReasonCode.of("ssh").id();

    private Bans()
    {
    }

    static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return prefix;
    }

    /**
     * @return a ban of the prefix for the reason, any protocol and port.
     */
    static Ban ban(final String prefix, final long reason)
    {
        return new Ban().prefix(prefix(prefix)).reason(reason);
    }

    static Ban ban(final String prefix, final long reason, final int protocol, final int port)
    {
        return ban(prefix, reason).protocol(protocol).port(port);
    }

    static FirewallChange change(final FirewallChange.Op op, final Ban ban, final long timeoutSeconds)
    {
        return new FirewallChange().set(op, ban, timeoutSeconds);
    }

    static FirewallChange add(final String prefix, final long timeoutSeconds)
    {
        return change(FirewallChange.Op.ADD, ban(prefix, SSH), timeoutSeconds);
    }

    static FirewallChange add(final String prefix, final long timeoutSeconds, final String reason)
    {
        return change(FirewallChange.Op.ADD, ban(prefix, ReasonCode.of(reason).id()), timeoutSeconds);
    }

    static FirewallChange remove(final String prefix)
    {
        return change(FirewallChange.Op.REMOVE, ban(prefix, SSH), 0);
    }

    static FirewallChange remove(final String prefix, final String reason)
    {
        return change(FirewallChange.Op.REMOVE, ban(prefix, ReasonCode.of(reason).id()), 0);
    }

    /**
     * @return count distinct host bans in 10.0.0.0/8 (IPv4) or 2001:db8:ff00::/40 (IPv6), for bulk loads.
     */
    static List<FirewallChange> bulk(final int count, final boolean ipv6, final long timeoutSeconds)
    {
        final List<FirewallChange> bans = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final String text = ipv6 ?
                String.format("2001:db8:ff00::%x:%x", i >>> 16, i & 0xFFFF) :
                "10." + ((i >>> 16) & 0xFF) + "." + ((i >>> 8) & 0xFF) + "." + (i & 0xFF);
            bans.add(add(text, timeoutSeconds));
        }
        return bans;
    }
}
