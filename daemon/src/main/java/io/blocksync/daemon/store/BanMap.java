package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The Chronicle Map file of bans ({@code bans.cmap}): opening, recovering and resizing it, and reading and writing
 * its entries. Keys are 18-byte prefixes ({@link IpPrefixMarshaller}), values 64-byte records
 * ({@link BanMarshaller}). Reached only through {@link BanStore}, whose class initialiser switches Chronicle's
 * analytics off before any Chronicle class loads. One instance is used by one thread.
 */
final class BanMap implements AutoCloseable
{
    private static final String MAP_NAME = "blocksync-bans";
    private static final String RESIZE_FILE_SUFFIX = ".resize";
    private static final int INITIAL_SNAPSHOT_SIZE = 256;

    /**
     * Widest hash-lookup slot, in bytes, a store may have: Chronicle Map opens a map with wider slots only where 8-byte
     * memory operations are atomic (a 64-bit JVM), so stores keep to 4 and stay readable on 32-bit JVMs.
     */
    static final int MAX_HASH_LOOKUP_SLOT_BYTES = 4;

    /** How Chronicle's own refusal starts (VanillaChronicleHash), on a JVM where 8-byte operations are not atomic. */
    private static final String WIDE_SLOT_REFUSAL = "aligned64BitMemoryOperationsAtomic() == false";

    static
    {
        // Headers of existing files name the classes the value had before Ban replaced it; map those names to
        // today's classes. Being each class's first alias, they are also what new headers record, so new files stay
        // byte for byte what the earlier code wrote (and readable by it).
        ClassAliasPool.CLASS_ALIASES.addAlias(Ban.class, BanMarshaller.LEGACY_VALUE_CLASS_NAME);
        ClassAliasPool.CLASS_ALIASES.addAlias(BanMarshaller.class, BanMarshaller.LEGACY_CLASS_NAME);
    }

    private final Path file;
    private final long capacity;
    private final ChronicleMap<IpPrefix, Ban> map;
    private final Purger purger = new Purger();
    private final Snapshotter snapshotter = new Snapshotter();
    private final Ban visited = new Ban();

    private BanMap(final Path file, final long capacity, final ChronicleMap<IpPrefix, Ban> map)
    {
        this.file = file;
        this.capacity = capacity;
        this.map = map;
    }

    /**
     * Create the file sized for {@code capacity} entries, or open it if it exists (its header then gives the sizing).
     *
     * @param capacity entries to size a new file for; reported by {@link BanStoreFullException}.
     */
    static BanMap open(final Path file, final long capacity) throws IOException
    {
        try
        {
            return new BanMap(file, capacity, checkSlots(file, builder(Math.max(1, capacity)).createPersistedTo(file.toFile())));
        }
        catch (final IllegalStateException ex)
        {
            throw wideSlotsOr(file, ex);
        }
    }

    /**
     * Open an existing file through Chronicle's recovery, which rebuilds segment locks a killed process held, entry
     * counts and free lists, and drops torn entries.
     *
     * @param uncleanReason why recovery is needed, for the log line.
     * @param log           receives one line saying what was repaired.
     */
    static BanMap recover(final Path file, final long capacity, final String uncleanReason, final Consumer<String> log)
        throws IOException
    {
        final CorruptionCounter counter = new CorruptionCounter();
        final ChronicleMap<IpPrefix, Ban> map;
        try
        {
            map = checkSlots(file, builder(1).recoverPersistedTo(file.toFile(), false, counter));
        }
        catch (final IllegalStateException ex)
        {
            throw wideSlotsOr(file, ex);
        }
        log.accept(
            "ban store " + file + " was not closed cleanly (" + uncleanReason + "): recovered it, " +
            (0 == counter.count ? "nothing to repair" :
            "repaired " + counter.count + " problems, first: " + counter.first));

        return new BanMap(file, capacity, map);
    }

    /**
     * Copy every entry into a new file sized for {@code newCapacity}, close this map, and put the copy in its place.
     *
     * @param oldCapacity what the file was sized for, 0 if unknown, for the log line.
     * @param log         receives one line before the copy.
     * @return the resized map, open.
     * @throws IOException if the entries do not fit in the new capacity (this map is closed and its file kept), or
     *                     the copy cannot be written.
     */
    BanMap resize(final long oldCapacity, final long newCapacity, final Consumer<String> log) throws IOException
    {
        final Path resized = file.resolveSibling(file.getFileName() + RESIZE_FILE_SUFFIX);
        Files.deleteIfExists(resized);
        final long held = map.longSize();
        log.accept(
            "ban store " + file + " holds " + held + " entries with capacity " +
            (oldCapacity > 0 ? Long.toString(oldCapacity) : "unknown (no " + FormatFile.FILE_NAME + ")") +
            ": resizing it to capacity " + newCapacity);

        try (ChronicleMap<IpPrefix, Ban> copy = builder(newCapacity).createPersistedTo(resized.toFile()))
        {
            final IpPrefix key = new IpPrefix();
            final Ban ban = new Ban();
            map.forEachEntry(
                (e) ->
                {
                    e.value().getUsing(ban);
                    ban.prefix(e.key().getUsing(key));
                    copy.put(ban.prefix(), ban);
                });
        }
        catch (final IllegalStateException ex)
        {
            map.close();
            Files.deleteIfExists(resized);
            if (isFull(ex))
            {
                throw new IOException(
                    "ban store " + file + " holds " + held + " entries, more than fit in capacity " + newCapacity +
                    ": raise [bans] capacity to at least " + held, ex);
            }
            throw ex;
        }

        map.close();
        Files.move(resized, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        return open(file, newCapacity);
    }

    boolean get(final IpPrefix key, final Ban into)
    {
        if (null == map.getUsing(key, into))
        {
            return false;
        }
        into.prefix(key);
        return true;
    }

    /**
     * @throws BanStoreFullException if the prefix is new and no room is left.
     */
    void put(final Ban ban)
    {
        try
        {
            map.put(ban.prefix(), ban);
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

    boolean remove(final IpPrefix key)
    {
        try (ExternalMapQueryContext<IpPrefix, Ban, ?> context = map.queryContext(key))
        {
            context.updateLock().lock();
            final MapEntry<IpPrefix, Ban> entry = context.entry();
            if (null == entry)
            {
                return false;
            }
            context.remove(entry);
            return true;
        }
    }

    long size()
    {
        return map.longSize();
    }

    /**
     * Copy each segment under its lock, then visit the copy after the lock is released, so a slow visitor never
     * stalls another process's writes.
     */
    void forEach(final BanVisitor visitor)
    {
        final int segments = map.segments();
        for (int segment = 0; segment < segments; segment++)
        {
            final int count = snapshot(segment, snapshotter);
            for (int i = 0; i < count; i++)
            {
                visitor.visit(visited.set(snapshotter.bans[i]));
            }
        }
    }

    int segments()
    {
        return map.segments();
    }

    /**
     * Copy one segment's entries into {@code into} under the segment's lock.
     *
     * @return how many; read them with {@link Snapshotter#entry}.
     */
    int snapshot(final int segment, final Snapshotter into)
    {
        into.count = 0;
        try (MapSegmentContext<IpPrefix, Ban, ?> context = map.segmentContext(segment))
        {
            context.forEachSegmentEntry(into);
        }
        return into.count;
    }

    /**
     * @return entries removed because {@link Ban#isExpiredAt(long)}.
     */
    int purgeExpired(final long nowMillis)
    {
        purger.nowMillis = nowMillis;
        purger.removed = 0;
        final int segments = map.segments();
        for (int segment = 0; segment < segments; segment++)
        {
            try (MapSegmentContext<IpPrefix, Ban, ?> context = map.segmentContext(segment))
            {
                context.forEachSegmentEntry(purger);
            }
        }

        return purger.removed;
    }

    long capacity()
    {
        return capacity;
    }

    Path file()
    {
        return file;
    }

    /** Idempotent. */
    @Override
    public void close()
    {
        map.close();
    }

    static ChronicleMapBuilder<IpPrefix, Ban> builder(final long capacity)
    {
        final IpPrefixMarshaller keyMarshaller = new IpPrefixMarshaller();

        return ChronicleMap.of(IpPrefix.class, Ban.class)
            .name(MAP_NAME)
            .entries(capacity)
            .keyMarshallers(keyMarshaller, keyMarshaller)
            .constantKeySizeBySample(new IpPrefix())
            .valueMarshallers(BanMarshaller.INSTANCE, BanMarshaller.INSTANCE)
            .constantValueSizeBySample(new Ban())
            .putReturnsNull(true)
            .removeReturnsNull(true)
            // Size for 4-byte hash-lookup slots on every JVM, as Chronicle does on a 32-bit one, so that a store
            // written on a 64-bit box opens on a 32-bit board (checkSlots verifies what the file says).
            .aligned64BitMemoryOperationsAtomic(false)
            // The daemon closes the store itself; Chronicle's exit hook would race with that. Only a new file takes
            // this from the builder: checkSlots detaches every map (ChronicleExitHook).
            .skipCloseOnExitHook(true);
    }

    /**
     * @return {@code map}, if its hash-lookup slots are at most {@value #MAX_HASH_LOOKUP_SLOT_BYTES} bytes wide.
     * @throws IOException naming the file and the slot width, with {@code map} closed, if they are wider.
     */
    static <M extends ChronicleMap<?, ?>> M checkSlots(final Path file, final M map) throws IOException
    {
        final int slotBytes = map instanceof VanillaChronicleHash ?
            ((VanillaChronicleHash<?, ?, ?, ?>)map).tierHashLookupSlotSize : MAX_HASH_LOOKUP_SLOT_BYTES;
        if (slotBytes > MAX_HASH_LOOKUP_SLOT_BYTES)
        {
            map.close();
            throw wideSlots(file, slotBytes + "-byte");
        }
        // Every path that opens a map comes here: closed by its owner only, never by Chronicle's exit hook.
        ChronicleExitHook.detach(map);
        return map;
    }

    private static IOException wideSlots(final Path file, final String width)
    {
        return new IOException(
            "ban store " + file + " has " + width + " hash-lookup slots, which Chronicle Map opens only on a 64-bit " +
            "JVM; BlockSync writes " + MAX_HASH_LOOKUP_SLOT_BYTES + "-byte slots so every store opens on 32-bit " +
            "JVMs too: move the file away and start again (peers' catch-up refills the store)");
    }

    private static RuntimeException wideSlotsOr(final Path file, final IllegalStateException ex) throws IOException
    {
        final String message = ex.getMessage();
        if (null != message && message.startsWith(WIDE_SLOT_REFUSAL))
        {
            final IOException wide = wideSlots(file, "wider than " + MAX_HASH_LOOKUP_SLOT_BYTES + "-byte");
            wide.initCause(ex);
            throw wide;
        }
        return ex;
    }

    private static boolean isFull(final IllegalStateException ex)
    {
        final String message = ex.getMessage();
        // Chronicle's words when a segment has used up its extra tiers: "Attempt to allocate #2 extra segment tier,
        // 1 is maximum."; other IllegalStateExceptions (a closed map) pass through unchanged.
        return null != message && message.contains("extra segment tier");
    }

    /** Copies one segment's entries into reused holders that grow to the largest segment. */
    static final class Snapshotter implements Consumer<MapEntry<IpPrefix, Ban>>
    {
        private final IpPrefix key = new IpPrefix();
        private final UnsafeBuffer valueBuffer = new UnsafeBuffer();
        private final UnsafeBuffer keyBuffer = new UnsafeBuffer();
        private Ban[] bans = new Ban[INITIAL_SNAPSHOT_SIZE];
        private int count;

        Snapshotter()
        {
            fill(0);
        }

        Ban entry(final int index)
        {
            return bans[index];
        }

        @Override
        public void accept(final MapEntry<IpPrefix, Ban> entry)
        {
            if (count == bans.length)
            {
                final int length = bans.length;
                bans = Arrays.copyOf(bans, length * 2);
                fill(length);
            }
            final Ban ban = bans[count++];
            final Data<Ban> value = entry.value();
            final Data<IpPrefix> stored = entry.key();
            final RandomDataInput valueMemory = value.bytes();
            final RandomDataInput keyMemory = stored.bytes();
            if (valueMemory.isDirectMemory() && keyMemory.isDirectMemory())
            {
                // In place: the segment is locked for the whole callback, so its memory stays put.
                valueBuffer.wrap(valueMemory.addressForRead(value.offset()), (int)value.size());
                keyBuffer.wrap(keyMemory.addressForRead(stored.offset()), (int)stored.size());
                BanMarshaller.read(valueBuffer, ban);
                IpPrefixMarshaller.read(keyBuffer, ban.prefix());
            }
            else
            {
                value.getUsing(ban);
                ban.prefix(stored.getUsing(key));
            }
        }

        private void fill(final int from)
        {
            for (int i = from; i < bans.length; i++)
            {
                bans[i] = new Ban();
            }
        }
    }

    private static final class Purger implements Consumer<MapEntry<IpPrefix, Ban>>
    {
        private final Ban scratch = new Ban();
        private long nowMillis;
        private int removed;

        @Override
        public void accept(final MapEntry<IpPrefix, Ban> entry)
        {
            entry.value().getUsing(scratch);
            if (scratch.isExpiredAt(nowMillis))
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
