package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;

/**
 * Receives the bans of a {@link BanStore} one at a time, see {@link BanStore#forEach(BanVisitor)}.
 */
@FunctionalInterface
public interface BanVisitor
{
    /**
     * Called once per stored prefix. The store passes the same holder on every call and overwrites it for the next
     * one: copy what must outlive the call ({@link Ban#set(Ban)}) and do not modify it.
     *
     * @param ban the stored decision; {@link Ban#prefix()} is its key.
     */
    void visit(Ban ban);
}
