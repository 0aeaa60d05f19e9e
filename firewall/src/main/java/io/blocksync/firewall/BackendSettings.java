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
     * The backend as the daemon starts it; backends that use more of the context than its log override this.
     *
     * @param context what the process gives the firewall: its log, the listen port and peers, ...
     * @return a backend not yet started.
     */
    default FirewallBackend newBackend(final FirewallContext context)
    {
        return newBackend(context.log());
    }

    /**
     * @return true when blocksync owns the tables or sets it writes (creates, reconciles and flushes them).
     */
    default boolean managed()
    {
        return true;
    }
}
