package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.table.BanOutcome;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * BlockSync as a CrowdSec bouncer: {@code GET /v1/decisions/stream?startup=true} once, then without {@code startup}
 * every {@code poll-interval}, on the thread {@code crowdsec-bouncer-ID}. Each poll's deletions, then its new
 * decisions, go to the loop as one {@link LocalRequest} (split at {@value #MAX_ITEMS} items), as the control socket's
 * do: origin this node, reason the scenario or the origin, the remaining duration rounded up to whole seconds.
 * Decisions BlockSync cannot enforce (scopes other than Ip and Range, types other than ban) and its own pushed ones
 * are left out; a ban is lifted when the last CrowdSec decision behind it is deleted, and only while the prefix still
 * holds this node's own ban under that decision's reason ({@link LocalRequest#addLiftIfOurs}). The start-up answer
 * counts as taken once all its requests are with the loop: until then every round asks for it again. Decisions that
 * ended while the node was down (a start-up answer's {@code deleted}) lift this node's own ban of their reason, unless
 * a live decision holds the prefix.
 */
final class CrowdSecBouncer extends BridgeThread
{
    static final int MAX_ITEMS = 10_000;
    /** How long a request may wait for the loop, as the control socket's. */
    private static final long LOOP_WAIT_MILLIS = 20_000;

    private final IpPrefix prefix = new IpPrefix();
    private boolean startup = true;
    private volatile long loopWaitMillis = LOOP_WAIT_MILLIS;

    CrowdSecBouncer(final CrowdSecBridge bridge)
    {
        super(bridge, "crowdsec-bouncer-" + bridge.node.nodeId());
    }

    @Override
    long pauseNanos()
    {
        return millisToNanos(bridge.config.pollIntervalMillis());
    }

    /** For tests: how long a request may wait for the loop before the round fails. */
    void loopWaitMillis(final long millis)
    {
        loopWaitMillis = millis;
    }

    @Override
    void round() throws IOException, InterruptedException
    {
        final CrowdSecDecision.Stream stream = bridge.client.stream(bridge.config.apiKey(), startup);
        final List<Item> items = new ArrayList<>();
        final Set<String> live = startup ? livePrefixes(stream) : Set.of();
        for (final CrowdSecDecision deleted : stream.deleted())
        {
            if (!deleted.isPushedByBlockSync() && null == deleted.unsupported() && null == deleted.prefix(prefix, ipv4(), ipv6()))
            {
                final String text = prefix.toString();
                final long reason = bridge.fromCrowdSec.remove(text, deleted.id());
                if (0 != reason)
                {
                    items.add(new Item(deleted, new IpPrefix().set(prefix), reason, 0, true));
                }
                else if (startup && !live.contains(text))
                {
                    // Ended while this node was down: lift our own ban of its reason, if it is still there.
                    items.add(new Item(deleted, new IpPrefix().set(prefix), deleted.reason().id(), 0, false));
                }
            }
        }
        String firstSkipped = null;
        int skipped = 0;
        for (final CrowdSecDecision added : stream.added())
        {
            if (added.isPushedByBlockSync())
            {
                if (startup)
                {
                    bridge.alreadyPushed.add(added.value() + " " + added.scenario());
                }
                continue;
            }
            String why = added.unsupported();
            if (null == why)
            {
                why = added.prefix(prefix, ipv4(), ipv6());
            }
            final long seconds = added.banSeconds(bridge.node.maxBanSeconds(), Durations.MAX_RECORD_SECONDS);
            if (null == why && 0 == seconds)
            {
                why = "duration '" + added.durationMillis() + " ms' has ended or cannot be read";
            }
            if (null != why)
            {
                skipped++;
                firstSkipped = null == firstSkipped ? "decision " + added.id() + " (" + added.value() + "): " + why : firstSkipped;
                continue;
            }
            final ReasonCode reason = added.reason();
            bridge.fromCrowdSec.add(prefix.toString(), added.id(), reason.id());
            items.add(new Item(added, new IpPrefix().set(prefix), reason.id(), seconds, false));
        }
        if (skipped > 0)
        {
            bridge.counters.crowdsecDecisionsSkipped.getAndAdd(skipped);
            bridge.log.accept("left out " + skipped + " decision(s) BlockSync cannot enforce, e.g. " + firstSkipped);
        }
        for (int from = 0; from < items.size(); from += MAX_ITEMS)
        {
            if (!running() || !submit(items.subList(from, Math.min(items.size(), from + MAX_ITEMS))))
            {
                return;
            }
        }
        // Only once every item of the answer is with the loop: a start-up answer cut short (the loop too slow, the
        // thread closed) is asked for again whole, never followed by a delta that assumes it was taken.
        if (startup)
        {
            startup = false;
            bridge.startupTaken();
        }
    }

    /** The prefixes a start-up answer holds live decisions for (their bans stay, whatever ended decisions say). */
    private Set<String> livePrefixes(final CrowdSecDecision.Stream stream)
    {
        final Set<String> live = new HashSet<>();
        for (final CrowdSecDecision added : stream.added())
        {
            if (!added.isPushedByBlockSync() && null == added.unsupported() && null == added.prefix(prefix, ipv4(), ipv6()))
            {
                live.add(prefix.toString());
            }
        }
        return live;
    }

    /** @return false when the thread was closed before the loop took the request. */
    private boolean submit(final List<Item> items) throws IOException, InterruptedException
    {
        final LocalRequest request = new LocalRequest(items.size());
        for (final Item item : items)
        {
            if (0 == item.seconds())
            {
                // A deleted decision lifts this node's own ban under the decision's reason, never a peer's or
                // another reason's put on the prefix since (review finding 5).
                request.addLiftIfOurs(item.prefix(), item.reason());
            }
            else
            {
                request.add(BanAction.BAN, item.prefix(), item.seconds(), item.reason(), 0, 0);
            }
        }
        while (!bridge.submit.test(request))
        {
            // The loop's request queue is full (an import is running): back off a little, as a control client would.
            LockSupport.parkNanos(millisToNanos(10));
            if (!running())
            {
                return false;
            }
        }
        if (!request.await(loopWaitMillis))
        {
            throw new IOException("the node's loop did not take " + items.size() + " decision(s) within " +
                loopWaitMillis + " ms; they are applied when it does");
        }
        String firstRefused = null;
        int refused = 0;
        for (int i = 0; i < request.size(); i++)
        {
            final int outcome = request.outcome(i);
            if (request.isLiftIfOurs(i) && BanOutcome.NOT_BANNED == outcome && items.get(i).wasOurs())
            {
                bridge.counters.crowdsecLiftsNotOurs.increment();
            }
            if (BanOutcome.APPLIED == outcome || BanOutcome.DUPLICATE == outcome || BanOutcome.STALE == outcome ||
                BanOutcome.NOT_BANNED == outcome)
            {
                bridge.counters.crowdsecDecisionsTaken.increment();
            }
            else
            {
                refused++;
                firstRefused = null == firstRefused ? items.get(i).prefix() + ": " + BanOutcome.name(outcome) : firstRefused;
            }
        }
        if (refused > 0)
        {
            bridge.counters.crowdsecDecisionsSkipped.getAndAdd(refused);
            bridge.log.accept("the node refused " + refused + " CrowdSec decision(s), e.g. " + firstRefused);
        }
        return true;
    }

    private int ipv4()
    {
        return bridge.node.ipv4BanPrefix();
    }

    private int ipv6()
    {
        return bridge.node.ipv6BanPrefix();
    }

    /**
     * @param reason  the ban's reason id, or for a lift the reason of the ban to lift.
     * @param seconds 0 for a lift.
     * @param wasOurs a lift of a ban this bouncer applied in this run (not one found ended at start-up).
     */
    private record Item(CrowdSecDecision decision, IpPrefix prefix, long reason, long seconds, boolean wasOurs)
    {
    }
}
