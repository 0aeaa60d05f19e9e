package io.blocksync.daemon.config;

import io.blocksync.firewall.FirewallSettings;

import java.nio.file.Path;

/**
 * [firewall]: which backend applies bans to the packet filter; the firewall module reads the backend's own keys
 * through a {@link SettingsSection}. Keys of other backends are reported as unknown with the list the chosen
 * backend accepts.
 */
final class FirewallSection
{
    static final String NAME = "firewall";

    private FirewallSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config, final Path baseDirectory)
    {
        final ConfigEntry entry = reader.entry("backend");
        final String backend = null == entry ? NodeConfig.DEFAULT_FIREWALL_BACKEND : entry.value();
        if (!FirewallConfig.BACKENDS.contains(backend))
        {
            reader.errorAtValue(entry, "backend: unknown firewall backend " + Quoted.quote(backend) +
                NearMiss.hint(backend, FirewallConfig.BACKENDS, "'", "'") + "; this build supports: " +
                String.join(", ", FirewallConfig.BACKENDS));
            // Which keys are valid depends on the backend; reporting the rest as unknown would only add noise.
            reader.acceptAnyKey();
            return;
        }

        config.firewallBackend = backend;
        final FirewallSettings settings = FirewallSettings.parse(backend, new SettingsSection(reader, baseDirectory));
        reader.finish();
        if (reader.allValuesValid())
        {
            checkPrograms(reader, backend, baseDirectory);
        }
        config.firewall = new FirewallConfig(settings);
    }

    /**
     * The programs the backend runs as the daemon's user: the control script or sshguard command as configured, or
     * the packet filter's own tool as found in PATH.
     */
    private static void checkPrograms(final SectionReader reader, final String backend, final Path baseDirectory)
    {
        switch (backend)
        {
            case FirewallSettings.CONTROL:
                final ConfigEntry script = reader.entry("script");
                if (null != script)
                {
                    final Path path = Values.path(baseDirectory).parse(script.value());
                    StrictModes.checkProgram(reader, script, path.toString());
                }
                break;
            case FirewallSettings.SSHGUARD:
                final ConfigEntry command = reader.entry("command");
                if (null != command)
                {
                    StrictModes.checkProgram(reader, command, command.value().trim().split("\\s+")[0]);
                }
                break;
            case FirewallSettings.NFTABLES:
                StrictModes.checkProgram(reader, reader.entry("backend"), "nft");
                break;
            case FirewallSettings.IPSET:
                StrictModes.checkProgram(reader, reader.entry("backend"), "ipset");
                break;
            case FirewallSettings.PF:
                StrictModes.checkProgram(reader, reader.entry("backend"), "pfctl");
                break;
            default:
                break;
        }
    }
}
