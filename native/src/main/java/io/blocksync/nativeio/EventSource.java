package io.blocksync.nativeio;

/**
 * Something that watches the operating system for attacks and puts {@link AttackEvent}s into an
 * {@link AttackEventRing}: a followed pflog file, a capture command's output, the NFLOG socket, a pf table.
 * A source that blocks does so on a thread of its own; the event loop only drains the ring.
 * <p>
 * The contract is small on purpose, like blacklistd's control program: start it, read its counters, close it.
 */
public interface EventSource extends AutoCloseable
{
    /**
     * @return the configured name, used in log lines and status.
     */
    String name();

    /**
     * Start watching; returns at once. A source that cannot do its work yet (no file, command failing) keeps
     * trying and says why on its log; it does not throw.
     */
    void start();

    /**
     * Stop watching and release threads, processes and sockets; waits briefly for the thread to end. Idempotent.
     */
    @Override
    void close();

    /**
     * @return live counters, readable from any thread.
     */
    SourceCounters counters();
}
