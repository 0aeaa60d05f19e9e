package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;
import io.blocksync.firewall.FirewallListener;

/**
 * What became of the changes handed to the firewall, on the loop thread: counted, and failures and drops logged
 * with the tool's own message.
 */
public final class FirewallOutcomes implements FirewallListener
{
    private final NodeCounters counters;
    private final EventLog.Line log;

    public FirewallOutcomes(final NodeCounters counters, final EventLog log)
    {
        this.counters = counters;
        this.log = log.newLine();
    }

    @Override
    public void onApplied(final IpPrefix prefix, final boolean ban)
    {
        counters.firewallApplied.incrementRelease();
    }

    @Override
    public void onFailed(final IpPrefix prefix, final boolean ban, final CharSequence error)
    {
        counters.firewallFailures.incrementRelease();
        log.begin().append("firewall: ").append(ban ? "add " : "remove ").append(prefix).append(" failed: ")
            .append(error).commit();
    }

    @Override
    public void onDropped(final IpPrefix prefix, final boolean ban)
    {
        counters.firewallQueueFull.incrementRelease();
        log.begin().append("firewall: queue overflow, change to ").append(prefix)
            .append(" dropped; it is re-asserted at the next start").commit();
    }
}
