package io.blocksync.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code blocksync} command. Exit status: 0 success, 1 the operation failed (a node unreachable or not running
 * for {@code status}, a ban refused, a demo ban not propagated, a file missing or unreadable: one line naming it),
 * 2 bad usage (an unknown flag, a bad argument) or a config file that does not validate (each error as
 * FILE:LINE:COLUMN). No stack trace reaches the operator ({@link OperatorErrors}).
 */
@Command(
    name = "blocksync",
    mixinStandardHelpOptions = true,
    versionProvider = BlockSyncCli.Version.class,
    description = "Shares firewall block decisions between trusted peers within milliseconds.")
public final class BlockSyncCli implements Runnable
{
    /**
     * The subcommands, in the order usage lists them. Not in the annotation: picocli builds the model of every
     * subcommand it is given (0.6 s of CPU for all of them on a small JVM), so a call names only the one it runs.
     */
    private static final Class<?>[] SUBCOMMANDS = {
        RunCommand.class,
        DemoCommand.class,
        BanCommand.class,
        UnbanCommand.class,
        BansCommand.class,
        PeersCommand.class,
        StatusCommand.class,
        KeygenCommand.class,
        CheckConfigCommand.class,
        EventsCommand.class,
        FlushCommand.class,
        BenchCommand.class,
        ImportCommand.class,
        CommandLine.HelpCommand.class
    };

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    static
    {
        // Before any Chronicle class loads: this daemon must never phone home.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    public static void main(final String[] args)
    {
        System.exit(RunCommand.isPlain(args) ? RunCommand.runPlain(args) : run(args));
    }

    /** The whole command with every subcommand: usage, {@code help}, the man page's test. */
    public static CommandLine commandLine()
    {
        return commandLine(null);
    }

    /**
     * The command with only the subcommand {@code first} names when it names one (parsing and help for it are the
     * same as with all), otherwise with every subcommand ({@code help}, a typo, an option of the top command).
     */
    static CommandLine commandLine(final String first)
    {
        final CommandLine commandLine = new CommandLine(new BlockSyncCli());
        boolean named = false;
        for (final Class<?> type : SUBCOMMANDS)
        {
            if (type != CommandLine.HelpCommand.class && type.getAnnotation(Command.class).name().equals(first))
            {
                commandLine.addSubcommand(type);
                named = true;
            }
        }
        if (!named)
        {
            for (final Class<?> type : SUBCOMMANDS)
            {
                commandLine.addSubcommand(type);
            }
        }
        return commandLine;
    }

    public static int run(final String... args)
    {
        final CommandLine commandLine = commandLine(args.length > 0 ? args[0] : null);
        // Usage errors (a bad flag or argument) are handled below with exit 2; anything a command throws is an
        // operation that failed: one line naming the file or address, exit 1, never a stack trace.
        commandLine.setExecutionExceptionHandler(new OperatorErrors());
        commandLine.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            ex.getCommandLine().getErr().println("blocksync: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return EXIT_USAGE;
        });
        return commandLine.execute(args);
    }

    public void run()
    {
        commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = BlockSyncCli.class.getPackage().getImplementationVersion();
            return new String[]{ "blocksync " + (null == version ? "(development build)" : version) + ", wire protocol " +
                io.blocksync.codec.FrameHeaderFlyweight.CURRENT_VERSION };
        }
    }
}
