package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanDecider;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanTable;

/**
 * This node as an origin: the door for its own decisions (operator requests drained from the control socket's
 * queue, detector rules). A decision is taken only while the outgoing stream has room for it, numbered with the next
 * origin sequence and applied to the ban table, whose listeners (the {@link StreamSender}, the firewall) act on it.
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
    private final Ban held = new Ban();

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
        continueAboveStored(index);
        highWater.own(nodeId, progress.lastOriginSequence());
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
        return stream.hasRoom() &&
            lease.covers(Math.max(progress.lastOriginSequence() + 1, progress.streamNext() + stream.staged()));
    }

    public int decide(final Ban request, final long nowMillis)
    {
        if (!hasRoom())
        {
            return BanOutcome.BUSY;
        }

        final long originSequence = progress.lastOriginSequence() + 1;
        final int outcome = table.decideLocal(request.originNodeId(nodeId).originSequence(originSequence), nowMillis);
        if (outcome == BanOutcome.APPLIED)
        {
            progress.lastOriginSequence(originSequence);
            highWater.own(nodeId, originSequence);
            counters.localDecisions.incrementRelease();
        }
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
