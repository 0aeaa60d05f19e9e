package io.blocksync.firewall;

/**
 * Receives finished changes on the thread that calls {@link FirewallBatcher#pollCompletions(CompletionHandler)}.
 */
@FunctionalInterface
public interface CompletionHandler
{
    /**
     * @param change finished change; {@link FirewallChange#status()} says how it ended. Valid only during the call:
     *               the slot is reused afterwards.
     */
    void onCompletion(FirewallChange change);
}
