package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

/**
 * An object name and a prefix as a map key: one {@link KernelElement}. Mutable for look-ups; keys held in maps are
 * copies.
 */
final class ElementKey
{
    private String object;
    private final IpPrefix prefix;

    ElementKey()
    {
        this.prefix = new IpPrefix();
    }

    /**
     * A stored key over an element's own prefix (never changed), so a key costs no second copy of it.
     */
    ElementKey(final String object, final IpPrefix shared)
    {
        this.object = object;
        this.prefix = shared;
    }

    ElementKey set(final String object, final IpPrefix prefix)
    {
        this.object = object;
        this.prefix.set(prefix);
        return this;
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
