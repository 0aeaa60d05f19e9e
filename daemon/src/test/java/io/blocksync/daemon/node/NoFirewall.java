package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallListener;

import java.util.function.BooleanSupplier;

/**
 * A firewall that takes every change and applies none: for protocol tests, where the kernel is not the subject. It may
 * report a full backlog on demand (closing the node's receive windows, as a firewall that fell behind does).
 */
final class NoFirewall implements Firewall
{
    private final BooleanSupplier backlogged;

    NoFirewall()
    {
        this(() -> false);
    }

    /** @param backlogged while true, {@link #backlog()} reports {@link ReceiveWindow#BACKLOG_LIMIT}. */
    NoFirewall(final BooleanSupplier backlogged)
    {
        this.backlogged = backlogged;
    }

    public boolean ban(final Ban ban)
    {
        return true;
    }

    public boolean unban(final Ban ban)
    {
        return true;
    }

    public int poll(final FirewallListener listener)
    {
        return 0;
    }

    public int backlog()
    {
        return backlogged.getAsBoolean() ? ReceiveWindow.BACKLOG_LIMIT : 0;
    }

    public void close()
    {
    }
}
