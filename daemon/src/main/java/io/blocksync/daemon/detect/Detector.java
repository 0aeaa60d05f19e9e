package io.blocksync.daemon.detect;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanDecider;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.nativeio.AttackEvent;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Turns attack events into bans on the loop thread: every rule an event matches counts one hit for the event's
 * source (aggregated to the rule's prefix length, IPv6 to /64 by default); a source reaching the rule's
 * {@code nfail} within its window is banned through the same door as an operator's ban. Protected sources
 * (allow-list, peers, this host) never count. Allocation-free.
 */
public final class Detector
{
    private final DetectorRule[] rules;
    private final OffenderTable offenders;
    private final BanPolicy policy;
    private final BanDecider decider;
    private final AtomicCounter eventsMatched;
    private final AtomicCounter eventsUnmatched;
    private final AtomicCounter protectedHits;
    private final AtomicCounter detectorBans;
    private final IpPrefix source = new IpPrefix();
    private final Ban request = new Ban();

    public Detector(
        final DetectorRule[] rules,
        final OffenderTable offenders,
        final BanPolicy policy,
        final BanDecider decider,
        final NodeCounters counters)
    {
        this.rules = rules.clone();
        this.offenders = offenders;
        this.policy = policy;
        this.decider = decider;
        this.eventsMatched = counters.eventsMatched;
        this.eventsUnmatched = counters.eventsUnmatched;
        this.protectedHits = counters.eventsFromProtectedSources;
        this.detectorBans = counters.detectorBans;
    }

    /**
     * @return bans decided because of this event.
     */
    public int onEvent(final int sourceIndex, final AttackEvent event, final long nowMillis)
    {
        if (!event.isOk() || !event.packet().hasAddresses())
        {
            eventsUnmatched.incrementRelease();
            return 0;
        }

        int bans = 0;
        boolean matched = false;
        for (int i = 0; i < rules.length; i++)
        {
            final DetectorRule rule = rules[i];
            if (!rule.matches(sourceIndex, event))
            {
                continue;
            }
            matched = true;

            final IpPrefix eventSource = event.packet().source();
            source.set(eventSource).maskTo(rule.prefixLength(eventSource.family()));
            if (policy.checkPrefix(source) == BanPolicy.PROTECTED)
            {
                protectedHits.incrementRelease();
                continue;
            }

            final int slot = offenders.hit(i, source, rule.windowMillis(), nowMillis);
            if (offenders.hits(slot) >= rule.nfail())
            {
                if (decider.isBanned(source, nowMillis))
                {
                    // Packets already in flight, or this host does not filter itself: not a new offence.
                    offenders.restartCount(slot);
                    continue;
                }
                request.reset().action(BanAction.BAN).prefix(source)
                    .durationSeconds(rule.durationFor(offenders.offences(slot))).reason(rule.reason)
                    .hitCount(offenders.hits(slot));
                if (BanOutcome.isInForce(decider.decide(request, nowMillis)))
                {
                    offenders.banned(slot);
                    detectorBans.incrementRelease();
                    bans++;
                }
            }
        }

        (matched ? eventsMatched : eventsUnmatched).incrementRelease();
        return bans;
    }
}
