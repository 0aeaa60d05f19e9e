package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallListener;

/** A firewall that takes every change and applies none: for protocol tests, where the kernel is not the subject. */
final class NoFirewall implements Firewall
{
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

    public void close()
    {
    }
}
