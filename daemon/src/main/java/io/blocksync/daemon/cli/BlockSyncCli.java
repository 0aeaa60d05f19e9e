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
    description = "Shares firewall block decisions between trusted peers within milliseconds.",
    subcommands = {
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
    })
public final class BlockSyncCli implements Runnable
{
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

    public static int run(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new BlockSyncCli());
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
        new CommandLine(this).usage(System.out);
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
