package io.blocksync.daemon.config;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.util.HashMap;
import java.util.Map;

/**
 * [allow]: prefixes that are never banned, neither by this node nor on a peer's word.
 */
final class AllowSection
{
    static final String NAME = "allow";

    private AllowSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config)
    {
        final Map<IpPrefix, Integer> firstLines = new HashMap<>();
        for (final ConfigEntry entry : reader.entries("prefix"))
        {
            // A bare address is one host: /32 or /128.
            final IpPrefix prefix = new IpPrefix();
            final String error = AddressText.parse(entry.value(), prefix, 32, 128);
            if (null != error)
            {
                reader.errorAtValue(entry, "prefix: " + error);
                continue;
            }

            final Integer firstLine = firstLines.putIfAbsent(prefix, entry.line());
            if (null != firstLine)
            {
                reader.warningAtValue(entry, "prefix: " + prefix + " is already listed on line " + firstLine);
                continue;
            }

            config.allowList.add(prefix);
        }
        reader.finish();
    }
}
