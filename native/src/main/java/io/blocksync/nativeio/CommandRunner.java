package io.blocksync.nativeio;

import java.io.IOException;
import java.util.List;

/**
 * Runs a program to completion and returns what it printed; the seam through which sources and firewall backends
 * call tools such as pfctl or nft, so that tests can capture the exact argv and standard input and answer with
 * canned output on a system that has no such tool, and so that operators can wrap tools (e.g. in
 * {@code ip netns exec NS}).
 * <p>
 * A lambda implements {@link #run(List)}, for tools that read nothing; one that must see the standard input too is
 * written as a {@link WithInput} and adapted with {@link #withInput(WithInput)}.
 */
@FunctionalInterface
public interface CommandRunner
{
    /** Standard input for a tool that reads none: it sees end of file at once. */
    byte[] NO_INPUT = new byte[0];

    /**
     * Run a program with its standard input closed.
     *
     * @param command program and arguments, run without a shell.
     * @return exit status and output.
     * @throws IOException if the program cannot be started or does not finish in time.
     */
    CommandResult run(List<String> command) throws IOException;

    /**
     * Run a program, writing bytes to its standard input and then closing it. This default handles only
     * {@link #NO_INPUT}; runners that can feed input ({@link ProcessCommandRunner}, {@link #withInput(WithInput)})
     * override it.
     *
     * @param command program and arguments, run without a shell.
     * @param input   bytes for the program's standard input, written then closed; empty for none.
     * @return exit status and output.
     * @throws IOException                   if the program cannot be started or does not finish in time.
     * @throws UnsupportedOperationException if input is not empty and this runner cannot feed it.
     */
    default CommandResult run(final List<String> command, final byte[] input) throws IOException
    {
        if (input.length > 0)
        {
            throw new UnsupportedOperationException(
                getClass().getName() + " cannot write " + input.length + " bytes to the standard input of " + command);
        }

        return run(command);
    }

    /**
     * A runner written as a function of both argv and standard input, e.g. a test's recording fake.
     */
    @FunctionalInterface
    interface WithInput
    {
        /**
         * @param command program and arguments, run without a shell.
         * @param input   bytes for the program's standard input; {@link #NO_INPUT} when called through
         *                {@link CommandRunner#run(List)}.
         * @return exit status and output.
         * @throws IOException if the program cannot be started or does not finish in time.
         */
        CommandResult run(List<String> command, byte[] input) throws IOException;
    }

    /**
     * @param runner a function of argv and standard input.
     * @return a runner that hands both to it; {@link #run(List)} passes {@link #NO_INPUT}.
     */
    static CommandRunner withInput(final WithInput runner)
    {
        return new CommandRunner()
        {
            @Override
            public CommandResult run(final List<String> command) throws IOException
            {
                return runner.run(command, NO_INPUT);
            }

            @Override
            public CommandResult run(final List<String> command, final byte[] input) throws IOException
            {
                return runner.run(command, input);
            }
        };
    }
}
