package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;

/**
 * Takes a decision made on this node (by an operator or a detector rule) on the loop thread: applies it to the
 * ban table and stages it for every peer.
 */
public interface Decider
{
    /** Returned when the outgoing stream is full for now; the caller may try again on a later event. */
    int BUSY = -1;

    /**
     * @return a {@link BanLedger} outcome, or {@link #BUSY}.
     */
    int decide(int action, IpPrefix prefix, long durationSeconds, long reasonPacked, int protocol, int port, long nowMillis);

    /** Whether an unexpired ban for exactly this prefix is in force. */
    boolean isBanned(IpPrefix prefix, long nowMillis);
}
