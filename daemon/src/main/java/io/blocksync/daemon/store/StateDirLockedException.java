package io.blocksync.daemon.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The state directory is held by another process (or another store in this one); only one daemon may own it.
 */
public final class StateDirLockedException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path stateDir;
    private final long pid;

    /**
     * @param stateDir the directory that is in use.
     * @param pid      the process holding it, or 0 if it has not written its pid yet.
     */
    public StateDirLockedException(final Path stateDir, final long pid)
    {
        super(pid > 0 ?
            "state directory " + stateDir + " is in use by pid " + pid + " (another blocksync daemon?)" :
            "state directory " + stateDir + " is in use by another process (another blocksync daemon?)");
        this.stateDir = stateDir;
        this.pid = pid;
    }

    public Path stateDir()
    {
        return stateDir;
    }

    /**
     * @return the holder's pid, or 0 if unknown.
     */
    public long pid()
    {
        return pid;
    }
}
