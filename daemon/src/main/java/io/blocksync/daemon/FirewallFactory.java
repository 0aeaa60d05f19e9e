package io.blocksync.daemon;

import io.blocksync.daemon.config.FirewallConfig;
import io.blocksync.firewall.FirewallBackend;

import java.util.function.Consumer;

/**
 * Builds the firewall backend the [firewall] section names, for one-off use outside the node (the CLI's flush).
 */
public final class FirewallFactory
{
    private FirewallFactory()
    {
    }

    /**
     * @param log receives the backend's messages.
     * @return the backend, not yet started.
     */
    public static FirewallBackend backend(final FirewallConfig config, final Consumer<String> log)
    {
        return config.settings().newBackend(log);
    }
}
