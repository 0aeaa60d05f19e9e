package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.table.BanOutcome;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * BlockSync as a CrowdSec bouncer: {@code GET /v1/decisions/stream?startup=true} once, then without {@code startup}
 * every {@code poll-interval}, on the thread {@code crowdsec-bouncer-ID}. Each poll's deletions, then its new
 * decisions, go to the loop as one {@link LocalRequest} (split at {@value #MAX_ITEMS} items), as the control socket's
 * do: origin this node, reason the scenario or the origin, the remaining duration rounded up to whole seconds.
 * Decisions BlockSync cannot enforce (scopes other than Ip and Range, types other than ban) and its own pushed ones
 * are left out; a ban is lifted when the last CrowdSec decision behind it is deleted.
 */
final class CrowdSecBouncer extends BridgeThread
{
    static final int MAX_ITEMS = 10_000;
    /** How long a request may wait for the loop, as the control socket's. */
    private static final long LOOP_WAIT_MILLIS = 20_000;

    private final IpPrefix prefix = new IpPrefix();
    private boolean startup = true;

    CrowdSecBouncer(final CrowdSecBridge bridge)
    {
        super(bridge, "crowdsec-bouncer-" + bridge.node.nodeId());
    }

    @Override
    long pauseNanos()
    {
        return millisToNanos(bridge.config.pollIntervalMillis());
    }

    @Override
    void round() throws IOException, InterruptedException
    {
        final String json = bridge.client.stream(bridge.config.apiKey(), startup);
        final CrowdSecDecision.Stream stream;
        try
        {
            stream = CrowdSecDecision.Stream.parse(json);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException("GET /v1/decisions/stream: " + ex.getMessage(), ex);
        }
        startup = false;
        final List<Item> items = new ArrayList<>();
        for (final CrowdSecDecision deleted : stream.deleted())
        {
            if (!deleted.isPushedByBlockSync() && null == deleted.unsupported() && null == deleted.prefix(prefix, ipv4(), ipv6()))
            {
                final String text = prefix.toString();
                if (bridge.fromCrowdSec.remove(text, deleted.id()))
                {
                    items.add(new Item(deleted, new IpPrefix().set(prefix), null, 0));
                }
            }
        }
        String firstSkipped = null;
        int skipped = 0;
        for (final CrowdSecDecision added : stream.added())
        {
            if (added.isPushedByBlockSync())
            {
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
            items.add(new Item(added, new IpPrefix().set(prefix), reason, seconds));
        }
        if (skipped > 0)
        {
            bridge.counters.crowdsecDecisionsSkipped.getAndAdd(skipped);
            bridge.log.accept("left out " + skipped + " decision(s) BlockSync cannot enforce, e.g. " + firstSkipped);
        }
        for (int from = 0; from < items.size() && running(); from += MAX_ITEMS)
        {
            submit(items.subList(from, Math.min(items.size(), from + MAX_ITEMS)));
        }
    }

    private void submit(final List<Item> items) throws IOException, InterruptedException
    {
        final LocalRequest request = new LocalRequest(items.size());
        for (final Item item : items)
        {
            if (null == item.reason())
            {
                request.add(BanAction.UNBAN, item.prefix(), 0, 0, 0, 0);
            }
            else
            {
                request.add(BanAction.BAN, item.prefix(), item.seconds(), item.reason(), 0, 0);
            }
        }
        while (!bridge.submit.test(request))
        {
            // The loop's request queue is full (an import is running): back off a little, as a control client would.
            java.util.concurrent.locks.LockSupport.parkNanos(millisToNanos(10));
            if (!running())
            {
                return;
            }
        }
        if (!request.await(LOOP_WAIT_MILLIS))
        {
            throw new IOException("the node's loop did not take " + items.size() + " decision(s) within " +
                LOOP_WAIT_MILLIS / 1000 + " s; they are applied when it does");
        }
        String firstRefused = null;
        int refused = 0;
        for (int i = 0; i < request.size(); i++)
        {
            final int outcome = request.outcome(i);
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
    }

    private int ipv4()
    {
        return bridge.node.ipv4BanPrefix();
    }

    private int ipv6()
    {
        return bridge.node.ipv6BanPrefix();
    }

    /** @param reason null for an unban. */
    private record Item(CrowdSecDecision decision, IpPrefix prefix, ReasonCode reason, long seconds)
    {
    }
}
