package io.blocksync.daemon;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.daemon.store.BanStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * What a node's persisted store holds, read the way `blocksync bans` reads it: from another process's view.
 */
final class StoreView
{
    private StoreView()
    {
    }

    /** Canonical text of every prefix with an active ban. */
    static Set<String> activeBans(final Path stateDir) throws IOException
    {
        final long now = System.currentTimeMillis();
        final Set<String> bans = new HashSet<>();
        try (BanStore store = BanStore.openReader(stateDir))
        {
            store.forEach((Ban ban) ->
            {
                if (ban.isActiveAt(now))
                {
                    bans.add(AddressText.format(ban.prefix()));
                }
            });
        }
        return bans;
    }

    static boolean isBanned(final Path stateDir, final String prefix) throws IOException
    {
        return activeBans(stateDir).contains(prefix);
    }
}
