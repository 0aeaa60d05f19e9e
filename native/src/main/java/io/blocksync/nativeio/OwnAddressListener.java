package io.blocksync.nativeio;

import java.util.List;

/**
 * Hears of this host's addresses from an {@link OwnAddressMonitor}: once at start with every address, then after each
 * change. Called on the thread that starts the monitor for the first set, then on the monitor's thread; the lists
 * are the listener's to keep.
 */
@FunctionalInterface
public interface OwnAddressListener
{
    /**
     * @param current every address of this host now.
     * @param added   addresses new since the last call (all of them on the first call).
     * @param removed addresses gone since the last call.
     */
    void onOwnAddresses(List<OwnAddress> current, List<OwnAddress> added, List<OwnAddress> removed);
}
