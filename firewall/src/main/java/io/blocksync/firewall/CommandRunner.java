package io.blocksync.firewall;

import java.io.IOException;
import java.util.List;

/**
 * Runs a tool to completion. Injectable so tests can capture the exact argv and stdin a backend produces (pf cannot
 * run on Linux) and so operators can wrap tools, e.g. in {@code ip netns exec NS}.
 */
@FunctionalInterface
public interface CommandRunner
{
    /**
     * @param argv  program and arguments; never interpreted by a shell.
     * @param stdin bytes to write to the tool's standard input, then closed; empty for none.
     * @return exit code and output.
     * @throws IOException if the program cannot be started or does not finish in time.
     */
    CommandResult run(List<String> argv, byte[] stdin) throws IOException;
}
