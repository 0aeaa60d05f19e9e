package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.ControlConfig;
import io.blocksync.daemon.status.StatusFile;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bans}, {@code status}, {@code peers}, {@code ban} and {@code unban} against a running node without picocli's
 * model and without reading the whole config (whose keys load BouncyCastle): the same command objects, their fields
 * set from a command line this class fully understands, and the config's few settings those commands use
 * ({@link ControlConfig}). That is most of each call's CPU on a small JVM (PERFORMANCE.md, "Issue 12: CLI cost").
 * <p>
 * Taken only when the output is sure to be the picocli path's: the command line holds nothing but {@code -c FILE} (or
 * {@code --config FILE}, {@code --config=FILE}) and the command's own flags, each once, in the forms listed in
 * {@link #OPTIONS}; the config is read by {@link ControlConfig}; and the node is running (its status file's alive
 * time is recent and its process exists) with that node id, started after the config file and its key files were
 * last changed, so the full reader would accept the file as the node did. Otherwise {@link #run} returns
 * {@link #NOT_PLAIN} and {@link BlockSyncCli} runs picocli, which prints usage, help and config errors as always.
 */
final class PlainCommands
{
    /** {@link #run}'s answer when the command line must go through picocli. */
    static final int NOT_PLAIN = -1;
    /** Per command, its options: true for those that take a value. {@code -c} and {@code --config} are everyone's. */
    static final Map<String, Map<String, Boolean>> OPTIONS = Map.of(
        "bans", Map.of("--json", false, "--all", false),
        "status", Map.of("--json", false),
        "peers", Map.of("--json", false),
        "ban", Map.of("--file", true, "--duration", true, "--reason", true, "--proto", true, "--port", true),
        "unban", Map.of("--file", true));
    /** The loop refreshes the status file's alive time every second (as {@link NodeQuestions#isRunning}). */
    private static final long ALIVE_WITHIN_MILLIS = 5_000;
    private static final int MAX_NUMBER_DIGITS = 9;
    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    private PlainCommands()
    {
    }

    /** The command line split: options by name (value, or "" for a flag) and positional arguments. */
    record Line(String command, Map<String, String> options, List<String> targets)
    {
    }

    /**
     * @return the command's exit status, or {@link #NOT_PLAIN} when picocli must run it (nothing was printed).
     */
    static int run(final String[] args)
    {
        final Line line = parse(args);
        if (null == line)
        {
            return NOT_PLAIN;
        }
        directSelectorProvider();
        final Callable<Integer> command;
        try
        {
            final ControlConfig.Reading reading = ControlConfig.read(Path.of(line.options().get("-c")));
            command = null == reading || !nodeValidated(reading) ? null : command(line, reading);
        }
        catch (final java.nio.file.InvalidPathException ex)
        {
            return NOT_PLAIN;
        }
        if (null == command)
        {
            return NOT_PLAIN;
        }
        try
        {
            return command.call();
        }
        catch (final Exception ex)
        {
            // What picocli's execution exception handler (OperatorErrors) prints.
            ErrorText.report(line.command(), ex, new PrintWriter(System.err, true));
            return BlockSyncCli.EXIT_FAILED;
        }
    }

    /**
     * On Linux, name the JDK's own NIO provider so that the control socket's first channel does not look for another
     * through {@link java.util.ServiceLoader}, which opens every jar of the class path to find none: about 0.03 s of
     * a call's CPU (PERFORMANCE.md, "Issue 12: CLI cost"). The class is the one the JDK picks there anyway
     * ({@code sun.nio.ch.DefaultSelectorProvider} on Linux); a value given on the command line is kept.
     */
    static void directSelectorProvider()
    {
        if ("Linux".equals(System.getProperty("os.name")) && null == System.getProperty(SELECTOR_PROVIDER))
        {
            System.setProperty(SELECTOR_PROVIDER, "sun.nio.ch.EPollSelectorProvider");
        }
    }

    /**
     * @return the command line when it is one of the commands above with only its own options, each once, values
     * that do not look like options and positional arguments only for {@code ban} and {@code unban}; else null.
     */
    static Line parse(final String[] args)
    {
        final Map<String, Boolean> known = args.length > 0 ? OPTIONS.get(args[0]) : null;
        if (null == known)
        {
            return null;
        }
        final boolean takesTargets = known.containsKey("--file");
        final Map<String, String> options = new HashMap<>();
        final List<String> targets = new ArrayList<>();
        for (int i = 1; i < args.length; i++)
        {
            final String arg = args[i];
            final int equals = arg.indexOf('=');
            final String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            final String key = "--config".equals(name) ? "-c" : name;
            final boolean takesValue = "-c".equals(key) || Boolean.TRUE.equals(known.get(key));
            if (arg.startsWith("-") || arg.startsWith("@"))
            {
                if (!"-c".equals(key) && !known.containsKey(key) || options.containsKey(key))
                {
                    return null;
                }
                String value = "";
                if (takesValue)
                {
                    value = name.length() < arg.length() ? arg.substring(equals + 1) : ++i < args.length ? args[i] : null;
                    if (null == value || value.isEmpty() || value.startsWith("-") || value.startsWith("@"))
                    {
                        return null;
                    }
                }
                else if (name.length() < arg.length())
                {
                    return null;
                }
                options.put(key, value);
            }
            else if (takesTargets)
            {
                targets.add(arg);
            }
            else
            {
                return null;
            }
        }
        return options.containsKey("-c") ? new Line(args[0], options, targets) : null;
    }

    /** The node runs, is the one the config names, and read this very file (and its key files) at its start. */
    private static boolean nodeValidated(final ControlConfig.Reading reading)
    {
        try (StatusFile status = StatusFile.openForReading(reading.config().stateDir()))
        {
            final long now = System.currentTimeMillis();
            return now - status.aliveTimeMillis() < ALIVE_WITHIN_MILLIS &&
                status.nodeId() == reading.config().nodeId() &&
                reading.newestModifiedMillis() < status.startTimeMillis() &&
                ProcessHandle.of(status.pid()).map(ProcessHandle::isAlive).orElse(false);
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    /** The command object picocli would have built, its fields set as picocli would; null if a value does not fit. */
    private static Callable<Integer> command(final Line line, final ControlConfig.Reading reading)
    {
        final Map<String, String> options = line.options();
        final ConfigOption config;
        final Callable<Integer> command;
        switch (line.command())
        {
            case "bans" ->
            {
                final BansCommand bans = new BansCommand();
                bans.json = options.containsKey("--json");
                bans.all = options.containsKey("--all");
                config = bans.config;
                command = bans;
            }
            case "status" ->
            {
                final StatusCommand status = new StatusCommand();
                status.json = options.containsKey("--json");
                status.interval = "2s";
                config = status.config;
                command = status;
            }
            case "peers" ->
            {
                final PeersCommand peers = new PeersCommand();
                peers.json = options.containsKey("--json");
                config = peers.config;
                command = peers;
            }
            case "ban" ->
            {
                final String port = options.getOrDefault("--port", "0");
                // Plain decimal only (picocli's own conversion then agrees), no leading zero.
                if (port.length() > MAX_NUMBER_DIGITS || port.length() > 1 && port.charAt(0) == '0' ||
                    !port.chars().allMatch(c -> c >= '0' && c <= '9'))
                {
                    return null;
                }
                final BanCommand ban = new BanCommand();
                ban.targets.addAll(line.targets());
                ban.file = options.containsKey("--file") ? Path.of(options.get("--file")) : null;
                ban.duration = options.get("--duration");
                ban.reason = options.getOrDefault("--reason", "manual");
                ban.protocol = options.getOrDefault("--proto", "any");
                ban.port = Integer.parseInt(port);
                config = ban.config;
                command = ban;
            }
            default ->
            {
                final UnbanCommand unban = new UnbanCommand();
                unban.targets.addAll(line.targets());
                unban.file = options.containsKey("--file") ? Path.of(options.get("--file")) : null;
                config = unban.config;
                command = unban;
            }
        }
        config.file = Path.of(options.get("-c"));
        config.preloaded = reading.config();
        return command;
    }
}
