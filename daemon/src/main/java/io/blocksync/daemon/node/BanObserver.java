package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;

/**
 * Told on the loop of every ban the node hands to its firewall and every ban an unban lifts, whatever its origin
 * (as the audit line is): the CrowdSec bridge's push queue. Implementations must not block or allocate: copy what
 * they need and return.
 */
public interface BanObserver
{
    /** A ban now in force; valid during the call only. */
    void onBan(Ban ban);

    /**
     * @param unban  the unban, valid during the call only.
     * @param lifted the ban it lifted: its reason names what was lifted.
     */
    void onUnban(Ban unban, Ban lifted);
}
