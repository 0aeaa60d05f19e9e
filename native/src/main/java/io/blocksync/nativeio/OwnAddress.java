package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;

import java.util.Objects;

/**
 * One address of this host: an interface (by index, with its name when known) and the address as a host prefix
 * (/32 or /128). Equal by interface index and address, so the same address on two interfaces is two entries and
 * stays this host's until both are gone. Immutable once handed out by {@link OwnAddressMonitor}.
 */
public final class OwnAddress
{
    private final IpPrefix address = new IpPrefix();
    private int interfaceIndex;
    private String interfaceName;

    /**
     * @param interfaceIndex the interface's index, as {@code if_nametoindex(3)}.
     * @param interfaceName  its name ({@code eth0}), or null when unknown.
     * @param address        a host prefix; copied.
     */
    public OwnAddress(final int interfaceIndex, final String interfaceName, final IpPrefix address)
    {
        set(interfaceIndex, address);
        this.interfaceName = interfaceName;
    }

    public int interfaceIndex()
    {
        return interfaceIndex;
    }

    /**
     * @return the interface's name, or {@code #INDEX} when it was not known.
     */
    public String interfaceName()
    {
        return null == interfaceName ? "#" + interfaceIndex : interfaceName;
    }

    /**
     * @return the address as a host prefix; read it, do not modify it.
     */
    public IpPrefix address()
    {
        return address;
    }

    /** For the monitor's reused lookup key only. */
    OwnAddress set(final int interfaceIndex, final IpPrefix address)
    {
        this.interfaceIndex = interfaceIndex;
        this.address.set(address);
        return this;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof OwnAddress && ((OwnAddress)o).interfaceIndex == interfaceIndex &&
            ((OwnAddress)o).address.equals(address);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(interfaceIndex, address);
    }

    /**
     * @return e.g. {@code 192.0.2.77 on eth0}.
     */
    @Override
    public String toString()
    {
        return address + " on " + interfaceName();
    }
}
