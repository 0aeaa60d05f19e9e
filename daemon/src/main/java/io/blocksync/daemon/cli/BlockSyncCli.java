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
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    static
    {
        // Before any Chronicle class loads: this daemon must never phone home.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    /**
     * No public method here names a picocli type: the launcher's check of the main class resolves the types of every
     * public method, which would load picocli's classes even on the plain path ({@link CommandLines#commandLine()}).
     */
    public static void main(final String[] args)
    {
        if (RunCommand.isPlain(args))
        {
            System.exit(RunCommand.runPlain(args));
        }
        // A control-socket command against a running node needs neither picocli's model nor the whole config.
        final int plain = PlainCommands.run(args);
        System.exit(PlainCommands.NOT_PLAIN != plain ? plain : run(args));
    }

    /** Parse and run one command line through picocli; returns the exit status. */
    public static int run(final String... args)
    {
        return CommandLines.run(args);
    }

    public void run()
    {
        CommandLines.commandLine(null).usage(System.out);
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
