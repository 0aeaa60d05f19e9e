package io.blocksync.daemon.store;

import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The node's bans, keyed by prefix, in a persisted off-heap Chronicle Map ({@code STATE_DIR/bans.cmap}) that
 * survives restarts and {@code kill -9} (the kernel owns the mapped pages) and that other processes, such as the
 * CLI, can read while the daemon runs.
 * <p>
 * <b>Files in the state directory.</b> {@code bans.format} records the layout version and the capacity the map
 * was sized for. {@code blocksync.lock} is locked by the owning daemon and holds its pid; {@code store.open} exists
 * while a daemon has the map open. Either left behind at the next start means the previous daemon did not stop
 * cleanly, and the map is then opened through Chronicle's recovery, which clears segment locks a killed process
 * held, recounts entries and drops torn ones.
 * <p>
 * <b>Sizing.</b> Keys are 18 bytes and values 64 bytes, both constant. The file is sized for {@code capacity}
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

    static
    {
        // A firewall daemon must never phone home: left alone, Chronicle Map posts usage events to Google Analytics
        // from its own thread whenever a map is created or recovered. Chronicle reads the switch when its classes
        // initialise, and only this package touches Chronicle, so setting it here takes effect even when the
        // launcher forgot the -D flag; a "false" given on the command line is overridden on purpose.
        System.setProperty(ANALYTICS_DISABLE_PROPERTY, "true");
        System.setProperty(ANNOUNCER_DISABLE_PROPERTY, "true");
    }

    /** Version of the key and value layout; recorded in {@link #FORMAT_FILE_NAME} and checked on open. */
    public static final int FORMAT_VERSION = 1;
    public static final String MAP_FILE_NAME = "bans.cmap";
    /** Format version and capacity of the map file, which Chronicle's header does not keep. */
    public static final String FORMAT_FILE_NAME = "bans.format";
    public static final String OPEN_MARKER_FILE_NAME = "store.open";
    public static final String LOCK_FILE_NAME = StateDirLock.FILE_NAME;

    private static final String MAP_NAME = "blocksync-bans";
    private static final String FORMAT_KEY = "format";
    private static final String CAPACITY_KEY = "capacity";
    private static final String RESIZE_FILE_SUFFIX = ".resize";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final int INITIAL_SNAPSHOT_SIZE = 256;

    private final Path stateDir;
    private final Path file;
    private final long capacity;
    private final ChronicleMap<IpPrefix, BanEntry> map;
    private final StateDirLock lock;
    private final Purger purger = new Purger();
    private final Snapshotter snapshotter = new Snapshotter();
    private final IpPrefix visitKey = new IpPrefix();
    private final BanEntry visitEntry = new BanEntry();
    private boolean closed;

    private BanStore(
        final Path stateDir,
        final Path file,
        final long capacity,
        final ChronicleMap<IpPrefix, BanEntry> map,
        final StateDirLock lock)
    {
        this.stateDir = stateDir;
        this.file = file;
        this.capacity = capacity;
        this.map = map;
        this.lock = lock;
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
     * Open (or create) the store as the directory's one owner: create the directory with mode 0700 if missing,
     * lock it, recover the map if the previous owner did not stop cleanly, resize it if the capacity changed, and
     * purge expired entries.
     *
     * @param stateDir the daemon's state directory.
     * @param capacity entries the store must hold, at least 1.
     * @param log      receives one line per notable event (recovery, resize, purge at open).
     * @return the open store; {@link #close()} it to stop cleanly.
     * @throws StateDirLockedException if another daemon (or another store in this process) owns the directory.
     * @throws IOException             if the directory is unsafe, or the store cannot be created or recovered.
     */
    public static BanStore openForDaemon(final Path stateDir, final long capacity, final Consumer<String> log)
        throws IOException
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("ban store capacity must be at least 1, was " + capacity);
        }

        createStateDir(stateDir);
        final StateDirLock lock = StateDirLock.acquire(stateDir);
        ChronicleMap<IpPrefix, BanEntry> map = null;
        try
        {
            final Path file = stateDir.resolve(MAP_FILE_NAME);
            final Path marker = stateDir.resolve(OPEN_MARKER_FILE_NAME);
            final String uncleanReason = uncleanStopReason(marker, lock.previousPid());
            // Written before the map is touched, so that a crash at any later point is seen at the next start.
            Files.write(marker, new byte[0]);

            if (!Files.exists(file))
            {
                map = builder(capacity).createPersistedTo(file.toFile());
                writeFormatFile(stateDir, capacity);
            }
            else
            {
                final long fileCapacity = readFormatFile(stateDir);
                if (null != uncleanReason)
                {
                    map = recover(file, uncleanReason, log);
                }
                else
                {
                    map = builder(capacity).createPersistedTo(file.toFile());
                }

                if (fileCapacity != capacity)
                {
                    map = resize(map, stateDir, file, fileCapacity, capacity, log);
                }
            }

            final BanStore store = new BanStore(stateDir, file, capacity, map, lock);
            final int purged = store.purgeExpired(System.currentTimeMillis());
            if (purged > 0)
            {
                log.accept("ban store " + file + ": purged " + purged + " expired entries at open");
            }

            return store;
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // The marker stays: whatever was half done is recovered at the next start.
            if (null != map)
            {
                map.close();
            }
            try
            {
                lock.close();
            }
            catch (final IOException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
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
        final long capacity = readFormatFile(stateDir);

        if (Files.exists(stateDir.resolve(OPEN_MARKER_FILE_NAME)))
        {
            final long pid = StateDirLock.holderPid(stateDir);
            if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                log.accept(
                    "warning: ban store " + file + " was not closed cleanly and no daemon holds it; it is " +
                    "recovered when the daemon next starts, and may read inconsistently until then");
            }
        }

        // For an existing file Chronicle takes the sizing from its header; the builder only names the types.
        return new BanStore(stateDir, file, capacity, builder(1).createPersistedTo(file.toFile()), null);
    }

    /**
     * Read the entry for a prefix into a holder.
     *
     * @param key  exact prefix (family, length and address bytes must match).
     * @param into receives the value; unchanged when the prefix is absent.
     * @return true if present.
     */
    public boolean get(final IpPrefix key, final BanEntry into)
    {
        return null != map.getUsing(key, into);
    }

    /**
     * Insert or overwrite the entry for a prefix.
     *
     * @param key   prefix, stored exactly as given: mask host bits first if 192.0.2.1/24 should be 192.0.2.0/24.
     * @param value entry to store; its action must be {@link BanEntry#BAN} or {@link BanEntry#UNBAN}.
     * @throws BanStoreFullException    if the prefix is new and no room is left.
     * @throws IllegalArgumentException if the action is not BAN or UNBAN.
     */
    public void put(final IpPrefix key, final BanEntry value)
    {
        final int action = value.action();
        if (BanEntry.BAN != action && BanEntry.UNBAN != action)
        {
            throw new IllegalArgumentException(
                "ban entry for " + key + " has action " + action + ", expected BAN (1) or UNBAN (2)");
        }

        try
        {
            map.put(key, value);
        }
        catch (final IllegalStateException ex)
        {
            if (isFull(ex))
            {
                throw new BanStoreFullException(file, capacity, ex);
            }
            throw ex;
        }
    }

    /**
     * @param key prefix to remove.
     * @return true if it was present.
     */
    public boolean remove(final IpPrefix key)
    {
        try (ExternalMapQueryContext<IpPrefix, BanEntry, ?> context = map.queryContext(key))
        {
            context.updateLock().lock();
            final MapEntry<IpPrefix, BanEntry> entry = context.entry();
            if (null == entry)
            {
                return false;
            }
            context.remove(entry);
            return true;
        }
    }

    /**
     * @return entries stored, including UNBAN tombstones.
     */
    public long size()
    {
        return map.longSize();
    }

    /**
     * Visit every entry. Each segment of the map is copied under its lock and visited after the lock is released,
     * so a slow visitor (a CLI writing to a pipe) never stalls the daemon; the view is consistent per segment, not
     * across segments. The visitor may get, put and remove through this store, but not nest forEach or
     * purgeExpired, which reuse the same buffers.
     *
     * @param visitor receives the same two holders on every call, see {@link BanEntryVisitor#visit}.
     */
    public void forEach(final BanEntryVisitor visitor)
    {
        final int segments = map.segments();
        for (int segment = 0; segment < segments; segment++)
        {
            snapshotter.count = 0;
            try (MapSegmentContext<IpPrefix, BanEntry, ?> context = map.segmentContext(segment))
            {
                context.forEachSegmentEntry(snapshotter);
            }

            final int count = snapshotter.count;
            for (int i = 0; i < count; i++)
            {
                visitKey.set(snapshotter.keys[i]);
                visitEntry.set(snapshotter.entries[i]);
                visitor.visit(visitKey, visitEntry);
            }
        }
    }

    /**
     * Remove BAN entries whose expiry has passed and UNBAN tombstones past their retention, see
     * {@link BanEntry#isPurgeable(long)}. Runs at open; the daemon may call it periodically.
     *
     * @param nowMillis wall-clock time.
     * @return entries removed.
     */
    public int purgeExpired(final long nowMillis)
    {
        purger.nowMillis = nowMillis;
        purger.removed = 0;
        final int segments = map.segments();
        for (int segment = 0; segment < segments; segment++)
        {
            try (MapSegmentContext<IpPrefix, BanEntry, ?> context = map.segmentContext(segment))
            {
                context.forEachSegmentEntry(purger);
            }
        }

        return purger.removed;
    }

    /**
     * @return entries the file was sized for (a fresh map takes about twice as many before it is full), or 0 for a
     * reader when the daemon has not recorded it.
     */
    public long capacity()
    {
        return capacity;
    }

    /**
     * @return the map file.
     */
    public Path file()
    {
        return file;
    }

    public Path stateDir()
    {
        return stateDir;
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

        map.close();
        if (null != lock)
        {
            try
            {
                Files.deleteIfExists(stateDir.resolve(OPEN_MARKER_FILE_NAME));
            }
            finally
            {
                lock.close();
            }
        }
    }

    private static ChronicleMapBuilder<IpPrefix, BanEntry> builder(final long capacity)
    {
        final IpPrefixMarshaller keyMarshaller = new IpPrefixMarshaller();

        return ChronicleMap.of(IpPrefix.class, BanEntry.class)
            .name(MAP_NAME)
            .entries(capacity)
            .keyMarshallers(keyMarshaller, keyMarshaller)
            .constantKeySizeBySample(new IpPrefix())
            .valueMarshallers(BanEntryMarshaller.INSTANCE, BanEntryMarshaller.INSTANCE)
            .constantValueSizeBySample(new BanEntry())
            .putReturnsNull(true)
            .removeReturnsNull(true)
            // The daemon closes the store itself; Chronicle's exit hook would race with that.
            .skipCloseOnExitHook(true);
    }

    private static ChronicleMap<IpPrefix, BanEntry> recover(
        final Path file, final String uncleanReason, final Consumer<String> log) throws IOException
    {
        // Rebuilds segment locks a killed process held, entry counts and free lists; drops torn entries.
        final CorruptionCounter counter = new CorruptionCounter();
        final ChronicleMap<IpPrefix, BanEntry> map = builder(1).recoverPersistedTo(file.toFile(), false, counter);
        log.accept(
            "ban store " + file + " was not closed cleanly (" + uncleanReason + "): recovered it, " +
            (0 == counter.count ? "nothing to repair" :
            "repaired " + counter.count + " problems, first: " + counter.first));

        return map;
    }

    private static ChronicleMap<IpPrefix, BanEntry> resize(
        final ChronicleMap<IpPrefix, BanEntry> old,
        final Path stateDir,
        final Path file,
        final long oldCapacity,
        final long newCapacity,
        final Consumer<String> log) throws IOException
    {
        final Path resized = file.resolveSibling(file.getFileName() + RESIZE_FILE_SUFFIX);
        Files.deleteIfExists(resized);
        final long held = old.longSize();
        log.accept(
            "ban store " + file + " holds " + held + " entries with capacity " +
            (oldCapacity > 0 ? Long.toString(oldCapacity) : "unknown (no " + FORMAT_FILE_NAME + ")") +
            ": resizing it to capacity " + newCapacity);

        try (ChronicleMap<IpPrefix, BanEntry> copy = builder(newCapacity).createPersistedTo(resized.toFile()))
        {
            final IpPrefix key = new IpPrefix();
            final BanEntry entry = new BanEntry();
            old.forEachEntry(
                (e) ->
                {
                    e.key().getUsing(key);
                    e.value().getUsing(entry);
                    copy.put(key, entry);
                });
        }
        catch (final IllegalStateException ex)
        {
            old.close();
            Files.deleteIfExists(resized);
            if (isFull(ex))
            {
                throw new IOException(
                    "ban store " + file + " holds " + held + " entries, more than fit in capacity " + newCapacity +
                    ": raise [bans] capacity to at least " + held, ex);
            }
            throw ex;
        }

        old.close();
        Files.move(resized, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // A crash before this line leaves the old capacity recorded: the next start copies once more, harmlessly.
        writeFormatFile(stateDir, newCapacity);

        return builder(newCapacity).createPersistedTo(file.toFile());
    }

    private static String uncleanStopReason(final Path marker, final long previousPid)
    {
        if (Files.exists(marker))
        {
            return OPEN_MARKER_FILE_NAME + " was left behind";
        }
        if (previousPid > 0)
        {
            return LOCK_FILE_NAME + " still named pid " + previousPid + ", which is gone";
        }
        if (previousPid < 0)
        {
            return LOCK_FILE_NAME + " held something other than a pid";
        }

        return null;
    }

    private static void writeFormatFile(final Path stateDir, final long capacity) throws IOException
    {
        final Path formatFile = stateDir.resolve(FORMAT_FILE_NAME);
        final Path temp = stateDir.resolve(FORMAT_FILE_NAME + ".tmp");
        final String text =
            "# blocksync ban store, written by the daemon: do not edit\n" +
            FORMAT_KEY + "=" + FORMAT_VERSION + "\n" +
            CAPACITY_KEY + "=" + capacity + "\n";
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, formatFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * @return the recorded capacity, or 0 if the format file is missing.
     * @throws IOException if it records another format version or cannot be parsed.
     */
    private static long readFormatFile(final Path stateDir) throws IOException
    {
        final Path formatFile = stateDir.resolve(FORMAT_FILE_NAME);
        if (!Files.exists(formatFile))
        {
            return 0;
        }

        long format = 0;
        long capacity = 0;
        int lineNumber = 0;
        for (final String line : Files.readAllLines(formatFile, StandardCharsets.US_ASCII))
        {
            lineNumber++;
            final String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }

            final int equals = trimmed.indexOf('=');
            final String key = equals > 0 ? trimmed.substring(0, equals).trim() : "";
            final long value = equals > 0 ? parsePositive(trimmed.substring(equals + 1).trim()) : -1;
            if (FORMAT_KEY.equals(key) && value > 0)
            {
                format = value;
            }
            else if (CAPACITY_KEY.equals(key) && value > 0)
            {
                capacity = value;
            }
            else
            {
                throw new IOException(
                    formatFile + ":" + lineNumber + ": expected 'format=N' or 'capacity=N' with N > 0, found '" +
                    trimmed + "'");
            }
        }

        if (FORMAT_VERSION != format || 0 == capacity)
        {
            throw new IOException(
                formatFile + ": ban store format " + (0 == format ? "missing" : "v" + format) +
                (0 == capacity ? ", capacity missing" : "") + "; this blocksync reads format v" + FORMAT_VERSION);
        }

        return capacity;
    }

    private static long parsePositive(final String text)
    {
        try
        {
            final long value = Long.parseLong(text);
            return value > 0 ? value : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static void createStateDir(final Path stateDir) throws IOException
    {
        if (!Files.isDirectory(stateDir))
        {
            final Path parent = stateDir.toAbsolutePath().getParent();
            if (null != parent)
            {
                Files.createDirectories(parent);
            }

            try
            {
                Files.createDirectory(stateDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            catch (final FileAlreadyExistsException ex)
            {
                if (!Files.isDirectory(stateDir))
                {
                    throw new IOException("state directory " + stateDir + " exists but is not a directory", ex);
                }
            }
        }

        final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(stateDir);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) ||
            permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            throw new IOException(
                "state directory " + stateDir + " is writable by group or others (" +
                PosixFilePermissions.toString(permissions) + "), so anyone could edit the bans: chmod 700 it");
        }
    }

    private static boolean isFull(final IllegalStateException ex)
    {
        final String message = ex.getMessage();
        // Chronicle's words when a segment has used up its extra tiers: "Attempt to allocate #2 extra segment tier,
        // 1 is maximum."; other IllegalStateExceptions (a closed map) pass through unchanged.
        return null != message && message.contains("extra segment tier");
    }

    private final class Snapshotter implements Consumer<MapEntry<IpPrefix, BanEntry>>
    {
        private IpPrefix[] keys = new IpPrefix[INITIAL_SNAPSHOT_SIZE];
        private BanEntry[] entries = new BanEntry[INITIAL_SNAPSHOT_SIZE];
        private int count;

        private Snapshotter()
        {
            fill(0);
        }

        @Override
        public void accept(final MapEntry<IpPrefix, BanEntry> entry)
        {
            if (count == keys.length)
            {
                grow();
            }
            entry.key().getUsing(keys[count]);
            entry.value().getUsing(entries[count]);
            count++;
        }

        private void grow()
        {
            final int length = keys.length;
            keys = Arrays.copyOf(keys, length * 2);
            entries = Arrays.copyOf(entries, length * 2);
            fill(length);
        }

        private void fill(final int from)
        {
            for (int i = from; i < keys.length; i++)
            {
                keys[i] = new IpPrefix();
                entries[i] = new BanEntry();
            }
        }
    }

    private static final class Purger implements Consumer<MapEntry<IpPrefix, BanEntry>>
    {
        private final BanEntry scratch = new BanEntry();
        private long nowMillis;
        private int removed;

        @Override
        public void accept(final MapEntry<IpPrefix, BanEntry> entry)
        {
            entry.value().getUsing(scratch);
            if (scratch.isPurgeable(nowMillis))
            {
                entry.context().remove(entry);
                removed++;
            }
        }
    }

    private static final class CorruptionCounter implements ChronicleHashCorruption.Listener
    {
        private int count;
        private String first;

        @Override
        public void onCorruption(final ChronicleHashCorruption corruption)
        {
            if (0 == count)
            {
                first = corruption.message();
            }
            count++;
        }
    }
}
