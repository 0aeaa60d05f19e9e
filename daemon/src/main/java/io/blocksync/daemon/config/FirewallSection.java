package io.blocksync.daemon.config;

import io.blocksync.codec.ReasonCode;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * [firewall]: which backend applies bans to the packet filter, with its own keys. Keys of other backends are
 * reported as unknown with the list the chosen backend accepts.
 */
final class FirewallSection
{
    static final String NAME = "firewall";

    private FirewallSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config, final Path baseDirectory)
    {
        final ConfigEntry entry = reader.entry("backend");
        final String backend = null == entry ? NodeConfig.DEFAULT_FIREWALL_BACKEND : entry.value();
        if (!FirewallConfig.BACKENDS.contains(backend))
        {
            reader.errorAtValue(entry, "backend: unknown firewall backend " + Quoted.quote(backend) +
                NearMiss.hint(backend, FirewallConfig.BACKENDS, "'", "'") + "; this build supports: " +
                String.join(", ", FirewallConfig.BACKENDS));
            // Which keys are valid depends on the backend; reporting the rest as unknown would only add noise.
            reader.acceptAnyKey();
            return;
        }

        config.firewallBackend = backend;
        final long flushDelayMs = reader.value("flush-delay", Values.millis(0, 10_000), 20L);
        final int maxBatch = reader.value("max-batch", Values.integer(1, 1_000_000), 1024);
        String mode = FirewallConfig.MANAGED;
        String family = null;
        String table = null;
        String set4 = null;
        String set6 = null;
        int priority = -10;
        boolean forward = false;
        boolean killStates = false;
        Map<String, String> tableByReason = Map.of();
        String program = null;
        List<String> command = null;
        switch (backend)
        {
            case FirewallConfig.LOG:
                break;

            case FirewallConfig.NFTABLES:
                mode = reader.value("mode", FirewallSection::parseMode, FirewallConfig.MANAGED);
                if (FirewallConfig.MANAGED.equals(mode))
                {
                    table = reader.value("table", Values.name(), "blocksync");
                    priority = reader.value("priority", Values.integer(-1000, 1000), -10);
                    forward = reader.value("forward", FirewallSection::parseBoolean, false);
                }
                else
                {
                    family = reader.value("family", Values.name(), "inet");
                    table = reader.required("table", Values.name());
                    set4 = reader.value("set4", Values.name(), null);
                    set6 = reader.value("set6", Values.name(), null);
                }
                killStates = reader.value("kill-states", FirewallSection::parseBoolean, false);
                break;

            case FirewallConfig.IPSET:
                mode = reader.value("mode", FirewallSection::parseMode, FirewallConfig.MANAGED);
                if (FirewallConfig.MANAGED.equals(mode))
                {
                    table = reader.value("set-prefix", Values.name(), "blocksync");
                    forward = reader.value("forward", FirewallSection::parseBoolean, false);
                }
                else
                {
                    set4 = reader.value("set4", Values.name(), null);
                    set6 = reader.value("set6", Values.name(), null);
                }
                killStates = reader.value("kill-states", FirewallSection::parseBoolean, false);
                break;

            case FirewallConfig.PF:
                table = reader.value("table", Values.name(), "blocksync");
                tableByReason = byReason(reader, "reason-table");
                killStates = reader.value("kill-states", FirewallSection::parseBoolean, true);
                break;

            case FirewallConfig.CONTROL:
                final Path script = reader.required("script", Values.path(baseDirectory));
                program = null == script ? null : script.toString();
                table = reader.value("rule", Values.name(), "blocksync");
                tableByReason = byReason(reader, "reason-rule");
                break;

            case FirewallConfig.SSHGUARD:
                command = reader.required("command", FirewallSection::parseCommand);
                break;

            default:
                throw new IllegalStateException("backend listed without a case: " + backend);
        }
        reader.finish();

        if (FirewallConfig.EXISTING.equals(mode) && null == set4 && null == set6 && reader.allValuesValid())
        {
            reader.errorAt("mode existing needs set4, set6 or both: the sets bans are added to", "mode");
        }
        config.firewall = new FirewallConfig(backend, flushDelayMs, maxBatch, mode, family, table, set4, set6, priority,
            forward, killStates, tableByReason, program, command);
    }

    /** Repeatable {@code KEY = reason:name} lines. */
    private static Map<String, String> byReason(final SectionReader reader, final String key)
    {
        final Map<String, String> byReason = new LinkedHashMap<>();
        for (final ConfigEntry entry : reader.entries(key))
        {
            final String[] parts = reader.parse(entry, text ->
            {
                final String[] split = text.split(":", 2);
                if (split.length != 2 || null != ReasonCode.validate(split[0]))
                {
                    throw new IllegalArgumentException(Quoted.quote(text) + ": expected REASON:NAME, e.g. ssh:brutessh");
                }
                Values.name().parse(split[1]);
                return split;
            });
            if (null != parts)
            {
                byReason.put(parts[0], parts[1]);
            }
        }
        return byReason;
    }

    private static String parseMode(final String text)
    {
        if (!FirewallConfig.MANAGED.equals(text) && !FirewallConfig.EXISTING.equals(text))
        {
            throw new IllegalArgumentException(Quoted.quote(text) + " is not a mode; expected managed or existing");
        }
        return text;
    }

    private static boolean parseBoolean(final String text)
    {
        switch (text)
        {
            case "yes":
            case "true":
                return true;
            case "no":
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(Quoted.quote(text) + ": expected yes or no");
        }
    }

    private static List<String> parseCommand(final String text)
    {
        final List<String> argv = Arrays.asList(text.trim().split("\\s+"));
        if (argv.get(0).isEmpty())
        {
            throw new IllegalArgumentException("empty command");
        }
        return argv;
    }
}
