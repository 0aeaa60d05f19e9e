package io.blocksync.daemon.store;

import java.nio.file.Path;

/**
 * A new prefix did not fit: the store holds at least its configured capacity, but the file is sized when it is
 * created and cannot grow while open. Existing entries stay readable, updates of stored prefixes and removals keep
 * working; restart with a larger [bans] capacity to resize the file.
 */
public final class BanStoreFullException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final long capacity;

    public BanStoreFullException(final Path file, final long capacity, final Throwable cause)
    {
        super("ban store " + file + " is full (capacity " + capacity + " entries): raise [bans] capacity", cause);
        this.capacity = capacity;
    }

    public long capacity()
    {
        return capacity;
    }
}
