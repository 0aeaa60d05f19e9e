package io.blocksync.firewall;

import java.io.IOException;
import java.util.List;

/**
 * Test-only bridge for the namespace fixtures still in this package ({@code NamespacePair}, which moves to the shared
 * test kit): runs through native's {@link io.blocksync.nativeio.ProcessCommandRunner}. Delete with them.
 */
final class ProcessCommandRunner
{
    private final io.blocksync.nativeio.ProcessCommandRunner runner;

    ProcessCommandRunner()
    {
        this(Tool.TIMEOUT_MILLIS);
    }

    ProcessCommandRunner(final long timeoutMillis)
    {
        this.runner = new io.blocksync.nativeio.ProcessCommandRunner(timeoutMillis);
    }

    CommandResult run(final List<String> argv, final byte[] stdin) throws IOException
    {
        return new CommandResult(runner.run(argv, stdin));
    }
}
