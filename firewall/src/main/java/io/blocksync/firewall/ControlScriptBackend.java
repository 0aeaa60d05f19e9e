package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import io.blocksync.nativeio.ProcessCommandRunner;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Any packet filter through a control program with blocklistd's helper convention, so an existing
 * {@code blocklistd-helper} (npf, ipfw, ipf, pf, iptables) works unchanged:
 * <pre>
 * control add   RULENAME PROTO ADDRESS MASK PORT       (first line of stdout is the id, "OK " stripped)
 * control rem   RULENAME PROTO ADDRESS MASK PORT ID
 * control flush RULENAME
 * </pre>
 * PROTO is {@code tcp}, {@code udp} or empty for any (other protocols as their number); PORT is empty for any;
 * ADDRESS is the canonical address without a length and MASK the prefix length, as blocklistd passes them.
 * One process per change: the convention has no batch form. An add counts as done when the program exits 0; like
 * blocklistd, the outcome of {@code rem} is not checked (helpers fail removing what is already gone), only that the
 * program ran. Entries have no timeout: the batcher removes bans when their time is up.
 */
public final class ControlScriptBackend implements FirewallBackend
{
    /**
     * Configuration.
     */
    public static final class Settings implements BackendSettings
    {
        private final String program;
        private List<String> commandPrefix = List.of();
        private String defaultRule = "blocksync";
        private final Map<String, String> reasonRules = new HashMap<>();
        private boolean flushOnReconcile = true;

        /**
         * @param program path of the control program, e.g. {@code /usr/libexec/blocklistd-helper}.
         */
        public Settings(final String program)
        {
            if (null == program || program.isBlank())
            {
                throw new IllegalArgumentException("control program path must not be empty");
            }
            this.program = program;
        }

        /**
         * Keys {@code script} (required path), {@code rule} (default rule), repeatable
         * {@code reason-rule = REASON:RULE}.
         */
        public static Settings parse(final SettingsSection section)
        {
            final String script = section.requiredPath("script");
            final String rule = BackendKeys.name(
                section, "rule", "blocksync", (text) -> Names.argument("control rule name", text));
            final Map<String, String> byReason = BackendKeys.byReason(
                section, "reason-rule", (text) -> Names.argument("control rule name", text));
            final Settings settings = new Settings(null == script ? "-" : script).defaultRule(rule);
            for (final Map.Entry<String, String> entry : byReason.entrySet())
            {
                settings.reasonRule(entry.getKey(), entry.getValue());
            }

            return settings;
        }

        @Override
        public FirewallBackend newBackend(final java.util.function.Consumer<String> log)
        {
            return new ControlScriptBackend(this);
        }

        public Settings commandPrefix(final List<String> commandPrefix)
        {
            this.commandPrefix = List.copyOf(commandPrefix);
            return this;
        }

        public Settings defaultRule(final String rule)
        {
            this.defaultRule = Names.argument("control rule name", rule);
            return this;
        }

        public Settings reasonRule(final String reason, final String rule)
        {
            reasonRules.put(reason, Names.argument("control rule name for reason '" + reason + "'", rule));
            return this;
        }

        /**
         * @param flush true (default): reconcile runs {@code flush} per rule before re-adding live bans, like
         *              blocklistd {@code -f -r}; set false if the program's add is idempotent and a brief gap matters.
         */
        public Settings flushOnReconcile(final boolean flush)
        {
            this.flushOnReconcile = flush;
            return this;
        }
    }

    private final Settings settings;
    private final Tool control;
    private final Map<String, String> ids = new HashMap<>();

    public ControlScriptBackend(final Settings settings)
    {
        this(settings, new ProcessCommandRunner(Tool.TIMEOUT_MILLIS));
    }

    public ControlScriptBackend(final Settings settings, final CommandRunner runner)
    {
        this.settings = settings;
        this.control = new Tool(runner, settings.commandPrefix, settings.program, "check the control program path");
    }

    @Override
    public void start()
    {
        // The convention has no probe command; running flush is not harmless, so only check the program starts.
        final File file = new File(settings.program);
        if (settings.commandPrefix.isEmpty() && !file.canExecute())
        {
            throw new FirewallException("control program " + settings.program +
                (file.exists() ? " is not executable" : " does not exist"));
        }
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        for (int i = 0, size = batch.size(); i < size; i++)
        {
            final FirewallChange change = batch.get(i);
            if (FirewallChange.Op.ADD == change.op())
            {
                add(change);
            }
            else
            {
                remove(change);
            }
        }
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        if (settings.flushOnReconcile)
        {
            flush();
        }

        for (final FirewallChange change : liveBans)
        {
            if (FirewallChange.Op.ADD == change.op())
            {
                add(change);
            }
        }
    }

    @Override
    public void flush()
    {
        final TreeSet<String> rules = new TreeSet<>(settings.reasonRules.values());
        rules.add(settings.defaultRule);
        for (final String rule : rules)
        {
            control.runOrThrow("flush", rule);
        }
        ids.clear();
    }

    @Override
    public void close()
    {
    }

    private void add(final FirewallChange change)
    {
        final String rule = ruleFor(change);
        final String key = rule + " " + change.ban().prefix();
        if (ids.containsKey(key))
        {
            // Already in (an earlier try of this batch, or a refresh): entries have no timeout to renew.
            return;
        }

        final List<String> args = arguments("add", rule, change);
        final CommandResult result = control.runOrThrow(args, null);
        ids.put(key, id(result.output()));
    }

    private void remove(final FirewallChange change)
    {
        final String rule = ruleFor(change);
        final String id = ids.remove(rule + " " + change.ban().prefix());
        final List<String> args = arguments("rem", rule, change);
        args.add(null == id ? "" : id);
        control.run(args, null);
    }

    static List<String> arguments(final String command, final String rule, final FirewallChange change)
    {
        final IpPrefix prefix = change.ban().prefix();
        final List<String> args = new ArrayList<>(7);
        args.add(command);
        args.add(rule);
        args.add(protocolName(change.ban().protocol()));
        args.add(AddressText.formatAddress(prefix.family(), prefix.copyAddress()));
        args.add(Integer.toString(prefix.prefixLength()));
        args.add(FirewallChange.PORT_ANY == change.ban().port() ? "" : Integer.toString(change.ban().port()));

        return args;
    }

    static String protocolName(final int protocol)
    {
        switch (protocol)
        {
            case FirewallChange.PROTOCOL_ANY:
                return "";
            case FirewallChange.PROTOCOL_TCP:
                return "tcp";
            case FirewallChange.PROTOCOL_UDP:
                return "udp";
            default:
                return Integer.toString(protocol);
        }
    }

    /**
     * blocklistd keeps the first line of output, minus a leading "OK ", as the rule id.
     */
    static String id(final String stdout)
    {
        final int newline = stdout.indexOf('\n');
        String line = newline < 0 ? stdout : stdout.substring(0, newline);
        if (line.endsWith("\r"))
        {
            line = line.substring(0, line.length() - 1);
        }

        return line.startsWith("OK ") ? line.substring(3) : line;
    }

    private String ruleFor(final FirewallChange change)
    {
        return settings.reasonRules.getOrDefault(change.reasonText(), settings.defaultRule);
    }
}
