package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * ipset with iptables/ip6tables: {@code hash:net} sets with timeouts, one restore script with {@code -exist} per batch
 * ({@code -exist} makes re-adding refresh the timeout and deleting a missing entry harmless), sent through a libipset
 * session kept open ({@code IpsetSession}, no process per batch) or to an {@code ipset restore -exist} process; which
 * one is {@link KernelSessionMode} (key {@code kernel-session}), chosen at {@link #start()} and logged once. The
 * iptables rules stay on the iptables tools.
 * <p>
 * <b>Managed mode</b> creates {@code hash:net} sets for IPv4 and IPv6 and inserts one DROP rule per family at the
 * top of INPUT (and optionally FORWARD), checked with {@code -C} first so it is added once. Given a {@link PeerPort},
 * it also closes the daemon's UDP port to everyone but the peers ({@link IptablesPortGuard}). Reconciliation fills a
 * temporary set and swaps it in, so live bans never leave the kernel and stale ones disappear atomically.
 * <b>Existing-set mode</b> only adds and deletes entries in the named sets; reconciliation re-adds live bans and
 * leaves stale entries to their kernel timeouts.
 * <p>
 * ipset refuses timeouts above {@value #MAX_TIMEOUT_SECONDS} s; the batcher clamps to that and re-asserts longer
 * bans before the clamp runs out. A timeout of 0 is permanent.
 */
public final class IpsetBackend implements FirewallBackend
{
    public static final long MAX_TIMEOUT_SECONDS = 2_147_483L;

    private final IpsetSettings settings;
    private final Tool ipset;
    private final ScriptChannel process;
    private final boolean toolsInjected;
    private final Consumer<String> log;
    private ScriptChannel channel;
    private final Tool iptables;
    private final Tool ip6tables;
    private final ConntrackStateKiller stateKiller;
    private final IptablesPortGuard portGuard;
    private final IpsetScripts scripts;
    private final IpsetRules rules;
    private final IpsetInspection inspection;

    public IpsetBackend(final IpsetSettings settings)
    {
        this(settings, PeerPort.NONE);
    }

    /**
     * @param peerPort the daemon's UDP port and its peers, closed to everyone else in managed mode.
     */
    public IpsetBackend(final IpsetSettings settings, final PeerPort peerPort)
    {
        this(settings, peerPort, (line) -> { });
    }

    /**
     * @param peerPort the daemon's UDP port and its peers, closed to everyone else in managed mode.
     * @param log      receives the one line saying whether the library session or the ipset process is used.
     */
    public IpsetBackend(final IpsetSettings settings, final PeerPort peerPort, final Consumer<String> log)
    {
        this(settings, peerPort, new ProcessCommandRunner(Tool.TIMEOUT_MILLIS), false, log);
    }

    public IpsetBackend(final IpsetSettings settings, final CommandRunner runner)
    {
        this(settings, PeerPort.NONE, runner);
    }

    /**
     * Every command goes to the runner (the tool path), unless the settings ask for {@code library} explicitly:
     * tests capture the scripts here.
     */
    public IpsetBackend(final IpsetSettings settings, final PeerPort peerPort, final CommandRunner runner)
    {
        this(settings, peerPort, runner, true, (line) -> { });
    }

    private IpsetBackend(
        final IpsetSettings settings,
        final PeerPort peerPort,
        final CommandRunner runner,
        final boolean toolsInjected,
        final Consumer<String> log)
    {
        this.settings = settings;
        this.ipset = new Tool(runner, settings.commandPrefix, settings.ipset, "install ipset");
        this.process = ScriptChannels.process(ipset, List.of("restore", "-exist"));
        this.channel = process;
        this.toolsInjected = toolsInjected;
        this.log = log;
        this.iptables = new Tool(runner, settings.commandPrefix, settings.iptables, "install iptables");
        this.ip6tables = new Tool(runner, settings.commandPrefix, settings.ip6tables, "install iptables");
        this.stateKiller = settings.killStates ? new ConntrackStateKiller(runner, settings.commandPrefix) : null;
        this.scripts = new IpsetScripts(settings);
        this.rules = new IpsetRules(settings, iptables, ip6tables);
        this.inspection = new IpsetInspection(ipset);
        this.portGuard = settings.managed ? new IptablesPortGuard(iptables, ip6tables, settings.portChain, peerPort) : null;
    }

    @Override
    public void start()
    {
        channel.close();
        channel = ScriptChannels.forIpset(settings, process, toolsInjected, log);
        // Both need the kernel: --version asks for its protocol version, list for the privilege; a session checks
        // the protocol version with its first command.
        final String[][] probes = process == channel ?
            new String[][]{ { "--version" }, { "list", "-n" } } : new String[][]{ { "list", "-n" } };
        for (final String[] probe : probes)
        {
            final CommandResult result = channel.query(false, probe);
            if (0 != result.exitStatus())
            {
                throw new FirewallException(IpsetScripts.describe(ipset, result));
            }
        }

        if (settings.managed)
        {
            restore(scripts.create());
            rules.ensure();
            portGuard.install();
        }
        else
        {
            inspection.checkExistingSet(channel, settings.set4);
            inspection.checkExistingSet(channel, settings.set6);
        }

        if (null != stateKiller)
        {
            stateKiller.start();
        }
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        final StringBuilder script = new StringBuilder(64 * batch.size());
        for (int i = 0, size = batch.size(); i < size; i++)
        {
            final FirewallChange change = batch.get(i);
            final String set = setFor(change);
            if (FirewallChange.Op.ADD == change.op())
            {
                IpsetScripts.appendAdd(script, set, change);
            }
            else
            {
                script.append("del ").append(set).append(' ');
                AddressText.append(change.ban().prefix(), script);
                script.append('\n');
            }
        }

        restore(script.toString());
        if (null != stateKiller)
        {
            stateKiller.kill(batch);
        }
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        final StringBuilder v4 = new StringBuilder(4096);
        final StringBuilder v6 = new StringBuilder(4096);
        final String target4 = settings.managed ? IpsetScripts.temporary(settings.set4) : settings.set4;
        final String target6 = settings.managed ? IpsetScripts.temporary(settings.set6) : settings.set6;
        for (final FirewallChange change : liveBans)
        {
            if (FirewallChange.Op.ADD != change.op())
            {
                continue;
            }

            final boolean ipv4 = AddressFamily.IPV4 == change.ban().prefix().family();
            final String set = ipv4 ? target4 : target6;
            // hash:net cannot hold a /0; one such ban must not fail the whole swap (apply reports it instead).
            if (null != set && change.ban().prefix().prefixLength() > 0)
            {
                IpsetScripts.appendAdd(ipv4 ? v4 : v6, set, change);
            }
        }

        final StringBuilder script = new StringBuilder(v4.length() + v6.length() + 512);
        if (settings.managed)
        {
            script.append(scripts.create());
            scripts.appendSwap(script, settings.set4, "inet", v4);
            scripts.appendSwap(script, settings.set6, "inet6", v6);
            restore(script.toString());
            rules.ensure();
            portGuard.repair();
        }
        else
        {
            restore(script.append(v4).append(v6).toString());
        }
    }

    @Override
    public void flush()
    {
        final StringBuilder script = new StringBuilder(64);
        for (final String set : new String[]{ settings.set4, settings.set6 })
        {
            if (null != set)
            {
                script.append("flush ").append(set).append('\n');
            }
        }

        restore(script.toString());
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
        channel.close();
        channel = process;
    }

    /**
     * @return e.g. {@code libipset session} or {@code ipset restore -exist process}: where scripts go now.
     */
    String channelDescription()
    {
        return channel.description();
    }

    @Override
    public String objectFor(final io.blocksync.codec.Ban ban)
    {
        return setFor(ban.prefix());
    }

    @Override
    public List<String> objects()
    {
        final List<String> objects = new ArrayList<>(2);
        for (final String set : new String[]{ settings.set4, settings.set6 })
        {
            if (null != set)
            {
                objects.add(set);
            }
        }
        return objects;
    }

    @Override
    public boolean listable()
    {
        return true;
    }

    /**
     * Managed mode owns its sets; named existing sets may hold others' entries, left to their timeouts.
     */
    @Override
    public boolean ownsContents()
    {
        return settings.managed;
    }

    /**
     * The sets exist; the iptables rules are checked at each full listing.
     */
    @Override
    public boolean intact()
    {
        return inspection.intact(channel, objects()) && (!settings.managed || redefined().isEmpty());
    }

    /**
     * Managed mode: sets re-created by hand with another definition are destroyed and created again under their
     * name (our rule is taken out first, since a referenced set cannot be destroyed); then what is missing is created.
     */
    @Override
    public void repair()
    {
        if (settings.managed)
        {
            for (final String set : redefined())
            {
                rules.remove(set);
                restore("destroy " + set + "\n");
            }
            restore(scripts.create());
            rules.ensure();
            portGuard.repair();
        }
    }

    /**
     * @return managed sets that exist with a definition other than ours ({@link IpsetHeader}).
     */
    private List<String> redefined()
    {
        final CommandResult result = channel.query(false, "list", "-t");
        if (0 != result.exitStatus())
        {
            throw new FirewallException(IpsetScripts.describe(ipset, result));
        }
        return IpsetHeader.mismatched(result.output(), settings.set4, settings.set6);
    }

    /**
     * Lists each set's members with one {@code ipset list SET} process per set ({@link IpsetInspection}).
     */
    @Override
    public KernelListing list()
    {
        return inspection.list(objects());
    }

    /**
     * The same {@code ipset list SET} processes, from the listing thread. Null with injected tools (tests): the
     * worker lists.
     */
    @Override
    public KernelReader openReader()
    {
        return toolsInjected ? null : inspection.openReader(objects());
    }

    /**
     * Managed mode: puts back a DROP rule someone deleted (checked at each full listing, on the worker).
     */
    @Override
    public void adopt(final KernelListing listing, final KernelListing.Changed changed)
    {
        if (settings.managed)
        {
            rules.ensure();
        }
    }

    @Override
    public void cleanUp(final String object)
    {
        if (!object.matches("[A-Za-z0-9_.:-]+"))
        {
            throw new FirewallException("not an ipset set name: '" + object + "'");
        }
        final CommandResult result = channel.run("flush " + object + "\n");
        if (0 != result.exitStatus() && !result.error().contains("does not exist"))
        {
            throw new FirewallException(IpsetScripts.describe(ipset, result));
        }
    }

    private String setFor(final io.blocksync.codec.IpPrefix prefix)
    {
        final String set = AddressFamily.IPV4 == prefix.family() ? settings.set4 : settings.set6;
        if (null == set)
        {
            throw new FirewallException("no ipset set configured for IPv" + prefix.family() + " bans (" +
                prefix + "); name one in the ipset backend settings");
        }
        return set;
    }

    private String setFor(final FirewallChange change)
    {
        return null != change.object() ? change.object() : setFor(change.ban().prefix());
    }

    private void restore(final String script)
    {
        if (script.isEmpty())
        {
            return;
        }

        final CommandResult result = channel.run(script);
        if (0 != result.exitStatus())
        {
            throw new FirewallException(IpsetScripts.describe(ipset, result));
        }
    }

}
