package io.blocksync.firewall;

import java.util.List;

/**
 * A packet filter the batcher drives. All methods are called from one thread (the batcher's worker, or the CLI
 * for a one-off flush); none is ever called from the event loop.
 * <p>
 * Changes carry validated {@link io.blocksync.codec.IpPrefix} values; backends pass them to tools only as canonical
 * text from {@link io.blocksync.codec.AddressText} and start processes with argument arrays, never through a shell.
 */
public interface FirewallBackend extends AutoCloseable
{
    /**
     * Check the tool exists and we have the privilege to use it, and create managed tables or sets.
     *
     * @throws FirewallException with a one-line reason, e.g. {@code nft: Operation not permitted (run as root)}.
     */
    void start();

    /**
     * Apply a batch, as one transaction where the tool offers one. {@link FirewallChange#timeoutSeconds()} is the
     * kernel timeout to set (0 = none). The list and its changes are only valid during the call.
     *
     * @param batch ADD and REMOVE changes in the order they were made.
     * @throws FirewallException if the tool failed; the batcher retries the batch.
     */
    void apply(List<FirewallChange> batch);

    /**
     * Make the filter hold every live ban (start-up, and the periodic re-assert). Backends that own their sets or
     * tables also remove elements that are no longer banned, atomically where the tool allows it.
     *
     * @param liveBans ADD changes with the remaining kernel timeout.
     * @throws FirewallException if the tool failed.
     */
    void reconcile(Iterable<FirewallChange> liveBans);

    /**
     * Empty the sets, tables or rules this backend manages.
     *
     * @throws FirewallException if the tool failed.
     */
    void flush();

    /**
     * The longest kernel timeout the filter accepts, or 0 when there is no limit or no timeouts at all. Longer bans
     * are handed over clamped and re-asserted by the batcher before the clamp runs out.
     */
    default long maxTimeoutSeconds()
    {
        return 0;
    }

    /**
     * How often the batcher should {@link #reconcile(Iterable)} with its view of live bans (to refresh clamped
     * timeouts and heal sets wiped by a firewall reload), or 0 for never after start-up.
     */
    default long reassertIntervalSeconds()
    {
        return 0;
    }

    /**
     * The kernel object (nft set, ipset set, pf table) a ban's element lives in; bans of the same prefix that map to
     * the same object are one element, held until the latest of them ends. Default: one object.
     *
     * @throws FirewallException if no object is configured for the ban's family.
     */
    default String objectFor(final io.blocksync.codec.Ban ban)
    {
        return "";
    }

    /**
     * @return every object the current configuration writes (recorded in the state directory, so an object a later
     * configuration no longer maps is still emptied by {@link #cleanUp(String)}).
     */
    default List<String> objects()
    {
        return List.of();
    }

    /**
     * @return true when the filter can be listed ({@link #list()}), so the reconciler diffs instead of re-asserting.
     */
    default boolean listable()
    {
        return false;
    }

    /**
     * @return true when blocksync owns the contents of its objects, so elements nobody banned are deleted.
     */
    default boolean ownsContents()
    {
        return false;
    }

    /**
     * Cheap check: do the tables, sets, chains or rules this backend needs exist? Never lists elements. Run on the
     * worker every second, or, when the backend has {@link #openEvents() removal events}, only after one (and after
     * a failed commit).
     *
     * @throws FirewallException if the check could not run.
     */
    default boolean intact()
    {
        return true;
    }

    /**
     * Re-create what {@link #intact()} found missing (idempotent), without touching elements that are there.
     *
     * @throws FirewallException if the tool failed.
     */
    default void repair()
    {
        start();
    }

    /**
     * What the kernel holds in every object of {@link #objects()}; worker thread, may take long for big sets. Changes
     * nothing: {@link #adopt} follows.
     *
     * @throws FirewallException if a listing failed.
     * @throws UnsupportedOperationException unless {@link #listable()}.
     */
    default KernelListing list()
    {
        throw new UnsupportedOperationException("not listable");
    }

    /**
     * A second connection for full listings on a thread of their own, or null when {@link #list()} must run on the
     * worker (pf, tests' injected tools). Opened on the worker after {@link #start()}; closed by the caller.
     *
     * @throws FirewallException if it cannot be opened.
     */
    default KernelReader openReader()
    {
        return null;
    }

    /**
     * Notifications that the kernel objects {@link #intact()} checks were removed (a ruleset or table flush, a deleted
     * set), so the worker need not poll; or null to poll (the default). Opened after {@link #start()}, read on a
     * thread of its own, closed by the caller.
     *
     * @throws FirewallException if it cannot be opened.
     */
    default KernelEvents openEvents()
    {
        return null;
    }

    /**
     * Take in a listing (from {@link #list()} or an {@link #openReader() reader}) on the worker, e.g. into a model of
     * what the kernel holds; elements {@code changed} says were written after the listing started are left as they
     * are.
     *
     * @throws FirewallException if something the listing showed missing could not be put back.
     */
    default void adopt(final KernelListing listing, final KernelListing.Changed changed)
    {
    }

    /**
     * Empty an object this node wrote once and no longer maps anything to (a missing one is fine).
     *
     * @throws FirewallException if the tool failed.
     */
    default void cleanUp(final String object)
    {
    }

    /**
     * Release processes and resources. Kernel state stays, so bans outlive the daemon until their timeouts.
     */
    @Override
    void close();
}
