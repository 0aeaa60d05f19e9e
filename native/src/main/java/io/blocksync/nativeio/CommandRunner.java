package io.blocksync.nativeio;

import java.io.IOException;
import java.util.List;

/**
 * Runs a program to completion and returns what it printed; the seam through which sources call tools such as
 * pfctl, so that tests can answer with canned output on a system that has no pf.
 */
@FunctionalInterface
public interface CommandRunner
{
    /**
     * @param command program and arguments, run without a shell.
     * @return exit status and output.
     * @throws IOException if the program cannot be started or does not finish in time.
     */
    CommandResult run(List<String> command) throws IOException;

    /**
     * Run a command that reads its standard input, e.g. {@code nft -f -}.
     *
     * @param command program and arguments, run without a shell.
     * @param stdin   bytes written to the command's standard input, which is then closed; empty for none.
     * @return exit status and output.
     * @throws IOException if the program cannot be started or does not finish in time, or if this runner cannot feed
     *                     standard input (the default, for runners that only answer {@link #run(List)}).
     */
    default CommandResult run(final List<String> command, final byte[] stdin) throws IOException
    {
        if (0 != stdin.length)
        {
            throw new IOException(getClass().getSimpleName() + " cannot feed standard input to " + command);
        }

        return run(command);
    }
}
