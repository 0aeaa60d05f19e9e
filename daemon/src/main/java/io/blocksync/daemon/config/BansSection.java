package io.blocksync.daemon.config;

/**
 * [bans]: how long and how wide bans are, and the guard rails applied to local and remote bans alike.
 */
final class BansSection
{
    static final String NAME = "bans";

    private static final int MAX_STORE_CAPACITY = 100_000_000;
    private static final int MAX_ORIGIN_RATE = 1_000_000;

    private BansSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config)
    {
        config.defaultBanSeconds = reader.value("default-duration", Values.banSeconds(), config.defaultBanSeconds);
        config.maxBanSeconds = reader.value("max-duration", Values.banSeconds(), config.maxBanSeconds);
        config.ipv4BanPrefix = reader.value("ipv4-prefix", Values.integer(1, 32), config.ipv4BanPrefix);
        config.ipv6BanPrefix = reader.value("ipv6-prefix", Values.integer(1, 128), config.ipv6BanPrefix);
        config.minPrefixIpv4 = reader.value("min-prefix-ipv4", Values.integer(1, 32), config.minPrefixIpv4);
        config.minPrefixIpv6 = reader.value("min-prefix-ipv6", Values.integer(1, 128), config.minPrefixIpv6);
        config.storeCapacity = reader.value("capacity", Values.integer(1, MAX_STORE_CAPACITY), config.storeCapacity);
        config.originQuotaPercent = reader.value("origin-quota", Values.integer(1, 100), config.originQuotaPercent);
        config.originRatePerSecond =
            reader.value("origin-rate", Values.integer(1, MAX_ORIGIN_RATE), config.originRatePerSecond);
        config.originBurst = reader.value("origin-burst", Values.integer(0, MAX_STORE_CAPACITY), (int)config.originBurst);
        config.trackedSources = reader.value("tracked-sources", Values.integer(1024, 16_777_216), config.trackedSources);
        reader.finish();

        if (!reader.allValuesValid())
        {
            return;
        }

        final boolean defaultTooLong = Durations.PERMANENT != config.maxBanSeconds &&
            (Durations.PERMANENT == config.defaultBanSeconds || config.defaultBanSeconds > config.maxBanSeconds);
        if (defaultTooLong)
        {
            reader.errorAt("default-duration (" + Durations.formatBanSeconds(config.defaultBanSeconds) +
                ") is longer than max-duration (" + Durations.formatBanSeconds(config.maxBanSeconds) + ")",
                "default-duration", "max-duration");
        }

        if (config.ipv4BanPrefix < config.minPrefixIpv4)
        {
            reader.errorAt("ipv4-prefix (/" + config.ipv4BanPrefix + ") is shorter than min-prefix-ipv4 (/" +
                config.minPrefixIpv4 + "), so this node's own bans would be refused", "ipv4-prefix", "min-prefix-ipv4");
        }

        if (config.ipv6BanPrefix < config.minPrefixIpv6)
        {
            reader.errorAt("ipv6-prefix (/" + config.ipv6BanPrefix + ") is shorter than min-prefix-ipv6 (/" +
                config.minPrefixIpv6 + "), so this node's own bans would be refused", "ipv6-prefix", "min-prefix-ipv6");
        }
    }
}
