package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.NftSetDump;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * How the nftables backend looks at the kernel without changing it: the terse ruleset check ({@link #intact}), the
 * full check's reader on a session of its own ({@link #openReader}) and the poll of our objects' handles that replaces
 * the per-second check ({@link #openEvents}). Split from {@link NftablesBackend}, which writes.
 */
final class NftablesInspection
{
    private final NftablesSettings settings;
    private final NftablesSetup setup;
    private final NftSets routing;
    private final Tool nft;
    private final Consumer<String> log;

    NftablesInspection(
        final NftablesSettings settings, final NftablesSetup setup, final NftSets routing, final Tool nft,
        final Consumer<String> log)
    {
        this.settings = settings;
        this.setup = setup;
        this.routing = routing;
        this.nft = nft;
        this.log = log;
    }

    /**
     * Managed mode lists the ruleset tersely (no set elements, so its cost does not grow with the bans) and counts
     * the rules of each of our chains; {@code nft flush ruleset} and {@code nft flush table} both show here.
     * Existing-set mode lists nothing (its sets' elements come with them); the full check covers it.
     *
     * @throws FirewallException if the listing failed.
     */
    boolean intact(final ScriptChannel channel)
    {
        if (!settings.managed)
        {
            return true;
        }
        final CommandResult result = channel.query(true, "list", "ruleset");
        if (0 != result.exitStatus())
        {
            throw new FirewallException(NftErrors.describe(nft, result));
        }
        for (final String hook : settings.forwardChain ? new String[]{ "input", "forward" } : new String[]{ "input" })
        {
            final String chain = NftRuleset.chain(result.output(), settings.family, settings.table, hook);
            if (null == chain || count(chain, " drop") + count(chain, " accept") < setup.ruleCount(hook))
            {
                return false;
            }
        }
        // A set re-created by hand with another type or flags (no timeout) takes no ban of ours: repaired as lost.
        return !setup.setsDiffer(result.output());
    }

    /**
     * @param library true when the backend writes through the library session (then the dump socket is tried).
     */
    KernelReader openReader(final boolean library)
    {
        if (library && null == NftSetDump.unavailableReason())
        {
            try
            {
                return new NftListingReader(routing, NftSetDump.open(settings.networkNamespace), null, nft);
            }
            catch (final IOException ex)
            {
                log.accept("nftables: full checks list through nft processes: the dump socket cannot open: " +
                    ex.getMessage());
            }
        }
        return new NftListingReader(routing, null, ScriptChannels.process(nft, List.of("-f", "-")), nft);
    }

    /**
     * Managed mode with the JNI library: a {@code NETLINK_NETFILTER} socket that polls a fingerprint of our table, its
     * chains, rules and sets ({@link NftSetDump#fingerprint}: each object's handle, no set element) every
     * {@code timeoutMillis} of {@link KernelEvents#await}, and reports any change as a removal; null otherwise (the
     * worker polls {@link #intact}). Not a subscription to {@code NFNLGRP_NFTABLES}: while any socket on the host
     * listens there, the kernel builds a notification for every set element committed, a seventh of a bulk
     * commit's CPU. Existing-set mode has nothing for {@link #intact} to check.
     */
    KernelEvents openEvents()
    {
        if (!settings.managed || null != NftSetDump.unavailableReason())
        {
            return null;
        }
        final int family = NftSetDump.family(settings.family);
        final NftSetDump socket;
        final long opened;
        try
        {
            socket = NftSetDump.open(settings.networkNamespace);
            opened = socket.fingerprint(family, settings.table);
        }
        catch (final IOException ex)
        {
            log.accept("nftables: removals are checked every second: no object listing socket: " + ex.getMessage());
            return null;
        }
        return new KernelEvents()
        {
            private long last = opened;

            @Override
            public int await(final int timeoutMillis)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
                try
                {
                    final long now = socket.fingerprint(family, settings.table);
                    final boolean changed = now != last;
                    last = now;
                    // Our own repair changes it too: one more intact() check than needed, once.
                    return changed ? REMOVED : QUIET;
                }
                catch (final IOException ex)
                {
                    throw new FirewallException("nf_tables object listing: " + ex.getMessage(), ex);
                }
            }

            @Override
            public String description()
            {
                return "nf_tables object handles polled over netlink";
            }

            @Override
            public void close()
            {
                socket.close();
            }
        };
    }

    private static int count(final String text, final String word)
    {
        int count = 0;
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1))
        {
            count++;
        }
        return count;
    }
}
