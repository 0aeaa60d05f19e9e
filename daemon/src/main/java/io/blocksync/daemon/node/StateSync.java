package io.blocksync.daemon.node;

import java.io.IOException;

/**
 * Makes the node's state files durable: when {@link #sync()} returns, every change written to them (through their
 * memory mappings) before it was called is on stable storage. Called by {@link GroupCommit}'s sync thread only,
 * never on the loop. {@link FileSync} is the real one; tests inject others (counting, gating, snapshotting).
 */
@FunctionalInterface
public interface StateSync
{
    /**
     * @throws IOException when the files could not be written back: what they held may not be on disk.
     */
    void sync() throws IOException;
}
