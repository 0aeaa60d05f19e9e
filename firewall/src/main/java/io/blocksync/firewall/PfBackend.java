package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.nativeio.CommandRunner;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * pf through pfctl: bans are table entries, one table per reason allowed (e.g. {@code brutessh}, {@code bruteweb},
 * default {@code blocksync}). Per batch and table there is one {@code pfctl -t T -T delete -f -} and one
 * {@code pfctl -t T -T add -f -} with the addresses on stdin. pf keeps established states past a new block, so each
 * added entry is followed by {@code pfctl -k ADDR}, as blocklistd's helper does.
 * <p>
 * pf tables have no per-entry timeout: the batcher removes bans when their time is up. Reconciliation replaces each
 * table's contents in one call ({@code -T replace}) in managed mode, or only adds in shared mode.
 */
public final class PfBackend implements FirewallBackend
{
    /**
     * Configuration; table names are validated as they are set.
     */
    public static final class Settings implements BackendSettings
    {
        private List<String> commandPrefix = List.of();
        private String pfctl = "pfctl";
        private String defaultTable = "blocksync";
        private final Map<String, String> reasonTables = new HashMap<>();
        private boolean managed = true;
        private boolean killStates = true;
        private long reassertIntervalSeconds = 600;

        /**
         * Keys {@code table} (default table), repeatable {@code reason-table = REASON:TABLE}, {@code kill-states}
         * (default yes).
         */
        public static Settings parse(final SettingsSection section)
        {
            final Settings settings = new Settings()
                .defaultTable(BackendKeys.name(section, "table", "blocksync", (text) -> Names.pfTable("pf default table", text)));
            for (final Map.Entry<String, String> entry :
                BackendKeys.byReason(section, "reason-table", (text) -> Names.pfTable("pf table", text)).entrySet())
            {
                settings.reasonTable(entry.getKey(), entry.getValue());
            }

            return settings.killStates(section.bool("kill-states", true));
        }

        @Override
        public FirewallBackend newBackend(final java.util.function.Consumer<String> log)
        {
            return new PfBackend(this);
        }

        @Override
        public boolean managed()
        {
            return managed;
        }

        /**
         * @return the table per ban reason; bans with other reasons go into the default table.
         */
        public Map<String, String> reasonTables()
        {
            return java.util.Collections.unmodifiableMap(reasonTables);
        }

        public Settings commandPrefix(final List<String> commandPrefix)
        {
            this.commandPrefix = List.copyOf(commandPrefix);
            return this;
        }

        public Settings pfctlProgram(final String pfctl)
        {
            this.pfctl = pfctl;
            return this;
        }

        public Settings defaultTable(final String table)
        {
            this.defaultTable = Names.pfTable("pf default table", table);
            return this;
        }

        /**
         * @param reason bans with this reason go into the table instead of the default one.
         */
        public Settings reasonTable(final String reason, final String table)
        {
            reasonTables.put(reason, Names.pfTable("pf table for reason '" + reason + "'", table));
            return this;
        }

        /**
         * @param managed true: blocksync owns the tables, reconcile and flush replace their contents; false: the
         *                tables are shared, reconcile only adds.
         */
        public Settings managed(final boolean managed)
        {
            this.managed = managed;
            return this;
        }

        public Settings killStates(final boolean enabled)
        {
            this.killStates = enabled;
            return this;
        }

        public Settings reassertIntervalSeconds(final long seconds)
        {
            if (seconds < 0)
            {
                throw new IllegalArgumentException("pf reassert interval must be >= 0: " + seconds);
            }
            this.reassertIntervalSeconds = seconds;
            return this;
        }
    }

    private final Settings settings;
    private final Tool pfctl;

    public PfBackend(final Settings settings)
    {
        this(settings, new ProcessCommandRunner(Tool.TIMEOUT_MILLIS));
    }

    public PfBackend(final Settings settings, final CommandRunner runner)
    {
        this.settings = settings;
        this.pfctl = new Tool(
            runner, settings.commandPrefix, settings.pfctl, "pf is part of the base system on OpenBSD and FreeBSD");
    }

    @Override
    public void start()
    {
        pfctl.runOrThrow("-s", "info");
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        // Per table, the last operation on each address wins, as if the batch ran one change at a time.
        final Map<String, LinkedHashMap<String, Boolean>> byTable = new LinkedHashMap<>();
        final java.util.Set<String> fresh = new java.util.HashSet<>();
        // An address new in several reason tables in one batch has its states killed once.
        final java.util.Set<String> killed = new java.util.HashSet<>();
        for (int i = 0, size = batch.size(); i < size; i++)
        {
            final FirewallChange change = batch.get(i);
            final String address = AddressText.format(change.ban().prefix());
            byTable.computeIfAbsent(tableFor(change), (table) -> new LinkedHashMap<>())
                .put(address, FirewallChange.Op.ADD == change.op());
            if (FirewallChange.Op.ADD == change.op() && change.fresh())
            {
                fresh.add(address);
            }
        }

        for (final Map.Entry<String, LinkedHashMap<String, Boolean>> entry : byTable.entrySet())
        {
            final List<String> deletes = new ArrayList<>();
            final List<String> adds = new ArrayList<>();
            for (final Map.Entry<String, Boolean> address : entry.getValue().entrySet())
            {
                (address.getValue() ? adds : deletes).add(address.getKey());
            }

            final String table = entry.getKey();
            if (!deletes.isEmpty())
            {
                tableCommand(table, "delete", deletes);
            }
            if (!adds.isEmpty())
            {
                tableCommand(table, "add", adds);
                if (settings.killStates)
                {
                    for (final String address : adds)
                    {
                        // Only for addresses newly added: a refresh must not cut states again.
                        if (fresh.contains(address) && killed.add(address))
                        {
                            pfctl.runOrThrow("-k", address);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        final Map<String, List<String>> byTable = new LinkedHashMap<>();
        if (settings.managed)
        {
            for (final String table : tables())
            {
                byTable.put(table, new ArrayList<>());
            }
        }

        for (final FirewallChange change : liveBans)
        {
            if (FirewallChange.Op.ADD == change.op())
            {
                byTable.computeIfAbsent(tableFor(change), (table) -> new ArrayList<>())
                    .add(AddressText.format(change.ban().prefix()));
            }
        }

        for (final Map.Entry<String, List<String>> entry : byTable.entrySet())
        {
            tableCommand(entry.getKey(), settings.managed ? "replace" : "add", entry.getValue());
        }
    }

    @Override
    public void flush()
    {
        for (final String table : tables())
        {
            pfctl.runOrThrow("-t", table, "-T", "flush");
        }
    }

    @Override
    public String objectFor(final io.blocksync.codec.Ban ban)
    {
        return settings.reasonTables.getOrDefault(
            0 == ban.reason() ? "" : io.blocksync.codec.ReasonCode.nameOf(ban.reason()), settings.defaultTable);
    }

    @Override
    public List<String> objects()
    {
        return new ArrayList<>(tables());
    }

    @Override
    public boolean listable()
    {
        return true;
    }

    @Override
    public boolean ownsContents()
    {
        return settings.managed;
    }

    /**
     * pf tables are created by the first add; there is nothing to check cheaply.
     */
    @Override
    public boolean intact()
    {
        return true;
    }

    @Override
    public void repair()
    {
    }

    /**
     * {@code pfctl -t T -T show} per table; pf has no timeouts, so each element's time left is unknown.
     */
    @Override
    public KernelListing list()
    {
        final KernelListing listing = new KernelListing();
        final io.blocksync.codec.IpPrefix prefix = new io.blocksync.codec.IpPrefix();
        for (final String table : tables())
        {
            final io.blocksync.nativeio.CommandResult result = pfctl.run("-t", table, "-T", "show");
            listing.object(table);
            if (0 != result.exitStatus())
            {
                // A table never written does not exist yet: empty.
                if (result.error().contains("does not exist"))
                {
                    continue;
                }
                throw new FirewallException(pfctl.failure(result));
            }
            for (final String line : result.output().split("\n"))
            {
                if (null == AddressText.parse(line.trim(), prefix, 32, 128))
                {
                    listing.add(table, prefix, KernelListing.UNKNOWN);
                }
            }
        }
        return listing;
    }

    @Override
    public void cleanUp(final String table)
    {
        pfctl.runOrThrow("-t", Names.pfTable("pf table", table), "-T", "flush");
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

    private void tableCommand(final String table, final String command, final List<String> addresses)
    {
        final StringBuilder stdin = new StringBuilder(addresses.size() * 20);
        for (final String address : addresses)
        {
            stdin.append(address).append('\n');
        }

        pfctl.runOrThrow(
            List.of("-t", table, "-T", command, "-f", "-"), stdin.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private String tableFor(final FirewallChange change)
    {
        if (null != change.object())
        {
            return change.object();
        }
        return settings.reasonTables.getOrDefault(change.reasonText(), settings.defaultTable);
    }

    /**
     * @return every table this backend writes, sorted, so flush and reconcile cover tables with no live bans.
     */
    private TreeSet<String> tables()
    {
        final TreeSet<String> tables = new TreeSet<>(settings.reasonTables.values());
        tables.add(settings.defaultTable);

        return tables;
    }
}
