package io.blocksync.firewall;

import io.blocksync.codec.Ban;

/**
 * A {@link Ban} as a map key towards the firewall: equal when prefix and reason are (pf keeps one table per reason,
 * so the same prefix under two reasons is two entries). The other fields ride along and may change while the key is
 * held in a map, as they take no part in equality. Mutable so one instance can serve for look-ups; keys held in maps
 * are copies.
 */
final class BanKey
{
    private final Ban ban = new Ban();

    /**
     * @param ban copied, every field.
     */
    BanKey set(final Ban ban)
    {
        this.ban.set(ban);

        return this;
    }

    /**
     * @return the ban this key holds; change only the fields outside equality (protocol, port, times).
     */
    Ban ban()
    {
        return ban;
    }

    BanKey copy()
    {
        return new BanKey().set(ban);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof BanKey && ((BanKey)o).ban.reason() == ban.reason() &&
            ((BanKey)o).ban.prefix().equals(ban.prefix());
    }

    @Override
    public int hashCode()
    {
        return 31 * ban.prefix().hashCode() + Long.hashCode(ban.reason());
    }
}
