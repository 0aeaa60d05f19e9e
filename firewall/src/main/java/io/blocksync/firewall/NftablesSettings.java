package io.blocksync.firewall;

import java.util.List;
import java.util.function.Consumer;

/**
 * Settings of the {@link NftablesBackend}, read from a [firewall] section with {@link #parse} or set in code; names are
 * validated as they are set.
 */
public final class NftablesSettings implements BackendSettings
{
    List<String> commandPrefix = List.of();
    String nft = "nft";
    boolean managed = true;
    String family = "inet";
    String table = "blocksync";
    String set4 = "ban4";
    String set6 = "ban6";
    int inputPriority = -10;
    boolean forwardChain;
    int forwardPriority = -10;
    long reassertIntervalSeconds = 600;
    boolean killStates;
    boolean restrictPort = true;
    KernelSessionMode kernelSession = KernelSessionMode.AUTO;
    String networkNamespace;

    /**
     * Keys {@code mode}, then {@code table}, {@code priority}, {@code forward}, {@code restrict-port} (managed) or
     * {@code family},
     * {@code table} (required), {@code set4}, {@code set6} (existing), then {@code kill-states}; {@code kernel-session}
     * in both modes.
     */
    public static NftablesSettings parse(final SettingsSection section)
    {
        final NftablesSettings settings = parseKeys(section);
        return settings.kernelSession(section.value("kernel-session", KernelSessionMode::parse, KernelSessionMode.AUTO));
    }

    private static NftablesSettings parseKeys(final SettingsSection section)
    {
        NftablesSettings settings = new NftablesSettings();
        if (BackendKeys.managed(section))
        {
            settings = managed(BackendKeys.name(section, "table", "blocksync", NftablesSettings::checkTable));
            final int priority = section.integer("priority", -1000, 1000, -10);
            settings.inputPriority(priority).forwardChain(section.bool("forward", false), priority);
            settings.restrictPort(section.bool("restrict-port", true));
        }
        else
        {
            final String family = BackendKeys.name(
                section, "family", "inet", (text) -> Names.nftFamily("nftables family", text));
            final String table = BackendKeys.requiredName(section, "table", NftablesSettings::checkTable);
            final String set4 = BackendKeys.name(section, "set4", null, NftablesSettings::checkSet);
            final String set6 = BackendKeys.name(section, "set6", null, NftablesSettings::checkSet);
            final boolean killStates = section.bool("kill-states", false);
            if (BackendKeys.checkExistingSets(section, set4, set6) && null != table)
            {
                settings = existingSets(family, table, set4, set6);
            }
            return settings.killStates(killStates);
        }

        return settings.killStates(section.bool("kill-states", false));
    }

    private static String checkTable(final String text)
    {
        return Names.nftIdentifier("nftables table", text);
    }

    private static String checkSet(final String text)
    {
        return Names.nftIdentifier("nftables set", text);
    }

    @Override
    public FirewallBackend newBackend(final Consumer<String> log)
    {
        return new NftablesBackend(this, PeerPort.NONE, log);
    }

    /**
     * In managed mode the input chain also admits the listen port's datagrams from the peers only, unless
     * {@link #restrictPort(boolean)} turned that off; see {@link PeerPort}.
     */
    @Override
    public FirewallBackend newBackend(final FirewallContext context)
    {
        return new NftablesBackend(this, PeerPort.forManagedBackend(managed && restrictPort, context), context.log());
    }

    @Override
    public boolean managed()
    {
        return managed;
    }

    /**
     * Managed mode with {@code table inet TABLE}.
     */
    public static NftablesSettings managed(final String table)
    {
        final NftablesSettings settings = new NftablesSettings();
        settings.table = Names.nftIdentifier("nftables table", table);
        return settings;
    }

    /**
     * Existing-set mode: only elements of the named sets are changed. Either set may be null if that family
     * is never banned.
     */
    public static NftablesSettings existingSets(
        final String family, final String table, final String set4, final String set6)
    {
        final NftablesSettings settings = new NftablesSettings();
        settings.managed = false;
        settings.family = Names.nftFamily("nftables family", family);
        settings.table = Names.nftIdentifier("nftables table", table);
        settings.set4 = null == set4 ? null : Names.nftIdentifier("nftables IPv4 set", set4);
        settings.set6 = null == set6 ? null : Names.nftIdentifier("nftables IPv6 set", set6);
        if (null == set4 && null == set6)
        {
            throw new IllegalArgumentException("nftables existing-set mode needs an IPv4 set, an IPv6 set or both");
        }
        return settings;
    }

    /**
     * @param commandPrefix run nft through this, e.g. {@code ip netns exec NS}.
     */
    public NftablesSettings commandPrefix(final List<String> commandPrefix)
    {
        this.commandPrefix = List.copyOf(commandPrefix);
        return this;
    }

    public NftablesSettings nftProgram(final String nft)
    {
        this.nft = nft;
        return this;
    }

    public NftablesSettings inputPriority(final int priority)
    {
        this.inputPriority = priority;
        return this;
    }

    /**
     * @param enabled also drop banned sources in a forward chain (routers, containers behind this host).
     */
    public NftablesSettings forwardChain(final boolean enabled, final int priority)
    {
        this.forwardChain = enabled;
        this.forwardPriority = priority;
        return this;
    }

    /**
     * @param seconds how often all live bans are written again (heals a ruleset reload); 0 for never.
     */
    public NftablesSettings reassertIntervalSeconds(final long seconds)
    {
        if (seconds < 0)
        {
            throw new IllegalArgumentException("nftables reassert interval must be >= 0: " + seconds);
        }
        this.reassertIntervalSeconds = seconds;
        return this;
    }

    /**
     * @param enabled in managed mode, drop datagrams to the daemon's UDP port from anyone but the peers (default).
     */
    public NftablesSettings restrictPort(final boolean enabled)
    {
        this.restrictPort = enabled;
        return this;
    }

    /**
     * @param mode how scripts reach the kernel: the library session, the nft process, or the session with the
     *             process as fallback (default); key {@code kernel-session}.
     */
    public NftablesSettings kernelSession(final KernelSessionMode mode)
    {
        this.kernelSession = mode;
        return this;
    }

    /**
     * @param path a network namespace file such as {@code /run/netns/NAME} that the library session enters (see
     *             NftablesSession), or null for the daemon's own; pair it with a command prefix
     *             {@code ip netns exec NAME} for the tools. With a command prefix and no namespace, the session is
     *             not used (it cannot follow a prefix).
     */
    public NftablesSettings networkNamespace(final String path)
    {
        this.networkNamespace = path;
        return this;
    }

    /**
     * @param enabled delete conntrack entries of newly banned sources ({@code conntrack -D}).
     */
    public NftablesSettings killStates(final boolean enabled)
    {
        this.killStates = enabled;
        return this;
    }
}
