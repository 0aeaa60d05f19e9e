package io.blocksync.daemon.config;

import java.util.List;

/**
 * [firewall]: which backend applies bans to the packet filter. Each backend reads its own keys in
 * {@link #bind}; to add one, add its name to {@link #BACKENDS} and a case that reads its keys (and stores them in
 * {@link NodeConfig}). Keys of other backends are then reported as unknown with the list this backend accepts.
 */
final class FirewallSection
{
    static final String NAME = "firewall";
    static final String LOG = "log";
    static final List<String> BACKENDS = List.of(LOG);

    private FirewallSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config)
    {
        final ConfigEntry entry = reader.entry("backend");
        final String backend = null == entry ? NodeConfig.DEFAULT_FIREWALL_BACKEND : entry.value();
        if (!BACKENDS.contains(backend))
        {
            reader.errorAtValue(entry, "backend: unknown firewall backend " + Quoted.quote(backend) +
                NearMiss.hint(backend, BACKENDS, "'", "'") + "; this build supports: " + String.join(", ", BACKENDS));
            // Which keys are valid depends on the backend; reporting the rest as unknown would only add noise.
            reader.acceptAnyKey();
            return;
        }

        config.firewallBackend = backend;
        switch (backend)
        {
            case LOG:
                // Writes what it would do to the log; nothing to configure.
                break;

            default:
                throw new IllegalStateException("backend listed without a case: " + backend);
        }

        reader.finish();
    }
}
