package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanDecider;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.daemon.table.PreparedDecision;

/**
 * This node as an origin: the door for its own decisions (operator requests drained from the control socket's
 * queue, detector rules). A decision is taken only while the outgoing stream has room for it, numbered with the next
 * origin sequence and prepared by the ban table ({@link BanTable#prepareLocal}); once {@link DecisionSigning} has
 * signed it (on its own thread, or inline at once) {@link #storeSigned()} stores it in the order taken, and the
 * table's listeners (the {@link StreamSender}, the firewall) act on it. Until stored, a decision is nowhere but in
 * the signer's ring: not in the table, not on the wire, not in the progress file's last origin sequence, not in the
 * own high-water mark, not answered to an operator ({@link #isStored(long)}). So a stop that loses it (a crash)
 * leaves no gap and no reused number behind: the next decision takes the sequence after the last stored one.
 */
public final class LocalDecisions implements BanDecider
{
    private final int nodeId;
    private final BanTable table;
    private final StreamSender stream;
    private final ProgressFile progress;
    private final HighWaterMarks highWater;
    private final NodeCounters counters;
    private final SequenceLease lease;
    private final DecisionSigning signing;
    private final Ban held = new Ban();
    // The last origin sequence given to a decision, stored or still being signed.
    private long lastTaken;

    /**
     * @param index catch-up's index of the table, complete: where the highest stored origin sequence of this node is
     *              read, without a scan of the store.
     */
    public LocalDecisions(final NodeContext context, final BanTable table, final StreamSender stream, final OriginSequenceIndex index)
    {
        this.nodeId = context.nodeId();
        this.table = table;
        this.stream = stream;
        this.progress = context.progress();
        this.highWater = context.highWater();
        this.counters = context.counters();
        this.lease = new SequenceLease(progress, context.groupCommit());
        this.signing = new DecisionSigning(table.signer(), DecisionSigning.DEFAULT_CAPACITY, nodeId);
        continueAboveStored(index);
        lastTaken = progress.lastOriginSequence();
        highWater.own(nodeId, lastTaken);
    }

    /** The signer of this node's decisions: inline until {@link DecisionSigning#offLoop} gives it a thread. */
    public DecisionSigning signing()
    {
        return signing;
    }

    /**
     * After a power loss the store can hold a decision of ours newer than the progress file says (the kernel writes
     * the files back independently): continue above it, so that no origin sequence is given to two decisions.
     */
    private void continueAboveStored(final OriginSequenceIndex index)
    {
        final long highest = index.highestSequence(highWater.indexOf(nodeId));
        if (highest > progress.lastOriginSequence())
        {
            progress.lastOriginSequence(highest);
        }
    }

    /**
     * Whether a decision can be taken now: the outgoing stream has room to stage it, and its origin sequence and the
     * stream sequence of any batch it may need lie under the durable sequence ceiling ({@link SequenceLease}).
     */
    public boolean hasRoom()
    {
        // Every decision in the signer's hands is staged once stored, and may need a batch of its own.
        final int signing = this.signing.inFlight();
        return this.signing.hasRoom() && stream.hasRoom(signing + 1) &&
            lease.covers(Math.max(lastTaken + 1, progress.streamNext() + stream.staged() + signing));
    }

    /**
     * Whether a decision for this prefix can be taken now: {@link #hasRoom()}, and none for the same prefix is still
     * being signed (it is not in the table yet, and the next must be checked and versioned against it).
     */
    public boolean canTake(final IpPrefix prefix)
    {
        return hasRoom() && !signing.isPending(prefix);
    }

    /**
     * Take a decision: {@link BanOutcome#APPLIED} once it is numbered and handed to the signer (stored at once when
     * signing inline; else by a later {@link #storeSigned()}: see {@link #isStored(long)}), {@link BanOutcome#BUSY}
     * when it cannot be taken now ({@link #canTake}), or the table's refusal.
     *
     * @param request receives the decision as it will be stored (its signature only once stored).
     */
    public int decide(final Ban request, final long nowMillis)
    {
        if (!canTake(request.prefix()))
        {
            return BanOutcome.BUSY;
        }

        final long originSequence = lastTaken + 1;
        final int outcome = table.prepareLocal(
            request.originNodeId(nodeId).originSequence(originSequence), nowMillis, signing.claim());
        if (outcome != BanOutcome.APPLIED)
        {
            return outcome;
        }
        lastTaken = originSequence;
        signing.handOver();
        if (!signing.isOffLoop())
        {
            signing.signInline();
            return storeSigned(request);
        }
        return outcome;
    }

    /**
     * Store the decisions signed so far, in the order taken: the table stores each and tells its listeners (the
     * stream stages it), and only then is its origin sequence recorded as used and the own high-water mark raised.
     * Loop thread; at stop, the stopping thread once the loop and the signer have stopped.
     *
     * @return decisions stored (or, superseded meanwhile by a peer's, sent only: {@link BanTable#storeLocal}).
     */
    public int storeSigned()
    {
        final int takeable = signing.takeable();
        for (int i = 0; i < takeable; i++)
        {
            store(signing.signedHead());
        }
        return takeable;
    }

    /** Loop: decisions ever taken; a ticket for {@link #isStored(long)}. */
    public long taken()
    {
        return signing.handedOver();
    }

    /** Loop: whether every decision taken up to the ticket ({@link #taken()} after it) is stored. */
    public boolean isStored(final long ticket)
    {
        return signing.isStored(ticket);
    }

    /** Loop: whether signed decisions wait for {@link #storeSigned()}. */
    public boolean hasSigned()
    {
        return signing.hasSigned();
    }

    private int storeSigned(final Ban request)
    {
        final PreparedDecision decision = signing.signedHead();
        final int outcome = store(decision);
        if (outcome == BanOutcome.APPLIED)
        {
            request.set(decision.record());
        }
        return outcome;
    }

    private int store(final PreparedDecision decision)
    {
        final int outcome = table.storeLocal(decision);
        final long originSequence = decision.record().originSequence();
        signing.release();
        progress.lastOriginSequence(originSequence);
        highWater.own(nodeId, originSequence);
        counters.localDecisions.incrementRelease();
        return outcome;
    }

    /**
     * An unban taken only when the prefix holds a live ban of this node's own under the request's reason, and, when
     * a sequence is given, the very ban numbered so ({@link LocalRequest#addLiftIfOurs}); {@link BanOutcome#NOT_BANNED}
     * otherwise, nothing changed.
     *
     * @param request        an {@link io.blocksync.codec.BanAction#UNBAN} naming the reason.
     * @param originSequence the origin sequence the held ban must have; 0 for any.
     */
    public int liftIfOurs(final Ban request, final long originSequence, final long nowMillis)
    {
        if (!table.get(request.prefix(), held) || !held.isActiveAt(nowMillis) || held.originNodeId() != nodeId ||
            held.reason() != request.reason() || (0 != originSequence && held.originSequence() != originSequence))
        {
            return BanOutcome.NOT_BANNED;
        }
        return decide(request, nowMillis);
    }

    public boolean isBanned(final IpPrefix prefix, final long nowMillis)
    {
        return table.isBanned(prefix, nowMillis);
    }
}
