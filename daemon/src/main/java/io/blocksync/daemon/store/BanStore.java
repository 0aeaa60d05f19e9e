package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The node's bans, keyed by prefix, in a persisted off-heap Chronicle Map ({@code STATE_DIR/bans.cmap}) that
 * survives restarts and {@code kill -9} (the kernel owns the mapped pages) and that other processes, such as the
 * CLI, can read while the daemon runs. Each stored value is one {@link Ban}; its prefix is the key.
 * <p>
 * <b>Files in the state directory.</b> {@code bans.format} records the layout version and the capacity the map
 * was sized for ({@link FormatFile}). {@code blocksync.lock} is locked by the owning daemon and holds its pid;
 * {@code store.open} exists while a daemon has the map open ({@link StateDirectory}). Either left behind at the next
 * start means the previous daemon did not stop cleanly, and the map is then opened through Chronicle's recovery,
 * which clears segment locks a killed process held, recounts entries and drops torn ones ({@link BanMap}).
 * <p>
 * <b>Write-ahead log.</b> Opened for {@code state-sync = always}, every {@link #put} and {@link #remove} is also
 * appended to {@code bans.wal} ({@link WriteAheadLog}), so that a group commit syncs that sequential log rather than
 * the map's scattered pages; the map is synced at checkpoints. After an unclean stop, the log's entries after its last
 * checkpoint are replayed into the map at open, and the map is synced before the log starts again empty.
 * <p>
 * <b>Sizing.</b> Keys are 18 bytes and values 168 bytes, both constant. The file is sized for {@code capacity}
 * entries when it is created, and Chronicle lets each segment grow by one extra tier, so roughly twice the capacity
 * fits (2.0 to 2.2 times for capacities from 10 to 1,000,000) before a segment runs out and an insert fails with
 * {@link BanStoreFullException}; updates of stored prefixes and removals keep working then. When the daemon starts
 * with a different capacity than the file was made with, the entries are copied into a new file of the new size.
 * <p>
 * <b>Allocation.</b> {@link #get}, {@link #put} and {@link #remove} allocate nothing in steady state: keys and
 * values go through constant-size marshallers into caller-owned holders. {@link #forEach} and
 * {@link #purgeExpired} reuse buffers that grow to the largest segment.
 * <p>
 * <b>Threads and processes.</b> One instance is used by one thread. Any number of processes may open the same file
 * at once (Chronicle Map coordinates them through locks inside the file); only one of them may be the daemon.
 * Recovery needs the file to itself, which is why the CLI should hold a reader only as long as one command runs.
 */
public final class BanStore implements AutoCloseable
{
    /** Chronicle's own switch for its usage analytics (HTTP posts to Google Analytics). */
    public static final String ANALYTICS_DISABLE_PROPERTY = "chronicle.analytics.disable";
    /** Chronicle's switch for the banner it otherwise prints on stdout, which would corrupt CLI output. */
    public static final String ANNOUNCER_DISABLE_PROPERTY = "chronicle.announcer.disable";
    /** slf4j-simple's level for the loggers of Chronicle's thread-affinity library (net.openhft.affinity). */
    static final String AFFINITY_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.net.openhft.affinity";

    static
    {
        // A firewall daemon must never phone home: left alone, Chronicle Map posts usage events to Google Analytics
        // from its own thread whenever a map is created or recovered. Chronicle reads the switch when its classes
        // initialise, and only this package touches Chronicle, so setting it here takes effect even when the
        // launcher forgot the -D flag; a "false" given on the command line is overridden on purpose.
        System.setProperty(ANALYTICS_DISABLE_PROPERTY, "true");
        System.setProperty(ANNOUNCER_DISABLE_PROPERTY, "true");
        // Chronicle's Jvm class would otherwise load jnr-ffi, which unpacks a native stub to /tmp at every start.
        ChroniclePosix.install();
        // Without JNA (left out of the distribution) Chronicle's thread-affinity library warns twice at start that it
        // falls back to its no-op implementation, which is all BlockSync wants; keep its errors.
        if (null == System.getProperty(AFFINITY_LOG_LEVEL_PROPERTY))
        {
            System.setProperty(AFFINITY_LOG_LEVEL_PROPERTY, "error");
        }
        // Its "risk of losing and/or corrupting" lines at every recovery would read as data loss; ours says what happened.
        ChronicleWarnings.install();
    }

    /** Version of the key and value layout; recorded in {@link #FORMAT_FILE_NAME} and checked on open. */
    public static final int FORMAT_VERSION = FormatFile.VERSION;
    public static final String MAP_FILE_NAME = "bans.cmap";
    /** Format version and capacity of the map file, which Chronicle's header does not keep. */
    public static final String FORMAT_FILE_NAME = FormatFile.FILE_NAME;
    public static final String OPEN_MARKER_FILE_NAME = StateDirectory.OPEN_MARKER_FILE_NAME;
    public static final String LOCK_FILE_NAME = StateDirLock.FILE_NAME;


    public static final String LOG_FILE_NAME = WriteAheadLog.FILE_NAME;
    /**
     * A {@code nowMillis} for {@link #openForDaemon(Path, long, Consumer, boolean, long)} that skips the purge at open:
     * the caller purges in its own pass over the store ({@link StartScan}), so a start reads the store once.
     */
    public static final long PURGE_LATER = Long.MIN_VALUE;

    private final Path stateDir;
    private final BanMap map;
    private final StateDirectory owner;
    private final WriteAheadLog wal;
    private volatile long passes;
    private boolean closed;

    /**
     * Why the daemon that had this state directory before did not stop cleanly (its {@code store.open} marker was left
     * behind), or null when it did, or when this store does not own the directory.
     */
    public String uncleanStopReason()
    {
        return null == owner ? null : owner.uncleanStopReason();
    }

    private BanStore(final Path stateDir, final BanMap map, final StateDirectory owner, final WriteAheadLog wal)
    {
        this.stateDir = stateDir;
        this.map = map;
        this.owner = owner;
        this.wal = wal;
    }

    /**
     * Open as the daemon, logging to standard error.
     *
     * @see #openForDaemon(Path, long, Consumer)
     */
    public static BanStore openForDaemon(final Path stateDir, final long capacity) throws IOException
    {
        return openForDaemon(stateDir, capacity, System.err::println);
    }

    /**
     * Open as the daemon without a write-ahead log (a log left by an unclean stop is still replayed, then removed).
     *
     * @see #openForDaemon(Path, long, Consumer, boolean, long)
     */
    public static BanStore openForDaemon(final Path stateDir, final long capacity, final Consumer<String> log)
        throws IOException
    {
        return openForDaemon(stateDir, capacity, log, false);
    }

    /**
     * As {@link #openForDaemon(Path, long, Consumer, boolean, long)}, purging by the wall clock (tests, tools).
     */
    public static BanStore openForDaemon(
        final Path stateDir, final long capacity, final Consumer<String> log, final boolean writeAheadLog)
        throws IOException
    {
        return openForDaemon(stateDir, capacity, log, writeAheadLog, System.currentTimeMillis());
    }

    /**
     * Open (or create) the store as the directory's one owner: create the directory with mode 0700 if missing,
     * lock it, recover the map if the previous owner did not stop cleanly and replay the write-ahead log's entries
     * after its last checkpoint into it, resize it if the capacity changed, and purge expired entries. With a
     * write-ahead log, the map is then synced and the log starts empty ({@link #writeAheadLog()}).
     *
     * @param stateDir      the daemon's state directory.
     * @param capacity      entries the store must hold, at least 1.
     * @param log           receives one line per notable event (recovery, replay, resize, purge at open).
     * @param writeAheadLog whether every change is also appended to {@code bans.wal} ({@code state-sync = always}).
     * @param nowMillis     the node's steady time, the frame its stored expiries are in: what has expired by then is
     *                      purged (the wall clock, stepped since they were written, would purge live bans);
     *                      {@link #PURGE_LATER} purges nothing here (the caller's {@link StartScan} does).
     * @return the open store; {@link #close()} it to stop cleanly.
     * @throws StateDirLockedException if another daemon (or another store in this process) owns the directory.
     * @throws IOException             if the directory is unsafe, or the store cannot be created or recovered.
     */
    public static BanStore openForDaemon(
        final Path stateDir, final long capacity, final Consumer<String> log, final boolean writeAheadLog, final long nowMillis)
        throws IOException
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("ban store capacity must be at least 1, was " + capacity);
        }

        final StateDirectory owner = StateDirectory.own(stateDir);
        BanMap map = null;
        WriteAheadLog wal = null;
        try
        {
            final Path file = stateDir.resolve(MAP_FILE_NAME);
            final Path walFile = stateDir.resolve(LOG_FILE_NAME);
            if (!Files.exists(file))
            {
                map = BanMap.open(file, capacity);
                FormatFile.write(stateDir, capacity);
            }
            else
            {
                final long fileCapacity = FormatFile.read(stateDir);
                final String uncleanReason = owner.uncleanStopReason();
                map = null != uncleanReason ?
                    BanMap.recover(file, capacity, uncleanReason, log) : BanMap.open(file, capacity);
                if (null != uncleanReason && Files.exists(walFile))
                {
                    WalReplay.recover(walFile, map, log);
                }

                if (fileCapacity != capacity)
                {
                    map = map.resize(fileCapacity, capacity, log);
                    // A crash before this line leaves the old capacity recorded: the next start copies once more.
                    FormatFile.write(stateDir, capacity);
                }
            }

            final int purged = PURGE_LATER == nowMillis ? 0 : map.purgeExpired(nowMillis);
            if (purged > 0)
            {
                log.accept(purgedLine(file, purged));
            }

            if (writeAheadLog || Files.exists(walFile))
            {
                // The map now holds what the log held: on disk before the log is emptied or removed.
                WriteAheadLog.syncFile(file);
            }
            if (writeAheadLog)
            {
                wal = WriteAheadLog.open(walFile, WriteAheadLog.capacityFor(capacity));
                if (null != wal.created())
                {
                    log.accept("ban store write-ahead log " + walFile + " " + wal.created() + " (" + wal.capacity() + " bytes)");
                }
                wal.restart();
            }
            else
            {
                Files.deleteIfExists(walFile);
            }

            return new BanStore(stateDir, map, owner, wal);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // The marker stays: whatever was half done is recovered at the next start.
            if (null != wal)
            {
                wal.close();
            }
            if (null != map)
            {
                map.close();
            }
            owner.abandon(ex);
            throw ex;
        }
    }

    /**
     * Open the store another process (normally the running daemon) owns, for reading, without taking the
     * directory lock, logging to standard error.
     *
     * @see #openReader(Path, Consumer)
     */
    public static BanStore openReader(final Path stateDir) throws IOException
    {
        return openReader(stateDir, System.err::println);
    }

    /**
     * Open the store another process (normally the running daemon) owns, without taking the directory lock. The
     * reader sees the daemon's changes as they happen. Chronicle Map has no read-only mode: the file must be
     * writable by this user, and this handle could modify the store, so the CLI must only read through it.
     *
     * @param stateDir the daemon's state directory.
     * @param log      receives a warning when the store was left unclean and no daemon holds it.
     * @return the open store.
     * @throws NoSuchFileException if there is no store in the directory.
     * @throws IOException         if the store is of another format version or cannot be opened.
     */
    public static BanStore openReader(final Path stateDir, final Consumer<String> log) throws IOException
    {
        final Path file = stateDir.resolve(MAP_FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            throw new NoSuchFileException(
                file.toString(), null, "no ban store here: has a blocksync daemon run with state directory " +
                stateDir + "?");
        }
        final long capacity = FormatFile.read(stateDir);
        StateDirectory.warnIfAbandoned(stateDir, file, log);

        // For an existing file Chronicle takes the sizing from its header.
        return new BanStore(stateDir, BanMap.open(file, capacity), null, null);
    }

    /**
     * Read the ban stored for a prefix into a holder.
     *
     * @param key  exact prefix (family, length and address bytes must match); may be {@code into.prefix()}.
     * @param into receives every field, its prefix set to {@code key}; unchanged when the prefix is absent.
     * @return true if present.
     */
    public boolean get(final IpPrefix key, final Ban into)
    {
        return map.get(key, into);
    }

    /**
     * Insert or overwrite the ban stored for {@code ban.prefix()}.
     *
     * @param ban decision to store; its prefix is the key, stored exactly as given: mask host bits first if
     *            192.0.2.1/24 should be 192.0.2.0/24. Its action must be set.
     * @throws BanStoreFullException    if the prefix is new and no room is left.
     * @throws IllegalArgumentException if the action is null.
     */
    public void put(final Ban ban)
    {
        if (null == ban.action())
        {
            throw new IllegalArgumentException(
                "ban entry for " + ban.prefix() + " has action null, expected BAN (1) or UNBAN (2)");
        }

        map.put(ban);
        if (null != wal)
        {
            wal.appendPut(ban);
        }
    }

    /**
     * @param key prefix to remove.
     * @return true if it was present.
     */
    public boolean remove(final IpPrefix key)
    {
        final boolean removed = map.remove(key);
        if (removed && null != wal)
        {
            wal.appendRemove(key);
        }
        return removed;
    }

    /**
     * @return entries stored, including UNBAN tombstones.
     */
    public long size()
    {
        return map.size();
    }

    /**
     * Visit every stored ban. Each segment of the map is copied under its lock and visited after the lock is
     * released, so a slow visitor (a CLI writing to a pipe) never stalls the daemon; the view is consistent per
     * segment, not across segments. The visitor may get, put and remove through this store, but not nest forEach
     * or purgeExpired, which reuse the same buffers.
     *
     * @param visitor receives the same holder on every call, see {@link BanVisitor#visit}.
     */
    public void forEach(final BanVisitor visitor)
    {
        passes++;
        map.forEach(visitor);
    }

    /**
     * Every entry, read one segment at a time as {@link #forEach} does, for a consumer that pulls (the firewall's
     * start): memory for one segment, whatever the store's size. Each iterator's {@code next()} returns a reused holder
     * (one per entry of the segment in memory, refilled for the next one); copy what must outlive the call. An entry changed during the pass may be seen before or after the change.
     */
    public Iterable<Ban> entries()
    {
        return () ->
        {
            passes++;
            return new StoreEntries(map);
        };
    }

    /**
     * Whole-store passes made through this handle since it was opened: {@link #forEach}, {@link #entries()}'s
     * iterators and {@link #purgeExpired} each count one (the purge at open does not). What a start costs in reads of
     * the store, for tests and the node's start-up line.
     */
    public long passes()
    {
        return passes;
    }

    /**
     * Remove entries whose time is up ({@link Ban#isExpiredAt(long)}: BANs past their expiry, UNBAN tombstones past
     * the retention the ban table stored as their expiry). Runs at open. Not logged in the write-ahead log: a purge
     * lost to a crash is done again at the next open.
     *
     * @param nowMillis wall-clock time.
     * @return entries removed.
     */
    public int purgeExpired(final long nowMillis)
    {
        passes++;
        return map.purgeExpired(nowMillis);
    }

    /** A purge's removal: not in the write-ahead log, like {@link #purgeExpired} (redone at the next open if lost). */
    void removeExpired(final IpPrefix key)
    {
        map.remove(key);
    }

    static String purgedLine(final Path file, final int purged)
    {
        return "ban store " + file + ": purged " + purged + " expired entries at open";
    }

    /**
     * @return entries the file was sized for (a fresh map takes about twice as many before it is full), or 0 for a
     * reader when the daemon has not recorded it.
     */
    public long capacity()
    {
        return map.capacity();
    }

    /**
     * @return the map file.
     */
    public Path file()
    {
        return map.file();
    }

    public Path stateDir()
    {
        return stateDir;
    }

    /**
     * @return the write-ahead log every change is appended to, for the checkpointer and the group commit; null when
     * opened without one or as a reader.
     */
    public WriteAheadLog writeAheadLog()
    {
        return wal;
    }

    /**
     * Close the map; as the daemon, also mark the stop as clean and release the directory. Idempotent.
     */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;

        if (null != wal)
        {
            wal.close();
        }
        map.close();
        if (null != owner)
        {
            owner.close();
        }
    }
}
