package io.blocksync.daemon.node;

/**
 * Keeps the progress file's sequence ceiling ({@link ProgressFile#sequenceCeiling()}) ahead of every stream, origin
 * and packet sequence this node uses, and says whether a sequence lies under a ceiling a completed sync made
 * durable. A new epoch after a crash starts above the ceiling on disk, so it is above anything this node sent,
 * without trusting the wall clock or the rest of a file that may be stale.
 * <p>
 * The ceiling is raised to {@link ProgressFile#SEQUENCE_LEASE} above the highest sequence used once use passes half a
 * lease below it, with one group-commit point ({@link GroupCommit#mark()}) for it: the sync that covers the point
 * makes it durable. Local decisions wait ({@link LocalDecisions#hasRoom()}) only if 2^23 sequences are used while one
 * sync runs. At start the ceiling the node forced to disk before the loop ({@link ProgressFile#force()}) is durable. Packet sequences are not held back: heartbeats
 * must flow, and a packet sequence used again would only be refused by a peer's replay window until the sequence
 * passed it.
 * <p>
 * Loop thread only; allocates nothing.
 */
public final class SequenceLease
{
    private final ProgressFile progress;
    private final GroupCommit commit;
    private long durableCeiling;
    private long pendingCeiling;
    private long pendingPoint;

    /**
     * @param progress this node's progress file.
     * @param commit   the group commit whose syncs make the ceiling durable; {@link GroupCommit#never()} counts every
     *                 ceiling as durable at once (nothing is, without syncs).
     */
    public SequenceLease(final ProgressFile progress, final GroupCommit commit)
    {
        this.progress = progress;
        this.commit = commit;
        this.durableCeiling = progress.forcedCeiling();
    }

    /**
     * Loop: raise the ceiling if use came near it, and whether sequences up to {@code highest} are under the durable
     * ceiling and may be used for a decision now.
     *
     * @param highest the highest stream or origin sequence the next decision may use.
     */
    public boolean covers(final long highest)
    {
        poll();
        return highest <= durableCeiling;
    }

    /** The ceiling a completed sync made durable; 0 before the first. */
    public long durableCeiling()
    {
        return durableCeiling;
    }

    private void poll()
    {
        if (0 != pendingPoint && commit.isDurable(pendingPoint))
        {
            durableCeiling = pendingCeiling;
            pendingPoint = 0;
        }
        final long ceiling = progress.extendLease();
        if (0 == pendingPoint && durableCeiling < ceiling)
        {
            final long point = commit.mark();
            if (commit.isDurable(point))
            {
                durableCeiling = ceiling;
            }
            else
            {
                pendingPoint = point;
                pendingCeiling = ceiling;
            }
        }
    }
}
