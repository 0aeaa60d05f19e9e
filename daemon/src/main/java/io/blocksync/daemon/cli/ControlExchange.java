package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;

import java.io.IOException;
import java.util.List;

/**
 * Sends control lines to the node named by a config and reports the answers: every line when there are few,
 * otherwise a summary plus every error.
 */
final class ControlExchange
{
    private ControlExchange()
    {
    }

    static int send(final NodeConfig config, final List<String> lines, final boolean printEach)
    {
        final List<String> replies;
        try
        {
            replies = ControlClient.exchange(config.stateDir(), lines);
        }
        catch (final IOException ex)
        {
            System.err.println("blocksync: " + ex.getMessage());
            return BlockSyncCli.EXIT_FAILED;
        }

        int errors = 0;
        for (final String reply : replies)
        {
            final boolean error = reply.startsWith(ControlProtocol.ERROR);
            errors += error ? 1 : 0;
            if (printEach || error)
            {
                (error ? System.err : System.out).println(reply);
            }
        }
        if (!printEach)
        {
            System.out.println((replies.size() - errors) + " ok, " + errors + " refused");
        }
        return errors == 0 && replies.size() == lines.size() ? BlockSyncCli.EXIT_OK : BlockSyncCli.EXIT_FAILED;
    }
}
