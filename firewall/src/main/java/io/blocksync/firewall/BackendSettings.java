package io.blocksync.firewall;

import java.util.function.Consumer;

/**
 * One backend's parsed settings, able to build the backend.
 */
public interface BackendSettings
{
    /**
     * @param log receives the backend's own messages; called from the worker thread.
     * @return a backend not yet started.
     */
    FirewallBackend newBackend(Consumer<String> log);

    /**
     * @return true when blocksync owns the tables or sets it writes (creates, reconciles and flushes them).
     */
    default boolean managed()
    {
        return true;
    }
}
