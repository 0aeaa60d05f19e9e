package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.firewall.BatchingFirewall;

/**
 * Flow control of peers' BATCH streams into this node: the receive window each ACK advertises (docs/PROTOCOL.md,
 * "Delivery"), in batches beyond the acknowledged cumulative point. A sender sends a batch for the first time only
 * inside it, so bulk (a list import at the origin) arrives as fast as this node takes it, and no faster:
 * <ul>
 *   <li>the socket: all peers' windows together stay within {@link #SOCKET_BATCHES} datagrams, what the 4 MiB receive
 *       buffer holds with the kernel's per-datagram overhead, so a burst from every peer at once is not dropped there;</li>
 *   <li>the firewall: each record taken becomes a change for the kernel, and a slow filter (a 500 MHz board applies
 *       ~700-3,000 bans/s) lets changes wait on the loop's side ({@link FirewallFeed#backlog()}). The room left below
 *       {@link #BACKLOG_LIMIT} is shared among the peers, {@link BatchFrameFlyweight#MAX_RECORDS} records a batch;
 *       beyond it the window is 0 and senders wait for the ACK that reopens it ({@link AckSender}), so nothing
 *       overflows the firewall's ring (65,536 changes, beyond which a change would be dropped until the next start).</li>
 * </ul>
 * While there is any room each peer is offered at least one batch. Loop thread; allocation-free.
 */
public final class ReceiveWindow
{
    /** Firewall changes that may wait on the loop's side before windows close: a quarter of the firewall's ring. */
    public static final int BACKLOG_LIMIT = BatchingFirewall.OVERFLOW_CAPACITY / 4;
    /** Datagrams all peers together may have in flight to this node: 4 MiB at ~4 KiB of kernel accounting each. */
    public static final int SOCKET_BATCHES = 1024;

    private final FirewallFeed firewall;
    private final int peers;
    private final int socketShare;

    /**
     * @param firewall the loop's end of the firewall, for its backlog; null for none (the socket share alone).
     * @param peers    configured peers, at least 1 counted.
     */
    public ReceiveWindow(final FirewallFeed firewall, final int peers)
    {
        this.firewall = firewall;
        this.peers = Math.max(1, peers);
        this.socketShare = Math.max(1, SOCKET_BATCHES / this.peers);
    }

    /** The window to advertise to any peer now, 0 to {@link AckFrameFlyweight#MAX_RECEIVE_WINDOW} batches. */
    public int batches()
    {
        final long room = BACKLOG_LIMIT - (null == firewall ? 0 : firewall.backlog());
        if (room <= 0)
        {
            return 0;
        }
        final long firewallShare = Math.max(1, room / ((long)BatchFrameFlyweight.MAX_RECORDS * peers));
        return (int)Math.min(AckFrameFlyweight.MAX_RECEIVE_WINDOW, Math.min(socketShare, firewallShare));
    }
}
