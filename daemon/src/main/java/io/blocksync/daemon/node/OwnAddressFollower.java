package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.nativeio.OwnAddress;
import io.blocksync.nativeio.OwnAddressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Makes this host's addresses, as an {@link io.blocksync.nativeio.OwnAddressMonitor} follows them, the live own
 * addresses of the {@link BanPolicy}: an address added to an interface is protected from the moment the monitor
 * hears of it (every ban covering it, local or a peer's, refused as {@code refused_protected}); a removed one stops
 * being protected. Then it wakes the loop, whose {@link LocalExemptions} lifts any stored ban that now covers an
 * own address. Runs on the monitor's thread (and once on the starting thread with the first set); allocates only
 * when the addresses change.
 */
public final class OwnAddressFollower implements OwnAddressListener
{
    private final BanPolicy policy;
    private final NodeCounters counters;
    private final Consumer<String> log;
    private final Runnable wakeLoop;
    private boolean first = true;

    /**
     * @param policy   receives the own addresses.
     * @param counters counts changes in {@code own_address_changes}.
     * @param log      a thread-safe operator log.
     * @param wakeLoop wakes the loop so it looks at the bans at once.
     */
    public OwnAddressFollower(
        final BanPolicy policy, final NodeCounters counters, final Consumer<String> log, final Runnable wakeLoop)
    {
        this.policy = policy;
        this.counters = counters;
        this.log = log;
        this.wakeLoop = wakeLoop;
    }

    public void onOwnAddresses(final List<OwnAddress> current, final List<OwnAddress> added, final List<OwnAddress> removed)
    {
        final List<IpPrefix> prefixes = new ArrayList<>(current.size());
        final List<String> why = new ArrayList<>(current.size());
        for (final OwnAddress address : current)
        {
            prefixes.add(address.address());
            why.add("address of this host on " + address.interfaceName());
        }
        policy.ownAddresses(prefixes, why);

        if (!first)
        {
            counters.ownAddressChanges.getAndAddRelease(added.size() + removed.size());
            for (final OwnAddress address : added)
            {
                log.accept("own address " + address + " added: protected from now on");
            }
            for (final OwnAddress address : removed)
            {
                log.accept("own address " + address + " removed: no longer protected" +
                    (policy.coversOwnAddress(address.address()) ? " there (still an address of this host)" : ""));
            }
        }
        first = false;
        wakeLoop.run();
    }
}
