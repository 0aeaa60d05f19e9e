package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

/**
 * What became of the changes handed to a {@link Firewall}, reported on the loop thread by {@link Firewall#poll}.
 */
public interface FirewallListener
{
    /** A change reached the kernel. */
    void onApplied(IpPrefix prefix, boolean ban);

    /**
     * A change failed after every retry.
     *
     * @param error the tool's own message (stderr, or the exception's text).
     */
    void onFailed(IpPrefix prefix, boolean ban, CharSequence error);

    /** A change could not be queued at all (the hand-over ring was full). */
    void onDropped(IpPrefix prefix, boolean ban);
}
