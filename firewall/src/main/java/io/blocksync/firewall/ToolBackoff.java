package io.blocksync.firewall;

import static io.blocksync.firewall.LiveBans.PERMANENT;

/**
 * One retry schedule per backend for everything that runs its tool as a whole: element commits that fail whatever
 * they are given ({@link ElementCommit}'s probe), the object check and re-creation of tables, chains, sets and rules
 * ({@link KernelCheck}), and the re-assert of backends that cannot be listed. Failures of any of them in one round
 * (the same retry time) count once; the next round waits {@link BanDeadlines#backoffNanos(int)} of the shared attempt
 * count, so a tool that refuses everything is run a few times per backoff step in all, not once per schedule. Each
 * side clears its own part on success (a commit that went in; objects found intact; a re-assert that worked) and the
 * attempts start again from the first step once neither side fails. Worker thread only.
 */
final class ToolBackoff
{
    /** Element writes fail as a whole. */
    static final int WRITES = 1;
    /** The object check failed, or found objects missing and re-created them (a re-creation is checked again later). */
    static final int OBJECTS = 2;

    private final BanDeadlines deadlines;
    private int failing;
    /** The object check failed (listing or re-creation refused), as opposed to objects re-created that work. */
    private boolean objectsBroken;
    private int attempts;
    private long retryAtNanos = Long.MIN_VALUE;
    private long writesRetryAtNanos = Long.MIN_VALUE;

    ToolBackoff(final BanDeadlines deadlines)
    {
        this.deadlines = deadlines;
    }

    /**
     * @param side {@link #WRITES} or {@link #OBJECTS}.
     */
    void failed(final int side, final long nowNanos)
    {
        step(nowNanos);
        failing |= side;
        objectsBroken |= OBJECTS == side;
        if (WRITES == side)
        {
            writesRetryAtNanos = retryAtNanos;
        }
    }

    /**
     * Objects were found missing and re-created: the next object check waits a step of the backoff, and writes,
     * which may have failed for want of them, may run at once.
     */
    void recreated(final long nowNanos)
    {
        step(nowNanos);
        failing = (failing | OBJECTS) & ~WRITES;
        objectsBroken = false;
    }

    private void step(final long nowNanos)
    {
        if (0 == attempts || nowNanos >= retryAtNanos)
        {
            attempts++;
            retryAtNanos = nowNanos + deadlines.backoffNanos(attempts);
        }
    }

    /**
     * @param side {@link #WRITES} or {@link #OBJECTS}: that side worked.
     */
    void succeeded(final int side)
    {
        failing &= ~side;
        objectsBroken &= OBJECTS != side;
        if (0 == failing)
        {
            attempts = 0;
            retryAtNanos = Long.MIN_VALUE;
        }
    }

    /**
     * @return true while a round failed and its backoff has not run out: the object check waits.
     */
    boolean holding(final long nowNanos)
    {
        return 0 != attempts && nowNanos < retryAtNanos;
    }

    /**
     * @return true while element writes failed as a whole and the round they failed in has not ended: commits wait.
     * Their own round's end, not the latest: an object check that fails first at the next round's time steps the
     * schedule, and the commits still get their one try in that round.
     */
    boolean holdingWrites(final long nowNanos)
    {
        return 0 != (failing & WRITES) && nowNanos < writesRetryAtNanos;
    }

    /**
     * @return when commits held by {@link #holdingWrites} may run again.
     */
    long writesRetryAtNanos()
    {
        return writesRetryAtNanos;
    }

    /**
     * @return true while the last object check failed (objects broken and not re-created, or not listable): a commit
     * into them that fails has failed as a whole, whatever its size, since a one-element batch cannot tell that apart
     * from the kernel refusing its element.
     */
    boolean objectsBroken()
    {
        return objectsBroken;
    }

    /**
     * @return when the next round may run the tool, or {@link LiveBans#PERMANENT} when nothing waits.
     */
    long retryAtNanos()
    {
        return 0 == attempts ? PERMANENT : retryAtNanos;
    }

    /**
     * @return failed rounds in a row, 0 when the tool works.
     */
    int attempts()
    {
        return attempts;
    }
}
