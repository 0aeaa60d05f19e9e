package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses of this host as an {@link OwnAddressMonitor} last saw them, and what changed since the listener was
 * last told. A repeated RTM_NEWADDR (the kernel sends one whenever an address's lifetimes are refreshed, e.g. at
 * every IPv6 router advertisement) finds the address present and changes nothing, allocating nothing. A dump (or a
 * polled listing) is collected apart and replaces the set whole when it ends. Monitor thread only.
 */
final class OwnAddressSet
{
    private final OwnAddress lookup = new OwnAddress(0, null, new IpPrefix());
    private final boolean resolveNames;
    private Map<OwnAddress, OwnAddress> current = new HashMap<>();
    private Map<OwnAddress, OwnAddress> collecting = new HashMap<>();
    private final List<OwnAddress> added = new ArrayList<>();
    private final List<OwnAddress> removed = new ArrayList<>();

    /**
     * @param resolveNames true to name interfaces through {@link NetworkInterface}, which sees this process's network
     *                     namespace only: false when the socket was opened in another.
     */
    OwnAddressSet(final boolean resolveNames)
    {
        this.resolveNames = resolveNames;
    }

    /**
     * A notification applied to the live set.
     */
    void apply(final boolean add, final int interfaceIndex, final IpPrefix address)
    {
        apply(current, add, interfaceIndex, address, true);
    }

    /**
     * A message that arrived while a dump is being collected, notifications included: they are in kernel order with
     * the dump's parts, so the collected set ends as the kernel's.
     */
    void collect(final boolean add, final int interfaceIndex, final IpPrefix address)
    {
        apply(collecting, add, interfaceIndex, address, false);
    }

    void startCollecting()
    {
        collecting.clear();
    }

    /**
     * A complete listing becomes the set; the differences are recorded as changes.
     */
    void replaceWith(final Collection<OwnAddress> listing)
    {
        collecting.clear();
        for (final OwnAddress address : listing)
        {
            collecting.put(address, address);
        }
        finishCollecting();
    }

    void finishCollecting()
    {
        for (final OwnAddress address : collecting.keySet())
        {
            if (!current.containsKey(address))
            {
                added.add(address);
            }
        }
        for (final OwnAddress address : current.keySet())
        {
            if (!collecting.containsKey(address))
            {
                removed.add(address);
            }
        }
        final Map<OwnAddress, OwnAddress> previous = current;
        current = collecting;
        collecting = previous;
        collecting.clear();
    }

    boolean hasChanges()
    {
        return !added.isEmpty() || !removed.isEmpty();
    }

    /**
     * Tell the listener of the changes recorded since the last call, if any, and forget them.
     */
    void publish(final OwnAddressListener listener, final boolean evenIfUnchanged)
    {
        if (hasChanges() || evenIfUnchanged)
        {
            final List<OwnAddress> newAddresses = List.copyOf(added);
            final List<OwnAddress> goneAddresses = List.copyOf(removed);
            added.clear();
            removed.clear();
            listener.onOwnAddresses(List.copyOf(current.keySet()), newAddresses, goneAddresses);
        }
    }

    int size()
    {
        return current.size();
    }

    /**
     * The fallback where rtnetlink is unavailable: every address of every interface through {@link NetworkInterface}
     * (getifaddrs(3) or its platform's equivalent), the unspecified address left out.
     */
    static List<OwnAddress> readInterfaces() throws SocketException
    {
        final List<OwnAddress> listing = new ArrayList<>();
        final IpPrefix prefix = new IpPrefix();
        final var interfaces = NetworkInterface.getNetworkInterfaces();
        while (null != interfaces && interfaces.hasMoreElements())
        {
            final NetworkInterface networkInterface = interfaces.nextElement();
            final var addresses = networkInterface.getInetAddresses();
            while (addresses.hasMoreElements())
            {
                final java.net.InetAddress inet = addresses.nextElement();
                if (!inet.isAnyLocalAddress())
                {
                    final byte[] bytes = inet.getAddress();
                    final int family = bytes.length == 4 ? io.blocksync.codec.AddressFamily.IPV4 : io.blocksync.codec.AddressFamily.IPV6;
                    prefix.set(family, bytes, bytes.length * Byte.SIZE);
                    listing.add(new OwnAddress(networkInterface.getIndex(), networkInterface.getName(), prefix));
                }
            }
        }
        return listing;
    }

    private void apply(
        final Map<OwnAddress, OwnAddress> set, final boolean add, final int interfaceIndex, final IpPrefix address,
        final boolean record)
    {
        lookup.set(interfaceIndex, address);
        if (add && !set.containsKey(lookup))
        {
            final OwnAddress entry = new OwnAddress(interfaceIndex, interfaceName(interfaceIndex), address);
            set.put(entry, entry);
            if (record && !removed.remove(entry))
            {
                added.add(entry);
            }
        }
        else if (!add)
        {
            final OwnAddress entry = set.remove(lookup);
            if (null != entry && record && !added.remove(entry))
            {
                removed.add(entry);
            }
        }
    }

    private String interfaceName(final int index)
    {
        if (!resolveNames)
        {
            return null;
        }
        try
        {
            final NetworkInterface networkInterface = NetworkInterface.getByIndex(index);
            return null == networkInterface ? null : networkInterface.getName();
        }
        catch (final SocketException ex)
        {
            return null;
        }
    }
}
