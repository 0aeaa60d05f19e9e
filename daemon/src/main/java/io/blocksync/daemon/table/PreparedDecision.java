package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;

/**
 * A local decision between {@link BanTable#prepareLocal} and {@link BanTable#storeLocal}: the record as it will be
 * stored (every wire field fixed, so it can be signed in between, off the loop), and what the table held for the
 * prefix when it was prepared, so that storing can tell a peer's newer record that arrived meanwhile from an entry
 * the decision was meant to replace. One slot of a hand-off ring, reused; owned by one thread at a time.
 */
public final class PreparedDecision
{
    private final Ban record = new Ban();
    private boolean priorExists;
    private long priorVersion;
    private int priorOrigin;

    /** The record to sign and store. */
    public Ban record()
    {
        return record;
    }

    void prior(final boolean exists, final Ban held)
    {
        priorExists = exists;
        priorVersion = exists ? held.version() : 0;
        priorOrigin = exists ? held.originNodeId() : 0;
    }

    /** Whether {@code held} is still the entry that was in the table when the decision was prepared. */
    boolean isPrior(final Ban held)
    {
        return priorExists && held.version() == priorVersion && held.originNodeId() == priorOrigin;
    }
}
