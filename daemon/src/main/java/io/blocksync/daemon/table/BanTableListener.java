package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;

/**
 * Told of every change the ban table makes, after it is stored: the outgoing stream takes this node's own
 * decisions, the firewall makes the kernel follow. Called on the loop thread; the arguments are valid only during
 * the call.
 */
public interface BanTableListener
{
    /**
     * A decision was stored: new, extending or superseding what the table held.
     *
     * @param decision the decision as stored, local fields (expiry, applied-at) set.
     * @param replaced what the table held for the prefix before, or null when it held nothing.
     * @param local    true when this node made the decision.
     */
    void onStored(Ban decision, Ban replaced, boolean local);

    /**
     * A decision of this node's own, numbered and signed, that the table did not store after all
     * ({@link BanTable#storeLocal}: a peer's newer record for the prefix came while it was being signed). Its origin
     * sequence is used, so the outgoing stream must carry it all the same (peers find it stale); the firewall has
     * nothing to do.
     */
    default void onLocalNotStored(Ban decision)
    {
    }

    /** A ban's time ran out; it is gone from the table. */
    void onExpired(Ban ban);

    /**
     * An UNBAN tombstone's retention ran out; it is gone from the table. Nothing a firewall has to undo, hence the
     * default that ignores it; an index of the table's entries removes it.
     */
    default void onTombstoneDropped(Ban tombstone)
    {
    }
}
