package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;

/**
 * The one door for decisions made on this node, by an operator (through the control socket) or a detector rule:
 * on the loop thread, it numbers the decision in this node's origin sequence, applies it to the ban table and so
 * hands it to the outgoing stream and the firewall.
 */
public interface BanDecider
{
    /**
     * @param request action, prefix, duration (seconds, {@link Ban#PERMANENT} for no end), reason, protocol and
     *                port of the decision; receives the decision as applied (origin, sequence, time, clamped
     *                duration, expiry) when the outcome is {@link BanOutcome#APPLIED}.
     * @return a {@link BanOutcome}, {@link BanOutcome#BUSY} when the outgoing stream has no room for now.
     */
    int decide(Ban request, long nowMillis);

    /** Whether an unexpired ban for exactly this prefix is in force. */
    boolean isBanned(IpPrefix prefix, long nowMillis);
}
