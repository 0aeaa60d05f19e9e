package io.blocksync.firewall;

import io.blocksync.codec.Ban;

/**
 * The one door from the node's event loop to the packet filter: what the kernel must hold, never how. Behind it a
 * worker thread batches changes into the backend's tool, turns each ban's expiry into a kernel timeout, expires
 * bans in filters without timeouts and re-asserts them. The loop calls {@link #ban}, {@link #unban} and
 * {@link #poll}; none blocks or allocates in steady state.
 */
public interface Firewall extends AutoCloseable
{
    /**
     * The kernel must drop traffic from {@code ban.prefix()} (for its protocol and port, under its reason) until
     * {@code ban.expiresAtMillis()} (ms on the clock of {@link FirewallContext#clock}, the node's steady clock,
     * {@link Ban#PERMANENT} for no end). Copies what
     * it needs; the caller keeps its instance.
     *
     * @return false when the change could not even be queued (counted and logged by the firewall); it is repaired
     * at the next re-assert.
     */
    boolean ban(Ban ban);

    /**
     * The kernel must no longer hold the ban of {@code ban.prefix()} with {@code ban}'s reason, protocol and port.
     *
     * @return false when the change could not even be queued (counted and logged by the firewall).
     */
    boolean unban(Ban ban);

    /**
     * Loop thread: take finished changes and report them, and hand over changes that waited for room.
     *
     * @return work done.
     */
    int poll(FirewallListener listener);

    /**
     * Loop or any thread; allocates nothing.
     *
     * @param prefix host bits clear.
     * @return true when the prefix is banned and the kernel is confirmed to hold it (every object it maps to); false
     * while its change is queued or in flight, when the kernel refused it (it is retried), or when it is not banned.
     * The dry-run {@code log} backend answers true.
     */
    default boolean isEnforced(final io.blocksync.codec.IpPrefix prefix)
    {
        return true;
    }

    /**
     * Loop thread; allocates nothing.
     *
     * @return changes handed in that wait on the loop's side for the worker to take them (beyond
     * {@link BatchingFirewall#OVERFLOW_CAPACITY} a change is dropped): what the node's receive window shrinks by, so
     * peers' bulk slows to what the kernel absorbs instead of overflowing. 0 for a filter that takes changes at once.
     */
    default int backlog()
    {
        return 0;
    }

    /**
     * Any thread; allocates nothing.
     *
     * @param prefix host bits clear.
     * @return the kernel's (or the tool's) own message for why it refused the last write of this banned prefix, while
     * the prefix is not enforced (the write is retried with backoff); null when nothing was refused.
     */
    default String refusal(final io.blocksync.codec.IpPrefix prefix)
    {
        return null;
    }

    /**
     * @return failures of the kind between the worker and the kernel so far; any thread.
     */
    default long failures(final FailureKind kind)
    {
        return 0;
    }

    /**
     * @return the last failure's message of the kind, the tool's or library's own words, or null; any thread.
     */
    default String failureMessage(final FailureKind kind)
    {
        return null;
    }

    /**
     * @return full checks of the kernel so far (a listing diffed against the bans, or a whole re-assert where the
     * backend cannot be listed); 0 for firewalls without them. Any thread.
     */
    default long fullChecks()
    {
        return 0;
    }

    /**
     * @return how long the last full check's listing took, in milliseconds (0 before the first). Any thread.
     */
    default long fullCheckLastMillis()
    {
        return 0;
    }

    /**
     * @return kernel elements the full checks found missing or stray and put right. Any thread.
     */
    default long repairedElements()
    {
        return 0;
    }

    /**
     * @return backend transactions that succeeded (commits of element changes, flushes, re-asserts); with
     * {@code firewall_changes_applied}, how many changes a commit carries. Any thread.
     */
    default long commits()
    {
        return 0;
    }

    /** Stop the worker; kernel state stays, so bans outlive the daemon until their timeouts. */
    @Override
    void close();
}
