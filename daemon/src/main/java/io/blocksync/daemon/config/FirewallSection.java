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
        config.firewall = new FirewallConfig(settings);
    }
}
