package io.blocksync.daemon.table;

import io.blocksync.daemon.store.BanStore;

/**
 * Whether peers' records may take more slots of the store, without reading its size for every record:
 * {@link BanStore#size()} is Chronicle Map's {@code longSize()}, a sum over every segment's header (tens of
 * microseconds a call at a few hundred thousand entries of capacity), which a bulk of new prefixes would otherwise pay
 * per record. The size is read when the room known for certain runs out: with room R found below the limit, the next
 * R inserts fit whatever else happens, since removals only add room. Every insert into the store must be reported
 * ({@link #onInserted()}); {@link BanTable} is the store's only writer while the node runs. Loop thread only; no
 * allocation.
 */
final class RemoteRoom
{
    private final BanStore store;
    /** Slots certainly free below {@link #limit} (fewer may be counted, never more). */
    private long certain;
    private long limit = -1;

    RemoteRoom(final BanStore store)
    {
        this.store = store;
    }

    /**
     * @param newEntries slots wanted, at least 0.
     * @param limit      entries peers' records may fill in all, e.g. {@link OriginQuota#remoteLimit()}.
     * @return true if the store holds at most {@code limit - newEntries} entries now.
     */
    boolean admits(final long newEntries, final long limit)
    {
        if (limit == this.limit && newEntries <= certain)
        {
            return true;
        }
        final long room = limit - store.size();
        this.limit = limit;
        certain = Math.max(0, room);
        return newEntries <= room;
    }

    /** One entry was added to the store (a new prefix, by a peer's record or a local decision). */
    void onInserted()
    {
        if (certain > 0)
        {
            certain--;
        }
    }
}
