package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.hash.impl.CompactOffHeapLinearHashTable;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chronicle Map refuses, on a 32-bit JVM, a map whose hash-lookup slots are wider than 4 bytes. BanMap's sizing
 * keeps every capacity the config accepts (1-100,000,000) to 4-byte slots, and an open refuses a wider file with one
 * line on any JVM.
 */
class BanMapSizingTest
{
    private static final long MAX_CONFIG_CAPACITY = 100_000_000L;

    @TempDir
    Path temp;

    /** The slot width Chronicle would give a new file, worked out as VanillaChronicleHash does without creating it. */
    @Test
    void everyConfigurableCapacityShouldGetFourByteSlots() throws Exception
    {
        final TreeSet<Long> capacities = new TreeSet<>();
        for (long power = 1; power <= MAX_CONFIG_CAPACITY; power *= 2)
        {
            capacities.add(Math.max(1, power - 1));
            capacities.add(power);
            capacities.add(power + 1);
        }
        final Random random = new Random(12);
        for (int i = 0; i < 100; i++)
        {
            capacities.add(1 + (long)Math.pow(MAX_CONFIG_CAPACITY, random.nextDouble()));
        }
        capacities.add(MAX_CONFIG_CAPACITY);

        for (final long capacity : capacities)
        {
            assertEquals(BanMap.MAX_HASH_LOOKUP_SLOT_BYTES, slotBytes(BanMap.builder(capacity)), "capacity " + capacity);
        }
    }

    @Test
    void storesShouldBeWrittenWithFourByteSlots() throws IOException
    {
        for (final long capacity : new long[] {1, 10_000, 100_000})
        {
            try (BanMap map = BanMap.open(temp.resolve("bans-" + capacity + ".cmap"), capacity))
            {
                map.put(TestBans.entry(1));
            }
            try (ChronicleMap<IpPrefix, Ban> raw = BanMap.builder(1).createPersistedTo(
                temp.resolve("bans-" + capacity + ".cmap").toFile()))
            {
                assertEquals(4, ((VanillaChronicleHash<?, ?, ?, ?>)raw).tierHashLookupSlotSize);
            }
        }
    }

    @Test
    void openShouldRefuseWiderSlotsInOneLine() throws IOException
    {
        final Path file = temp.resolve("wide.cmap");
        // Few big segments: 17 bits of chunk index plus the key bits need an 8-byte slot on a 64-bit JVM.
        try (ChronicleMap<IpPrefix, Ban> wide = BanMap.builder(1 << 17)
            .aligned64BitMemoryOperationsAtomic(true)
            .actualSegments(1)
            .entriesPerSegment(1 << 17)
            .actualChunksPerSegmentTier(1 << 17)
            .createPersistedTo(file.toFile()))
        {
            assertEquals(8, ((VanillaChronicleHash<?, ?, ?, ?>)wide).tierHashLookupSlotSize);
        }

        final IOException refused = assertThrows(IOException.class, () -> BanMap.open(file, 1 << 17));
        assertEquals(
            "ban store " + file + " has 8-byte hash-lookup slots, which Chronicle Map opens only on a 64-bit JVM; " +
            "BlockSync writes 4-byte slots so every store opens on 32-bit JVMs too: move the file away and start " +
            "again (peers' catch-up refills the store)", refused.getMessage());
        assertTrue(refused.getMessage().indexOf('\n') < 0);
        final IOException recoverRefused =
            assertThrows(IOException.class, () -> BanMap.recover(file, 1 << 17, "test", (line) -> { }));
        assertEquals(refused.getMessage(), recoverRefused.getMessage());
    }

    private static int slotBytes(final ChronicleMapBuilder<IpPrefix, Ban> builder) throws Exception
    {
        // Chronicle's package-private sizing steps, in the order createPersistedTo runs them.
        final Method prepare = ChronicleMapBuilder.class.getDeclaredMethod("preMapConstruction");
        prepare.setAccessible(true);
        prepare.invoke(builder);
        final Constructor<?> api = Class.forName("net.openhft.chronicle.map.ChronicleMapBuilderPrivateAPI")
            .getConstructor(ChronicleMapBuilder.class);
        api.setAccessible(true);
        final Object sizing = api.newInstance(builder);
        final long chunksPerTier = (long)call(sizing, "actualChunksPerSegmentTier");
        final long entriesPerSegment = (long)call(sizing, "entriesPerSegment");
        final int valueBits = CompactOffHeapLinearHashTable.valueBits(chunksPerTier);

        return CompactOffHeapLinearHashTable.entrySize(
            CompactOffHeapLinearHashTable.keyBits(entriesPerSegment, valueBits), valueBits);
    }

    private static Object call(final Object target, final String name) throws Exception
    {
        final Method method = target.getClass().getMethod(name);
        method.setAccessible(true);
        return method.invoke(target);
    }
}
