package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * nftables: every batch is one transaction, the same script either way: through a libnftables session kept open
 * ({@code NftablesSession}, no process per batch) or as {@code nft -f -} with the commands on stdin; which one is
 * {@link KernelSessionMode} (key {@code kernel-session}), chosen at {@link #start()} and logged once.
 * <p>
 * With the library session, a batch's element changes ({@link #apply}) go as one raw nf_tables netlink batch on a
 * socket of their own ({@link NftRawElements}) instead: libnftables 1.0.6 refreshes its cache before each command
 * once the ruleset changed, dumping every interval set's elements, so a lone ban cost grew with the prefix bans held.
 * Tables, chains, sets, {@link #reconcile}, {@link #flush()} and range deletes stay on libnftables. If the socket cannot open,
 * elements go through libnftables too (said once at start); system property
 * {@value NftRawElements#PROPERTY} {@code = false} asks for that on purpose (to compare).
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

    static final String HOST4 = "ban4_host";
    static final String HOST6 = "ban6_host";
    static final String NET6_64 = "ban6_64";

    private final NftablesSettings settings;
    private final NftablesSetup setup;
    private final Tool nft;
    private final ScriptChannel process;
    private final boolean toolsInjected;
    private final Consumer<String> log;
    private ScriptChannel channel;
    private final ConntrackStateKiller stateKiller;
    private final String tableReference;
    private final NftSets routing;
    private final List<NftSetModel> sets;
    private final NftablesInspection inspection;
    private NftRawElements writer;

    public NftablesBackend(final NftablesSettings settings)
    {
        this(settings, PeerPort.NONE);
    }

    public NftablesBackend(final NftablesSettings settings, final PeerPort peerPort)
    {
        this(settings, peerPort, (line) -> { });
    }

    /**
     * @param peerPort the daemon's UDP port and its peers, closed to everyone else in managed mode.
     * @param log      receives the one line saying whether the library session or the nft process is used.
     */
    public NftablesBackend(final NftablesSettings settings, final PeerPort peerPort, final Consumer<String> log)
    {
        this(settings, peerPort, new ProcessCommandRunner(Tool.TIMEOUT_MILLIS), false, log);
    }

    public NftablesBackend(final NftablesSettings settings, final CommandRunner runner)
    {
        this(settings, PeerPort.NONE, runner);
    }

    /**
     * Every command goes to the runner (the tool path), unless the settings ask for {@code library} explicitly:
     * tests capture the scripts here.
     */
    public NftablesBackend(final NftablesSettings settings, final PeerPort peerPort, final CommandRunner runner)
    {
        this(settings, peerPort, runner, true, (line) -> { });
    }

    private NftablesBackend(
        final NftablesSettings settings,
        final PeerPort peerPort,
        final CommandRunner runner,
        final boolean toolsInjected,
        final Consumer<String> log)
    {
        this.settings = settings;
        this.nft = new Tool(runner, settings.commandPrefix, settings.nft, "install nftables");
        this.process = ScriptChannels.process(nft, List.of("-f", "-"));
        this.channel = process;
        this.toolsInjected = toolsInjected;
        this.log = log;
        this.stateKiller = settings.killStates ? new ConntrackStateKiller(runner, settings.commandPrefix) : null;
        this.tableReference = settings.family + " " + settings.table;
        this.setup = new NftablesSetup(settings, tableReference, settings.managed ? peerPort : PeerPort.NONE);
        this.routing = new NftSets(settings, tableReference);
        this.sets = routing.all();
        this.inspection = new NftablesInspection(settings, setup, routing, nft, log);
    }

    @Override
    public void start()
    {
        channel.close();
        channel = ScriptChannels.forNftables(settings, process, toolsInjected, log);
        if (process == channel)
        {
            nft.runOrThrow("--version");
        }
        else if (null == writer)
        {
            writer = NftRawElements.open(settings.networkNamespace, channel.description(), log);
        }
        final CommandResult tables = channel.query(false, "list", "tables");
        if (0 != tables.exitStatus())
        {
            throw new FirewallException(nft.failure(tables));
        }

        if (settings.managed)
        {
            run(setup.script());
        }
        else
        {
            routing.checkExisting(channel, nft);
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
            final FirewallChange change = batch.get(i);
            targets[i] = null == change.object() ? routing.setFor(change.ban().prefix()) : routing.model(change.object());
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

        if (null != writer)
        {
            writer.commit(sets, nowMs);
        }
        else
        {
            final StringBuilder script = new StringBuilder(64 * batch.size() + 64);
            for (final NftSetModel set : sets)
            {
                if (set.hasWork())
                {
                    set.emit(script, nowMs);
                }
            }
            runModelScript(script);
        }
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
            final NftSetModel set = routing.setForOrNull(change.ban().prefix());
            if (null != set && FirewallChange.Op.ADD == change.op())
            {
                set.add(change.ban().prefix(), change.timeoutSeconds(), nowMs);
            }
        }

        final StringBuilder script = new StringBuilder(4096);
        if (settings.managed)
        {
            script.append(setup.script());
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
    public String objectFor(final io.blocksync.codec.Ban ban)
    {
        return routing.setFor(ban.prefix()).reference();
    }

    @Override
    public List<String> objects()
    {
        final List<String> objects = new ArrayList<>(sets.size());
        for (final NftSetModel set : sets)
        {
            objects.add(set.reference());
        }
        return objects;
    }

    @Override
    public boolean listable()
    {
        return true;
    }

    /**
     * Both modes: blocksync owns the contents of its sets.
     */
    @Override
    public boolean ownsContents()
    {
        return true;
    }

    /**
     * Managed mode: the terse ruleset listing finds our chains with all their rules ({@link NftablesInspection}).
     */
    @Override
    public boolean intact()
    {
        return inspection.intact(channel);
    }

    /**
     * Managed mode: what is missing is added; a table whose sets were re-defined by hand is deleted and set up again
     * in one transaction (its elements come back through the full check that follows every repair).
     */
    @Override
    public void repair()
    {
        if (settings.managed)
        {
            final CommandResult ruleset = channel.query(true, "list", "ruleset");
            run(0 == ruleset.exitStatus() && setup.setsDiffer(ruleset.output()) ? setup.recreateScript() : setup.script());
        }
    }

    @Override
    public KernelListing list()
    {
        return routing.list(channel, nft);
    }

    /**
     * With the library session: a netlink dump socket of its own ({@link NftListingReader}); on the tool path,
     * {@code nft list set} processes; with injected tools (tests), none: the worker lists.
     */
    @Override
    public KernelReader openReader()
    {
        return toolsInjected ? null : inspection.openReader(process != channel);
    }

    /**
     * Managed mode with the library session: deletions of our table, chains, rules or sets show in a fingerprint of
     * their handles polled over netlink on the monitor's thread ({@link NftablesInspection#openEvents}), so the worker
     * does not list the ruleset every second; null (the worker polls) otherwise.
     */
    @Override
    public KernelEvents openEvents()
    {
        return toolsInjected || process == channel ? null : inspection.openEvents();
    }

    /**
     * Also deletes the ranges that are not prefixes (someone else's; counted as strays by the diff).
     */
    @Override
    public void adopt(final KernelListing listing, final KernelListing.Changed changed)
    {
        routing.adopt(listing, changed, nowMs());
        final String ranges = routing.rangeDeletes(listing);
        if (!ranges.isEmpty())
        {
            run(ranges);
        }
    }

    /**
     * Flush a set of ours that no configuration maps to any more; a missing one is fine.
     */
    @Override
    public void cleanUp(final String object)
    {
        if (!object.matches("[A-Za-z0-9_.-]+ [A-Za-z0-9_.-]+ [A-Za-z0-9_.-]+"))
        {
            throw new FirewallException("not an nftables set reference: '" + object + "'");
        }
        final CommandResult result = channel.run("flush set " + object + "\n");
        if (0 != result.exitStatus() && !result.error().contains("No such file or directory"))
        {
            throw new FirewallException(NftErrors.describe(nft, result));
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

    /**
     * Closes the library session, if one is open; a later {@link #start()} chooses again.
     */
    @Override
    public void close()
    {
        if (null != writer)
        {
            writer.close();
            writer = null;
        }
        channel.close();
        channel = process;
    }

    /**
     * @return the raw element writer in use, or null (element changes go through {@link #channelDescription()}).
     */
    NftRawElements rawElements()
    {
        return writer;
    }

    private void abortAll()
    {
        for (final NftSetModel set : sets)
        {
            set.abort();
        }
    }

    /**
     * @return e.g. {@code libnftables session} or {@code nft -f - process}: where scripts go now.
     */
    String channelDescription()
    {
        return channel.description();
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
            abortAll();
            throw ex;
        }

        for (final NftSetModel set : sets)
        {
            set.commit();
        }
    }

    private void run(final String script)
    {
        final CommandResult result = channel.run(script);
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
