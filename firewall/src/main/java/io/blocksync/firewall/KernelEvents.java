package io.blocksync.firewall;

/**
 * A backend's watch on the kernel objects it needs ({@link FirewallBackend#openEvents()}): for nftables a
 * fingerprint of its table's objects polled over netlink (not the ruleset's notifications, {@code NFNLGRP_NFTABLES}:
 * while anyone listens there, the kernel builds one for every set element committed). The reconciler's monitor
 * thread waits in {@link #await(int)} and asks the worker for an {@link FirewallBackend#intact()} check only when
 * something was removed, instead of the worker polling every second. One thread; close once.
 */
public interface KernelEvents extends AutoCloseable
{
    /** {@link #await(int)}: nothing was removed within the time. */
    int QUIET = 0;
    /** {@link #await(int)}: a table, chain, rule or set of ours was deleted. */
    int REMOVED = 1;
    /** {@link #await(int)}: notifications were lost (a full socket buffer): anything may have changed. */
    int LOST = 2;

    /**
     * @param timeoutMillis how long to wait at most.
     * @return {@link #QUIET}, {@link #REMOVED} or {@link #LOST}.
     * @throws FirewallException if the watch failed (the worker goes back to polling).
     */
    int await(int timeoutMillis);

    /**
     * @return e.g. {@code nf_tables object handles polled over netlink}, for the start-up log line.
     */
    String description();

    @Override
    void close();
}
