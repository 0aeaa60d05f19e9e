package io.blocksync.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@link BlockSyncCli} through picocli: its model and its error handling. Apart from {@link BlockSyncCli} so that
 * loading the main class loads no picocli class ({@link PlainCommands} runs without any; picocli's classes are not in
 * the class-data archive, being class files of version 49).
 */
public final class CommandLines
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

    private CommandLines()
    {
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

    static int run(final String... args)
    {
        final CommandLine commandLine = commandLine(args.length > 0 ? args[0] : null);
        // Usage errors (a bad flag or argument) are handled below with exit 2; anything a command throws is an
        // operation that failed: one line naming the file or address, exit 1, never a stack trace.
        commandLine.setExecutionExceptionHandler(new OperatorErrors());
        commandLine.setExitCodeExceptionMapper(ex ->
            ex instanceof CommandLine.ParameterException ? BlockSyncCli.EXIT_USAGE : BlockSyncCli.EXIT_FAILED);
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            ex.getCommandLine().getErr().println("blocksync: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return BlockSyncCli.EXIT_USAGE;
        });
        return commandLine.execute(args);
    }
}
