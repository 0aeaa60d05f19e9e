package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.table.BanOutcome;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * BlockSync as a CrowdSec bouncer: {@code GET /v1/decisions/stream?startup=true} once, then without {@code startup}
 * every {@code poll-interval}, on the thread {@code crowdsec-bouncer-ID}. The answer is read as it arrives and its
 * decisions go to the loop in the answer's order as {@link LocalRequest}s of at most {@value #MAX_ITEMS} items, as the
 * control socket's do: origin this node, reason the scenario or the origin, the remaining duration rounded up to whole
 * seconds. Decisions BlockSync cannot enforce (scopes other than Ip and Range, types other than ban) and its own pushed
 * ones are left out; a ban is lifted when the last CrowdSec decision behind it is deleted, and only while the prefix
 * still holds the very ban of this node's that the decision made (its origin sequence, or for a decision that ended
 * while the node was down, its reason: {@link LocalRequest#addLiftIfOurs}).
 * <p>
 * An answer counts as taken once all its requests are with the loop. Any round not taken whole (refused, cut short,
 * the loop too slow) makes the next one ask for the full answer again ({@code startup=true}): the LAPI does not send a
 * delta twice. A full answer also lifts this node's bans of decisions it no longer shows (deleted in a lost delta)
 * and of decisions that ended while the node was down (its {@code deleted}), unless a live decision holds the prefix.
 */
final class CrowdSecBouncer extends BridgeThread
{
    static final int MAX_ITEMS = 10_000;
    /** How long a request may wait for the loop, as the control socket's. */
    private static final long LOOP_WAIT_MILLIS = 20_000;

    private final IpPrefix prefix = new IpPrefix();
    private boolean startup = true;
    /** Numbers the full answers: a prefix no full answer since the last shows is swept ({@link FromCrowdSec#sweep}). */
    private long generation;
    private volatile long loopWaitMillis = LOOP_WAIT_MILLIS;
    private volatile int sliceItems = MAX_ITEMS;

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

    /** For tests: how many decisions go to the loop in one request. */
    void sliceItems(final int items)
    {
        sliceItems = items;
    }

    @Override
    void round() throws IOException, InterruptedException
    {
        final boolean full = startup;
        if (full)
        {
            generation++;
        }
        final Round round = new Round(full);
        boolean taken = false;
        try
        {
            bridge.client.stream(bridge.config.apiKey(), full, round::decision);
            taken = round.finish();
        }
        finally
        {
            // A round not taken whole (a reply refused, cut short, the loop too slow) is never followed by a delta
            // that assumes it was: the next round asks for the full answer again (review 7 finding 5). The LAPI
            // has moved past a failed delta's decisions; only a full answer shows them again.
            if (!taken)
            {
                startup = true;
                round.restore();
            }
        }
        if (full)
        {
            startup = false;
            bridge.startupTaken();
        }
    }

    /**
     * One answer as it is read: its decisions go to the loop {@link #sliceItems} at a time, never held whole. A full
     * answer (start-up or resync) also lifts the bans of decisions it no longer shows, and those of decisions that
     * ended while this node was down, unless a live decision holds the prefix.
     */
    private final class Round
    {
        private final boolean full;
        private final List<Item> slice = new ArrayList<>();
        /** Full answer: deleted decisions this run never took, by prefix: their reason (lifted at the end). */
        private final Map<String, Long> endedWhileDown = new HashMap<>();
        private String firstSkipped;
        private int skipped;
        private boolean closed;

        Round(final boolean full)
        {
            this.full = full;
        }

        void decision(final boolean deleted, final CrowdSecDecision decision) throws IOException, InterruptedException
        {
            if (closed)
            {
                return;
            }
            if (deleted)
            {
                deleted(decision);
            }
            else
            {
                added(decision);
            }
            if (slice.size() >= sliceItems)
            {
                flush();
            }
        }

        private void deleted(final CrowdSecDecision deleted)
        {
            if (deleted.isPushedByBlockSync() || null != deleted.unsupported() || null != deleted.prefix(prefix, ipv4(), ipv6()))
            {
                return;
            }
            final String text = prefix.toString();
            final FromCrowdSec.Gone gone = bridge.fromCrowdSec.remove(text, deleted.id());
            if (null != gone)
            {
                slice.add(new Item(new IpPrefix().set(prefix), gone.reasonId(), 0, gone.originSequence(), true));
            }
            else if (full && !bridge.fromCrowdSec.contains(text))
            {
                // Ended while this node was down: lift our own ban of its reason at the end, if no live decision
                // of this answer holds the prefix (the LAPI may list "deleted" before "new").
                endedWhileDown.putIfAbsent(text, deleted.reason().id());
            }
        }

        private void added(final CrowdSecDecision added)
        {
            if (added.isPushedByBlockSync())
            {
                if (full && null != bridge.pusher && !bridge.isStartupTaken())
                {
                    bridge.alreadyPushed.add(added.value() + " " + added.scenario());
                }
                return;
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
                return;
            }
            final ReasonCode reason = added.reason();
            final String text = prefix.toString();
            bridge.fromCrowdSec.add(text, added.id(), reason.id(), generation);
            if (full)
            {
                endedWhileDown.remove(text);
            }
            slice.add(new Item(new IpPrefix().set(prefix), reason.id(), seconds, 0, false));
        }

        /** @return true when every decision of the answer is with the loop. */
        boolean finish() throws IOException, InterruptedException
        {
            if (skipped > 0)
            {
                bridge.counters.crowdsecDecisionsSkipped.getAndAdd(skipped);
                bridge.log.accept("left out " + skipped + " decision(s) BlockSync cannot enforce, e.g. " + firstSkipped);
            }
            if (full && !closed)
            {
                for (final Map.Entry<String, Long> ended : endedWhileDown.entrySet())
                {
                    if (!bridge.fromCrowdSec.contains(ended.getKey()))
                    {
                        add(lift(new FromCrowdSec.Gone(ended.getKey(), ended.getValue(), 0), false));
                    }
                }
                for (final FromCrowdSec.Gone gone : bridge.fromCrowdSec.sweep(generation))
                {
                    add(lift(gone, true));
                }
            }
            flush();
            return !closed;
        }

        private Item lift(final FromCrowdSec.Gone gone, final boolean wasOurs)
        {
            final IpPrefix lifted = new IpPrefix();
            AddressText.parse(gone.prefix(), lifted, ipv4(), ipv6());
            return new Item(lifted, gone.reasonId(), 0, gone.originSequence(), wasOurs);
        }

        private void add(final Item item) throws IOException, InterruptedException
        {
            slice.add(item);
            if (slice.size() >= sliceItems)
            {
                flush();
            }
        }

        private void flush() throws IOException, InterruptedException
        {
            if (!slice.isEmpty() && !closed)
            {
                // Cleared only once submitted: if this throws, restore() sees what the loop may not have.
                closed = !running() || !submit(slice);
                slice.clear();
            }
        }

        /**
         * The round failed: the lifts of the slice not with the loop are known again (generation 0), so that the
         * next full answer's sweep lifts them unless it shows a live decision for the prefix.
         */
        void restore()
        {
            for (final Item item : slice)
            {
                if (0 == item.seconds() && item.wasOurs())
                {
                    bridge.fromCrowdSec.restore(new FromCrowdSec.Gone(item.prefix().toString(), item.reason(), item.sequence()));
                }
            }
            slice.clear();
        }
    }

    /** @return false when the thread was closed before the loop took the request. */
    private boolean submit(final List<Item> items) throws IOException, InterruptedException
    {
        final LocalRequest request = new LocalRequest(items.size());
        for (final Item item : items)
        {
            if (0 == item.seconds())
            {
                // A deleted decision lifts the ban it made, never a peer's, another reason's or a later one of ours
                // put on the prefix since (review findings 5 of session 6 and 7 of session 7).
                request.addLiftIfOurs(item.prefix(), item.reason(), item.sequence());
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
            if (BanOutcome.APPLIED == outcome && 0 != items.get(i).seconds())
            {
                bridge.fromCrowdSec.applied(items.get(i).prefix().toString(), items.get(i).reason(), request.item(i).originSequence());
            }
            if (BanOutcome.APPLIED == outcome || BanOutcome.DUPLICATE == outcome || BanOutcome.STALE == outcome ||
                BanOutcome.NOT_BANNED == outcome)
            {
                bridge.counters.crowdsecDecisionsTaken.increment();
            }
            else
            {
                if (0 != items.get(i).seconds())
                {
                    bridge.fromCrowdSec.refused(items.get(i).prefix().toString());
                }
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
     * @param seconds  0 for a lift.
     * @param sequence for a lift, the origin sequence of the ban to lift; 0 when not known (the reason decides).
     * @param wasOurs  a lift of a ban this bouncer applied in this run (not one found ended at start-up).
     */
    private record Item(IpPrefix prefix, long reason, long seconds, long sequence, boolean wasOurs)
    {
    }
}
