package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.NftablesSession;
import io.blocksync.nativeio.ScriptSession;

import java.io.IOException;

/**
 * The library path of a {@link ScriptChannel}: a {@link ScriptSession} kept open; a listing is one script line, a
 * terse one runs with {@link NftablesSession#OUTPUT_TERSE} set for that line only.
 */
final class SessionChannel implements ScriptChannel
{
    private final String description;
    private final ScriptSession session;

    SessionChannel(final String description, final ScriptSession session)
    {
        this.description = description;
        this.session = session;
    }

    @Override
    public CommandResult run(final String script)
    {
        try
        {
            return session.run(script);
        }
        catch (final IOException | IllegalStateException ex)
        {
            throw new FirewallException(description + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public CommandResult query(final boolean terse, final String... words)
    {
        final String line = String.join(" ", words) + "\n";
        if (!terse || !(session instanceof NftablesSession nft))
        {
            return run(line);
        }
        try
        {
            nft.outputFlags(NftablesSession.OUTPUT_TERSE);
            return run(line);
        }
        finally
        {
            if (nft.isOpen())
            {
                nft.outputFlags(0);
            }
        }
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public void close()
    {
        session.close();
    }
}
