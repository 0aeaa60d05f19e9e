package io.blocksync.daemon.store;

import io.blocksync.codec.IpPrefix;

/**
 * Receives the entries of a {@link BanStore} one at a time.
 */
@FunctionalInterface
public interface BanEntryVisitor
{
    /**
     * Called once per entry. The store passes the same two holder instances on every call and overwrites them
     * for the next entry: copy what must outlive the call ({@link IpPrefix#set(IpPrefix)},
     * {@link BanEntry#set(BanEntry)}) and do not modify them.
     *
     * @param key   the prefix.
     * @param entry its stored value.
     */
    void visit(IpPrefix key, BanEntry entry);
}
