package io.blocksync.firewall;

/**
 * A backend's second, independent connection to the kernel that only lists ({@link FirewallBackend#openReader()}):
 * its own socket, library context or processes, so a full listing runs on the listing thread while the worker keeps
 * committing through the backend's own session. Used from one thread at a time.
 */
public interface KernelReader extends AutoCloseable
{
    /**
     * @return what the kernel holds in every object of {@link FirewallBackend#objects()}, as
     * {@link FirewallBackend#list()} would, without touching the backend's state.
     * @throws FirewallException if a listing failed.
     */
    KernelListing list();

    /**
     * Called once on the listing thread before its first listing: lower that thread's CPU priority where the
     * platform allows, since a listing is background work that must not take CPU from the loop and the commits.
     * Best effort: a thread left at its priority lists as before.
     */
    default void background()
    {
    }

    /**
     * @return e.g. {@code nf_tables netlink dump socket}, for log lines and status.
     */
    String description();

    @Override
    void close();
}
