package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * nftables: every batch is one {@code nft -f -} transaction with the commands on stdin.
 * <p>
 * <b>Managed mode</b> owns {@code table inet blocksync}: host bans go into plain timeout sets ({@code ban4_host},
 * {@code ban6_host}, and {@code ban6_64} for IPv6 /64s matched through a mask), other prefixes into interval sets
 * ({@code ban4}, {@code ban6}) with {@code flags interval, timeout}. The split is for speed: nft 1.0.6 reads an
 * interval set's elements back before each change, so adding to a 100,000-element interval set takes ~0.7 s while a
 * plain set takes ~10 ms. An input chain (and optionally a forward chain) at a configurable priority drops from every
 * set, with counters (they restart whenever the chains are rebuilt: at start and at each re-assert). Given a
 * {@link PeerPort}, the input chain then accepts datagrams to the daemon's UDP port from the peers and drops the
 * rest, so a flood from anyone else is dropped in the kernel.
 * <p>
 * <b>Existing-set mode</b> only adds and removes elements in two sets the operator names, which must have
 * {@code flags interval, timeout}; blocksync owns their contents (flush and reconcile empty them).
 * <p>
 * Elements carry the kernel timeout, so the kernel expires bans even if the daemon dies. Deleting an element that is
 * not there must not fail the transaction: nft 1.0.6 (Debian 12) has no {@code destroy element} (nft 1.0.8 and Linux
 * 6.3 added it), so every delete is written as {@code add element ... timeout 1s; delete element ...}, which works on
 * every version; see {@link NftSetModel}.
 */
public final class NftablesBackend implements FirewallBackend
{
    /** Ten years; nft rejects element timeouts somewhere above 36,500 days. */
    public static final long MAX_TIMEOUT_SECONDS = 3650L * 86_400;

    private static final String HOST4 = "ban4_host";
    private static final String HOST6 = "ban6_host";
    private static final String NET6_64 = "ban6_64";
    private static final int IPV6_SUBNET = 64;

    private final NftablesSettings settings;
    private final PeerPort peerPort;
    private final Tool nft;
    private final ConntrackStateKiller stateKiller;
    private final String tableReference;
    private final NftSetModel host4;
    private final NftSetModel host6;
    private final NftSetModel net6at64;
    private final NftSetModel net4;
    private final NftSetModel net6;
    private final List<NftSetModel> sets = new ArrayList<>();

    public NftablesBackend(final NftablesSettings settings)
    {
        this(settings, PeerPort.NONE);
    }

    /**
     * @param peerPort the daemon's UDP port and its peers, closed to everyone else in managed mode.
     */
    public NftablesBackend(final NftablesSettings settings, final PeerPort peerPort)
    {
        this(settings, peerPort, new ProcessCommandRunner(Tool.TIMEOUT_MILLIS));
    }

    public NftablesBackend(final NftablesSettings settings, final CommandRunner runner)
    {
        this(settings, PeerPort.NONE, runner);
    }

    public NftablesBackend(final NftablesSettings settings, final PeerPort peerPort, final CommandRunner runner)
    {
        this.settings = settings;
        this.peerPort = settings.managed ? peerPort : PeerPort.NONE;
        this.nft = new Tool(runner, settings.commandPrefix, settings.nft, "install nftables");
        this.stateKiller = settings.killStates ? new ConntrackStateKiller(runner, settings.commandPrefix) : null;
        this.tableReference = settings.family + " " + settings.table;
        if (settings.managed)
        {
            host4 = model(HOST4, false);
            host6 = model(HOST6, false);
            net6at64 = model(NET6_64, false);
            net4 = model(settings.set4, true);
            net6 = model(settings.set6, true);
        }
        else
        {
            host4 = null;
            host6 = null;
            net6at64 = null;
            net4 = null == settings.set4 ? null : model(settings.set4, true);
            net6 = null == settings.set6 ? null : model(settings.set6, true);
        }
    }

    @Override
    public void start()
    {
        nft.runOrThrow("--version");
        final CommandResult tables = nft.run("list", "tables");
        if (0 != tables.exitStatus())
        {
            throw new FirewallException(nft.failure(tables));
        }

        if (settings.managed)
        {
            run(setupScript());
        }
        else
        {
            for (final NftSetModel set : sets)
            {
                checkExistingSet(set);
            }
        }

        if (null != stateKiller)
        {
            stateKiller.start();
        }
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        final long nowMs = nowMs();
        final NftSetModel[] targets = new NftSetModel[batch.size()];
        for (int i = 0; i < targets.length; i++)
        {
            targets[i] = setFor(batch.get(i).ban().prefix());
        }

        for (int i = 0; i < targets.length; i++)
        {
            final FirewallChange change = batch.get(i);
            if (FirewallChange.Op.ADD == change.op())
            {
                targets[i].add(change.ban().prefix(), change.timeoutSeconds(), nowMs);
            }
            else
            {
                targets[i].remove(change.ban().prefix(), nowMs);
            }
        }

        final StringBuilder script = new StringBuilder(64 * batch.size() + 64);
        for (final NftSetModel set : sets)
        {
            if (set.hasWork())
            {
                set.emit(script, nowMs);
            }
        }

        runModelScript(script);
        if (null != stateKiller)
        {
            stateKiller.kill(batch);
        }
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        final long nowMs = nowMs();
        for (final NftSetModel set : sets)
        {
            set.clear();
            set.rewriteNext();
        }

        for (final FirewallChange change : liveBans)
        {
            final NftSetModel set = setForOrNull(change.ban().prefix());
            if (null != set && FirewallChange.Op.ADD == change.op())
            {
                set.add(change.ban().prefix(), change.timeoutSeconds(), nowMs);
            }
        }

        final StringBuilder script = new StringBuilder(4096);
        if (settings.managed)
        {
            script.append(setupScript());
        }
        for (final NftSetModel set : sets)
        {
            set.emit(script, nowMs);
        }

        runModelScript(script);
    }

    @Override
    public void flush()
    {
        final StringBuilder script = new StringBuilder(256);
        for (final NftSetModel set : sets)
        {
            script.append("flush set ").append(set.reference()).append('\n');
        }

        run(script.toString());
        for (final NftSetModel set : sets)
        {
            set.clear();
        }
    }

    @Override
    public long maxTimeoutSeconds()
    {
        return MAX_TIMEOUT_SECONDS;
    }

    @Override
    public long reassertIntervalSeconds()
    {
        return settings.reassertIntervalSeconds;
    }

    @Override
    public void close()
    {
    }

    /**
     * The managed table, sets and chains, written so that running it again is harmless: {@code add} is a no-op for
     * what exists, and each chain is declared, emptied, deleted and created again so a changed priority takes
     * effect. It runs in the same transaction as the elements, so packets never see a half-built table.
     */
    String setupScript()
    {
        final StringBuilder script = new StringBuilder(2048);
        script.append("add table ").append(tableReference).append('\n');
        appendSet(script, HOST4, "ipv4_addr", "timeout");
        appendSet(script, HOST6, "ipv6_addr", "timeout");
        appendSet(script, NET6_64, "ipv6_addr", "timeout");
        appendSet(script, settings.set4, "ipv4_addr", "interval, timeout");
        appendSet(script, settings.set6, "ipv6_addr", "interval, timeout");
        appendChain(script, "input", true, settings.inputPriority);
        appendChain(script, "forward", settings.forwardChain, settings.forwardPriority);

        return script.toString();
    }

    private void appendSet(final StringBuilder script, final String name, final String type, final String flags)
    {
        script.append("add set ").append(tableReference).append(' ').append(name)
            .append(" { type ").append(type).append("; flags ").append(flags).append("; }\n");
    }

    private void appendChain(final StringBuilder script, final String hook, final boolean enabled, final int priority)
    {
        final String chain = tableReference + " " + hook;
        script.append("add chain ").append(chain).append('\n')
            .append("flush chain ").append(chain).append('\n')
            .append("delete chain ").append(chain).append('\n');
        if (!enabled)
        {
            return;
        }

        script.append("add chain ").append(chain).append(" { type filter hook ").append(hook)
            .append(" priority ").append(priority).append("; policy accept; }\n");
        final String rule = "add rule " + chain;
        script.append(rule).append(" ip saddr @").append(HOST4).append(" counter drop\n")
            .append(rule).append(" ip saddr @").append(settings.set4).append(" counter drop\n")
            .append(rule).append(" ip6 saddr @").append(HOST6).append(" counter drop\n")
            .append(rule).append(" ip6 saddr & ffff:ffff:ffff:ffff:: @").append(NET6_64).append(" counter drop\n")
            .append(rule).append(" ip6 saddr @").append(settings.set6).append(" counter drop\n");
        if ("input".equals(hook) && peerPort.restricted())
        {
            appendPeerPortRules(script, rule);
        }
    }

    /**
     * After the ban drops, so a banned source is counted there; "accept" only ends this chain, so the operator's
     * own chains still see the peers' datagrams.
     */
    private void appendPeerPortRules(final StringBuilder script, final String rule)
    {
        final String port = " udp dport " + peerPort.port();
        appendPeerAccept(script, rule + port + " ip saddr", peerPort.ipv4());
        appendPeerAccept(script, rule + port + " ip6 saddr", peerPort.ipv6());
        script.append(rule).append(port).append(" counter drop\n");
    }

    private static void appendPeerAccept(final StringBuilder script, final String match, final List<String> peers)
    {
        if (peers.isEmpty())
        {
            return;
        }
        script.append(match).append(" { ").append(String.join(", ", peers)).append(" } counter accept\n");
    }

    private void checkExistingSet(final NftSetModel set)
    {
        final String[] words = set.reference().split(" ");
        final CommandResult result = nft.run("list", "set", words[0], words[1], words[2]);
        if (0 != result.exitStatus())
        {
            throw new FirewallException(
                "nftables set '" + set.reference() + "' cannot be read: " + nft.failure(result));
        }

        for (final String line : result.output().split("\n"))
        {
            final String trimmed = line.trim().toLowerCase(Locale.ROOT);
            if (trimmed.startsWith("flags ") && trimmed.contains("interval") && trimmed.contains("timeout"))
            {
                return;
            }
        }

        throw new FirewallException(
            "nftables set '" + set.reference() + "' needs 'flags interval, timeout' (prefix bans and kernel expiry " +
            "depend on them)");
    }

    private NftSetModel model(final String name, final boolean interval)
    {
        final NftSetModel set = new NftSetModel(tableReference + " " + name, interval, !interval);
        sets.add(set);
        return set;
    }

    private NftSetModel setFor(final IpPrefix prefix)
    {
        final NftSetModel set = setForOrNull(prefix);
        if (null == set)
        {
            throw new FirewallException("no nftables set configured for IPv" + prefix.family() + " bans (" +
                prefix + "); name one in the nftables backend settings");
        }
        return set;
    }

    private NftSetModel setForOrNull(final IpPrefix prefix)
    {
        final int length = prefix.prefixLength();
        if (AddressFamily.IPV4 == prefix.family())
        {
            return null != host4 && 32 == length ? host4 : net4;
        }
        if (null != host6 && 128 == length)
        {
            return host6;
        }

        return null != net6at64 && IPV6_SUBNET == length ? net6at64 : net6;
    }

    private void runModelScript(final StringBuilder script)
    {
        try
        {
            if (script.length() > 0)
            {
                run(script.toString());
            }
        }
        catch (final RuntimeException ex)
        {
            for (final NftSetModel set : sets)
            {
                set.abort();
            }
            throw ex;
        }

        for (final NftSetModel set : sets)
        {
            set.commit();
        }
    }

    private void run(final String script)
    {
        final CommandResult result = nft.run(List.of("-f", "-"), script.getBytes(StandardCharsets.US_ASCII));
        if (0 != result.exitStatus())
        {
            throw new FirewallException(NftErrors.describe(nft, result));
        }
    }

    private static long nowMs()
    {
        return System.nanoTime() / 1_000_000L;
    }
}
