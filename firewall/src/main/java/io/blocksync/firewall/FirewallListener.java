package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;

/**
 * What became of the changes handed to a {@link Firewall}, reported on the loop thread by {@link Firewall#poll}.
 */
public interface FirewallListener
{
    /** A change reached the kernel. */
    void onApplied(IpPrefix prefix, boolean ban);

    /**
     * A ban reached the kernel, right after {@link #onApplied}: for measuring how long it took (its
     * {@link Ban#originTimeMillis()}).
     *
     * @param ban the change's own copy, valid during the call only.
     */
    default void onBanEnforced(final Ban ban)
    {
    }

    /**
     * A change failed after every retry.
     *
     * @param error the tool's own message (stderr, or the exception's text).
     */
    void onFailed(IpPrefix prefix, boolean ban, CharSequence error);

    /** A change could not be queued at all (the hand-over ring was full). */
    void onDropped(IpPrefix prefix, boolean ban);

    /**
     * Failures of one kind between the worker and the kernel since the last report (an apply that failed as a whole
     * or in part, a check that could not run, drift repaired), reported on the loop thread by {@link Firewall#poll}.
     * Each streak is already logged once by the firewall with the tool's message.
     *
     * @param count   new failures of the kind, at least 1.
     * @param message the last one's message (the tool's own words).
     */
    default void onBackendFailure(final FailureKind kind, final long count, final CharSequence message)
    {
    }
}
