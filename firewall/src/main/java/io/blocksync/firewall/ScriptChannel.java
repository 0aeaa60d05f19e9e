package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;

/**
 * Where a backend sends a script of nft or ipset commands: a library session kept open, or one tool process per
 * script. Both answer with the same shape: exit status, output, and the error text the library or tool wrote.
 */
interface ScriptChannel extends AutoCloseable
{
    /**
     * @param script the commands, one per line, as the tool reads them on standard input.
     * @return what the library or tool answered.
     * @throws FirewallException if the script could not run at all (no tool, closed session, namespace gone).
     */
    CommandResult run(String script);

    /**
     * Run one listing: {@code tool WORDS} as its own process on the tool path, the same words as one script line in a
     * session.
     *
     * @param terse  nft's {@code -t} ({@code NftablesSession.OUTPUT_TERSE}): no set elements listed or fetched.
     * @param words  e.g. {@code list set inet blocksync ban4}, {@code list -n}.
     * @return what the library or tool answered.
     * @throws FirewallException if the listing could not run at all.
     */
    CommandResult query(boolean terse, String... words);

    /**
     * @return e.g. {@code libnftables session} or {@code nft -f - process}, for log lines.
     */
    String description();

    @Override
    void close();
}
