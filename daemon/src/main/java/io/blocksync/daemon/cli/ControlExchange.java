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
    /** Lines per connection: well under the server's limit, so a long list goes through in slices. */
    private static final int SLICE = 10_000;

    private ControlExchange()
    {
    }

    /**
     * Send in slices of {@link #SLICE} lines, never holding more than one slice: a list of a million bans goes
     * through a small heap.
     */
    static int send(final NodeConfig config, final java.util.Iterator<String> lines, final boolean printEach)
    {
        final List<String> slice = new java.util.ArrayList<>(SLICE);
        long sent = 0;
        long errors = 0;
        long replied = 0;
        try
        {
            while (lines.hasNext())
            {
                slice.clear();
                while (lines.hasNext() && slice.size() < SLICE)
                {
                    slice.add(lines.next());
                }
                sent += slice.size();
                for (final String reply : ControlClient.exchange(config.stateDir(), slice))
                {
                    replied++;
                    final boolean error = reply.startsWith(ControlProtocol.ERROR);
                    errors += error ? 1 : 0;
                    if (printEach || error)
                    {
                        (error ? System.err : System.out).println(reply);
                    }
                }
            }
        }
        catch (final IOException | java.io.UncheckedIOException ex)
        {
            System.err.println("blocksync: " + ErrorText.describe(ex));
            return BlockSyncCli.EXIT_FAILED;
        }

        if (!printEach)
        {
            System.out.println((replied - errors) + " ok, " + errors + " refused");
        }
        return errors == 0 && replied == sent ? BlockSyncCli.EXIT_OK : BlockSyncCli.EXIT_FAILED;
    }
}
