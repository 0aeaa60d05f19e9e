package io.blocksync.daemon.node;

import java.io.IOException;

/**
 * Makes the node's state files durable: when a call returns, every change written to its files (through their
 * memory mappings) before it was called is on stable storage. Called by {@link GroupCommit}'s sync thread and the
 * {@link Checkpointer}, never on the loop; may be called by both at once. {@link FileSync} is the real one; tests
 * inject others (counting, gating, snapshotting).
 */
public interface StateSync
{
    /**
     * The files a group commit makes durable: the ban store's write-ahead log ({@code bans.wal}), {@code progress.dat}
     * and {@code replay.dat}.
     *
     * @throws IOException when the files could not be written back: what they held may not be on disk.
     */
    void sync() throws IOException;

    /**
     * The ban store's map file ({@code bans.cmap}), at a checkpoint.
     *
     * @throws IOException when the file could not be written back.
     */
    void syncMap() throws IOException;
}
