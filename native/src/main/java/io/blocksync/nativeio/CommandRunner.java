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
}
