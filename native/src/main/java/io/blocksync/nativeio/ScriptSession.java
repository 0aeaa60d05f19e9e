package io.blocksync.nativeio;

import java.io.IOException;

/**
 * A session to a kernel object's official library that stays open and runs what the tool would read as a script
 * ({@link NftablesSession}, {@link IpsetSession}): one thread at a time, closed once.
 */
public interface ScriptSession extends AutoCloseable
{
    /**
     * @param script what {@code nft -f -} or {@code ipset restore} would read.
     * @return exit status 0 or 1 with the library's own output and error text, as the tool would print them.
     * @throws IOException if the session is closed or the library cannot run the script.
     */
    CommandResult run(String script) throws IOException;

    @Override
    void close();
}
