package io.blocksync.nativeio;

/**
 * Receives decoded events, including failed records (their {@link AttackEvent#result()} is not OK).
 */
@FunctionalInterface
public interface AttackEventHandler
{
    /**
     * @param event valid only during the call; the same instance comes back with the next record.
     */
    void onEvent(AttackEvent event);
}
