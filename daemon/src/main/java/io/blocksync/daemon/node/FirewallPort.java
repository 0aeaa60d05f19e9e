package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;

/**
 * Where the ban table's changes go to reach the packet filter. Called on the event loop, so an implementation
 * must only hand the change over (copying the prefix) and return at once.
 */
public interface FirewallPort extends AutoCloseable
{
    /**
     * @param expiresAtMillis 0 for a permanent ban.
     * @return false when the change could not be queued; the caller retries it later.
     */
    boolean ban(IpPrefix prefix, long expiresAtMillis, long reasonPacked, int protocol, int port);

    /**
     * @return false when the change could not be queued; the caller retries it later.
     */
    boolean unban(IpPrefix prefix, long reasonPacked, int protocol, int port);

    /** Drain completions on the loop thread; returns work done. */
    default int poll()
    {
        return 0;
    }

    default void close()
    {
    }
}
