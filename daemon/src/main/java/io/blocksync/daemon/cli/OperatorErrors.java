package io.blocksync.daemon.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * What an operator sees when a command fails with an exception: one line, {@code blocksync COMMAND: WHAT: REASON},
 * naming the file or address, and exit status 1 ({@link BlockSyncCli#EXIT_FAILED}). Never a stack trace: set
 * {@value #DEBUG_VARIABLE}=1 in the environment to get one as well, for a bug report.
 */
final class OperatorErrors implements CommandLine.IExecutionExceptionHandler
{
    static final String DEBUG_VARIABLE = ErrorText.DEBUG_VARIABLE;

    @Override
    public int handleExecutionException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        ErrorText.report(commandLine.getCommandName(), ex, err);
        return BlockSyncCli.EXIT_FAILED;
    }

    /** See {@link ErrorText#describe}; kept for callers that already hold this class. */
    static String describe(final Throwable ex)
    {
        return ErrorText.describe(ex);
    }
}
