package io.blocksync.daemon.config;

import io.blocksync.firewall.BackendSettings;
import io.blocksync.firewall.FirewallSettings;

import java.util.List;

/**
 * The [firewall] section as read: the backend's name and the firewall module's own reading of the rest
 * ({@link FirewallSettings}: batcher tuning and the backend's {@code Settings}). Immutable once read.
 */
public final class FirewallConfig
{
    public static final String LOG = FirewallSettings.LOG;
    public static final String NFTABLES = FirewallSettings.NFTABLES;
    public static final String IPSET = FirewallSettings.IPSET;
    public static final String PF = FirewallSettings.PF;
    public static final String CONTROL = FirewallSettings.CONTROL;
    public static final String SSHGUARD = FirewallSettings.SSHGUARD;
    public static final List<String> BACKENDS = FirewallSettings.BACKENDS;

    private final FirewallSettings settings;

    FirewallConfig(final FirewallSettings settings)
    {
        this.settings = settings;
    }

    static FirewallConfig log()
    {
        return new FirewallConfig(FirewallSettings.log());
    }

    public String backend()
    {
        return settings.backend();
    }

    /**
     * @return true when blocksync owns the tables or sets it writes ({@code mode = managed}, pf, control, sshguard).
     */
    public boolean managed()
    {
        return settings.managed();
    }

    /**
     * @return the backend's own settings (e.g. {@code PfBackend.Settings}); null for {@code log}.
     */
    public BackendSettings backendSettings()
    {
        return settings.settings();
    }

    /**
     * @return everything the firewall module needs to start this backend.
     */
    public FirewallSettings settings()
    {
        return settings;
    }
}
