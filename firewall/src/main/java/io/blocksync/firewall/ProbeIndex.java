package io.blocksync.firewall;

/**
 * The open-addressing index the reconciler's tables ({@link ElementTable}, {@link LiveBans}) share: an {@code int[]}
 * of a power-of-two length whose slots hold {@code id + 1} (0 empty), probed linearly from {@code hash & mask}.
 */
final class ProbeIndex
{
    /**
     * Ids a table's rehash puts back per call of its chunk method: a method called this often is compiled by C1
     * during the first growths, where one loop over the whole table would run interpreted (C1 compiles a running
     * loop only after 60,000 back-edges, more than a table of 10,000 bans ever takes in all its growths).
     */
    static final int REHASH_CHUNK = 64;

    private ProbeIndex()
    {
    }

    /**
     * Put the id at the first empty slot of its probe run.
     */
    static void insert(final int[] index, final int id, final int hash)
    {
        final int mask = index.length - 1;
        int slot = hash & mask;
        while (0 != index[slot])
        {
            slot = (slot + 1) & mask;
        }
        index[slot] = id + 1;
    }
}
