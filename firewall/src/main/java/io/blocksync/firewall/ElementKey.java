package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

/**
 * An object name and a prefix as a map key: one {@link KernelElement}. Mutable for look-ups; keys held in maps are
 * copies.
 */
final class ElementKey
{
    private String object;
    private final IpPrefix prefix = new IpPrefix();

    ElementKey set(final String object, final IpPrefix prefix)
    {
        this.object = object;
        this.prefix.set(prefix);
        return this;
    }

    ElementKey copy()
    {
        return new ElementKey().set(object, prefix);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ElementKey && ((ElementKey)o).object.equals(object) && ((ElementKey)o).prefix.equals(prefix);
    }

    @Override
    public int hashCode()
    {
        return 31 * prefix.hashCode() + object.hashCode();
    }
}
