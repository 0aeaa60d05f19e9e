package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.EnforcementLatency;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanTableListener;
import io.blocksync.firewall.FailureKind;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallListener;
import org.agrona.concurrent.EpochClock;

/**
 * Makes the packet filter follow the ban table: a stored ban is handed to the {@link Firewall}, an unban or an
 * expiry lifts the ban the table held. Also the loop's end of the firewall's completions: each outcome is counted,
 * each failure logged once with the tool's own message.
 */
public final class FirewallFeed implements BanTableListener, FirewallListener
{
    private final Firewall firewall;
    private final NodeCounters counters;
    private final EventLog.Line log;
    private EnforcementLatency latency;
    private EpochClock wallClock;
    private final BanAudit audit;
    private BanObserver observer;

    public FirewallFeed(final Firewall firewall, final NodeCounters counters, final EventLog log)
    {
        this.firewall = firewall;
        this.counters = counters;
        this.log = log.newLine();
        this.audit = new BanAudit(log);
    }

    /** Name origins in the audit lines by their configured peer names; others read {@code nodeID}. */
    public FirewallFeed originNames(final java.util.List<io.blocksync.daemon.config.PeerConfig> peers)
    {
        for (final io.blocksync.daemon.config.PeerConfig peer : peers)
        {
            audit.name(peer.nodeId(), peer.name());
        }
        return this;
    }

    /**
     * Record each ban's decision-to-enforcement latency.
     *
     * @param wallClock the wall clock, epoch ms: the frame of {@link Ban#originTimeMillis()}.
     */
    public FirewallFeed recordLatency(final EnforcementLatency latency, final EpochClock wallClock)
    {
        this.latency = latency;
        this.wallClock = wallClock;
        return this;
    }

    /** Tell an observer (the CrowdSec bridge) of every ban applied and lifted, as the audit line does; null: none. */
    public FirewallFeed observe(final BanObserver observer)
    {
        this.observer = observer;
        return this;
    }

    /** Changes waiting on the loop's side of the firewall ({@link Firewall#backlog()}); loop thread. */
    public int backlog()
    {
        return firewall.backlog();
    }

    /** Drain the firewall's completions; loop thread. */
    public int poll()
    {
        return firewall.poll(this);
    }

    public void onStored(final Ban decision, final Ban replaced, final boolean local)
    {
        if (decision.isBan())
        {
            firewall.ban(decision);
            // The firewall keeps bans per prefix and reason, the table one per prefix: a ban for another reason
            // replaced here must end there too (after the new one is in, so the kernel never lets the address in).
            if (null != replaced && replaced.isBan() && replaced.reason() != decision.reason())
            {
                firewall.unban(replaced);
            }
            audit.ban(decision);
            if (null != observer)
            {
                observer.onBan(decision);
            }
        }
        else if (null != replaced && replaced.isActiveAt(decision.appliedAtMillis()))
        {
            firewall.unban(replaced);
            audit.unban(decision, replaced);
            if (null != observer)
            {
                observer.onUnban(decision, replaced);
            }
        }
    }

    public void onExpired(final Ban ban)
    {
        firewall.unban(ban);
    }

    public void onApplied(final IpPrefix prefix, final boolean ban)
    {
        counters.firewallChangesApplied.incrementRelease();
    }

    public void onBanEnforced(final Ban ban)
    {
        if (null != latency)
        {
            latency.record(wallClock.time() - ban.originTimeMillis());
        }
    }

    public void onFailed(final IpPrefix prefix, final boolean ban, final CharSequence error)
    {
        counters.firewallChangesFailed.incrementRelease();
        log.begin().append("firewall: ").append(ban ? "add " : "remove ").append(prefix).append(" failed: ")
            .append(error).commit();
    }

    public void onDropped(final IpPrefix prefix, final boolean ban)
    {
        counters.firewallQueueFull.incrementRelease();
        log.begin().append("firewall: queue overflow, change to ").append(prefix)
            .append(" dropped; it is re-asserted at the next start").commit();
    }

    /**
     * Count failures per kind; the firewall has already logged each streak once with the tool's message.
     */
    public void onBackendFailure(final FailureKind kind, final long count, final CharSequence message)
    {
        switch (kind)
        {
            case APPLY:
                counters.firewallApplyFailures.getAndAddRelease(count);
                break;
            case PARTIAL:
                counters.firewallPartialApplies.getAndAddRelease(count);
                break;
            case CHECK:
                counters.firewallCheckFailures.getAndAddRelease(count);
                break;
            case DRIFT:
                counters.firewallDriftRepairs.getAndAddRelease(count);
                break;
            default:
                counters.firewallCleanupFailures.getAndAddRelease(count);
                break;
        }
    }
}
