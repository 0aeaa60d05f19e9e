package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

/**
 * Identity of a ban towards the firewall: prefix and reason (pf keeps one table per reason, so the same prefix under
 * two reasons is two entries). Mutable so one instance can serve for look-ups; keys held in maps are copies.
 */
final class BanKey
{
    final IpPrefix prefix = new IpPrefix();
    long reason;

    BanKey set(final FirewallChange change)
    {
        prefix.set(change.prefix());
        reason = change.reason();

        return this;
    }

    BanKey copy()
    {
        final BanKey copy = new BanKey();
        copy.prefix.set(prefix);
        copy.reason = reason;

        return copy;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof BanKey && ((BanKey)o).reason == reason && ((BanKey)o).prefix.equals(prefix);
    }

    @Override
    public int hashCode()
    {
        return 31 * prefix.hashCode() + Long.hashCode(reason);
    }
}
