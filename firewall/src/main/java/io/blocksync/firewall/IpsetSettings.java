package io.blocksync.firewall;

import java.util.List;
import java.util.function.Consumer;

/**
 * Settings of the {@link IpsetBackend}, read from a [firewall] section with {@link #parse} or set in code; names are
 * validated as they are set.
 */
public final class IpsetSettings implements BackendSettings
{
    private static final String PORT_CHAIN_SUFFIX = "-port";
    private static final int MAX_CHAIN_PREFIX = 28 - PORT_CHAIN_SUFFIX.length();

    List<String> commandPrefix = List.of();
    String ipset = "ipset";
    String iptables = "iptables";
    String ip6tables = "ip6tables";
    boolean managed = true;
    String set4;
    String set6;
    int maxElements = 1 << 20;
    boolean forwardChain;
    long reassertIntervalSeconds = 600;
    boolean killStates;
    boolean restrictPort = true;
    KernelSessionMode kernelSession = KernelSessionMode.AUTO;
    String networkNamespace;
    String portChain;

    /**
     * Keys {@code mode}, then {@code set-prefix}, {@code forward}, {@code restrict-port} (managed) or {@code set4}, {@code set6}
     * (existing), then {@code kill-states}; {@code kernel-session} in both modes.
     */
    public static IpsetSettings parse(final SettingsSection section)
    {
        final IpsetSettings settings = parseKeys(section);
        return settings.kernelSession(section.value("kernel-session", KernelSessionMode::parse, KernelSessionMode.AUTO));
    }

    private static IpsetSettings parseKeys(final SettingsSection section)
    {
        IpsetSettings settings = new IpsetSettings();
        if (BackendKeys.managed(section))
        {
            settings = managed(BackendKeys.name(section, "set-prefix", "blocksync", (text) ->
            {
                Names.ipsetName("ipset set", text + "4");
                return text;
            }));
            settings.forwardChain(section.bool("forward", false));
            settings.restrictPort(section.bool("restrict-port", true));
        }
        else
        {
            final String set4 = BackendKeys.name(section, "set4", null, (text) -> Names.ipsetName("ipset set", text));
            final String set6 = BackendKeys.name(section, "set6", null, (text) -> Names.ipsetName("ipset set", text));
            final boolean killStates = section.bool("kill-states", false);
            if (BackendKeys.checkExistingSets(section, set4, set6))
            {
                settings = existingSets(set4, set6);
            }
            return settings.killStates(killStates);
        }

        return settings.killStates(section.bool("kill-states", false));
    }

    @Override
    public FirewallBackend newBackend(final Consumer<String> log)
    {
        return new IpsetBackend(this, PeerPort.NONE, log);
    }

    /**
     * In managed mode a chain {@code PREFIX-port} also admits the listen port's datagrams from the peers only, unless
     * {@link #restrictPort(boolean)} turned that off; see {@link PeerPort}.
     */
    @Override
    public FirewallBackend newBackend(final FirewallContext context)
    {
        return new IpsetBackend(this, PeerPort.forManagedBackend(managed && restrictPort, context), context.log());
    }

    @Override
    public boolean managed()
    {
        return managed;
    }

    /**
     * Managed mode with sets {@code PREFIX4} and {@code PREFIX6}, e.g. {@code blocksync4}, {@code blocksync6}.
     */
    public static IpsetSettings managed(final String setPrefix)
    {
        final IpsetSettings settings = new IpsetSettings();
        settings.set4 = Names.ipsetName("ipset set", setPrefix + "4");
        settings.set6 = Names.ipsetName("ipset set", setPrefix + "6");
        // iptables chain names hold 28 characters.
        settings.portChain = setPrefix.substring(0, Math.min(setPrefix.length(), MAX_CHAIN_PREFIX)) + PORT_CHAIN_SUFFIX;
        return settings;
    }

    /**
     * Existing-set mode; either set may be null if that family is never banned.
     */
    public static IpsetSettings existingSets(final String set4, final String set6)
    {
        final IpsetSettings settings = new IpsetSettings();
        settings.managed = false;
        settings.set4 = null == set4 ? null : Names.ipsetName("ipset IPv4 set", set4);
        settings.set6 = null == set6 ? null : Names.ipsetName("ipset IPv6 set", set6);
        if (null == set4 && null == set6)
        {
            throw new IllegalArgumentException("ipset existing-set mode needs an IPv4 set, an IPv6 set or both");
        }
        return settings;
    }

    public IpsetSettings commandPrefix(final List<String> commandPrefix)
    {
        this.commandPrefix = List.copyOf(commandPrefix);
        return this;
    }

    public IpsetSettings programs(final String ipset, final String iptables, final String ip6tables)
    {
        this.ipset = ipset;
        this.iptables = iptables;
        this.ip6tables = ip6tables;
        return this;
    }

    /**
     * @param maxElements the sets' {@code maxelem}; changing it later needs the sets destroyed first.
     */
    public IpsetSettings maxElements(final int maxElements)
    {
        if (maxElements < 1)
        {
            throw new IllegalArgumentException("ipset maxElements must be positive: " + maxElements);
        }
        this.maxElements = maxElements;
        return this;
    }

    public IpsetSettings forwardChain(final boolean enabled)
    {
        this.forwardChain = enabled;
        return this;
    }

    public IpsetSettings reassertIntervalSeconds(final long seconds)
    {
        if (seconds < 0)
        {
            throw new IllegalArgumentException("ipset reassert interval must be >= 0: " + seconds);
        }
        this.reassertIntervalSeconds = seconds;
        return this;
    }

    /**
     * @param enabled in managed mode, drop datagrams to the daemon's UDP port from anyone but the peers (default).
     */
    public IpsetSettings restrictPort(final boolean enabled)
    {
        this.restrictPort = enabled;
        return this;
    }

    /**
     * @param mode how scripts reach the kernel: the library session, the ipset process, or the session with the
     *             process as fallback (default); key {@code kernel-session}.
     */
    public IpsetSettings kernelSession(final KernelSessionMode mode)
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
    public IpsetSettings networkNamespace(final String path)
    {
        this.networkNamespace = path;
        return this;
    }

    public IpsetSettings killStates(final boolean enabled)
    {
        this.killStates = enabled;
        return this;
    }
}
