package io.blocksync.firewall;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The elements of a plain set's {@link NftSetModel} ({@code ban4_host}, {@code ban6_host}, {@code ban6_64}: no
 * {@code flags interval}, so no element contains another and nothing needs address order), off the Java heap: the
 * entries ({@link NftElements}, 32 bytes) packed at positions {@code [0, size)}, and an open-addressing table of
 * 4-byte slots (entry index + 1, 0 empty; linear probing by {@link ElementKey#hash}, at most half full). A find or
 * an insert is a probe of a slot or two and one entry, where the sorted store searched its index, a 2 KB block and
 * its delta, and shifted the delta on insert. A removal empties its slot by backward shift (no tombstone) and moves
 * the last entry into the hole. A 1,000,000-element set takes 32-64 MB of entries and 8-16 MB of slots (both double
 * as they fill; a transient copy while one grows).
 * <p>
 * The last {@link #find} that missed keeps its empty slot for the {@link #insert} of the same key that follows (the
 * model's every add of a new element). Positions are valid until the next insert or remove; cursors walk
 * positions in storage order. Worker thread only.
 */
final class NftElementHash extends NftElements
{
    private static final int SLOT = 4;
    private static final int INITIAL_ENTRIES = 64;

    private UnsafeBuffer slots;
    private int mask;
    private int count;
    private int capacity;
    /** The last missed {@link #find}: its key and the empty slot it ended at, until the table changes. */
    private boolean missValid;
    private long missHigh;
    private long missLow;
    private int missMeta;
    private int missSlot;

    NftElementHash()
    {
        capacity = INITIAL_ENTRIES;
        main = allocate((long)capacity * ENTRY);
        slots = allocate(2L * capacity * SLOT);
        mask = 2 * capacity - 1;
    }

    @Override
    int size()
    {
        return count;
    }

    @Override
    long directBytes()
    {
        return (long)main.capacity() + slots.capacity();
    }

    @Override
    int find(final long high, final long low, final int meta)
    {
        int slot = ElementKey.hash(high, low, meta) & mask;
        for (int entry = slots.getInt(slot * SLOT) - 1; NONE != entry; entry = slots.getInt(slot * SLOT) - 1)
        {
            if (is(entry, high, low, meta))
            {
                return entry;
            }
            slot = (slot + 1) & mask;
        }
        missValid = true;
        missHigh = high;
        missLow = low;
        missMeta = meta;
        missSlot = slot;
        return NONE;
    }

    @Override
    int insert(final long high, final long low, final int meta, final long deadlineMs, final int flags)
    {
        if (count == capacity)
        {
            grow();
        }
        final int slot = missValid && missHigh == high && missLow == low && missMeta == meta ?
            missSlot : emptySlot(high, low, meta);
        missValid = false;
        final int entry = count++;
        writeKey(main, entry, high, low, meta);
        writeValue(main, entry, deadlineMs, flags);
        slots.putInt(slot * SLOT, entry + 1);
        return entry;
    }

    @Override
    void remove(final int position)
    {
        missValid = false;
        empty(slotOf(position));
        final int last = count - 1;
        if (position != last)
        {
            slots.putInt(slotOf(last) * SLOT, position + 1);
            main.putBytes(position * ENTRY, main, last * ENTRY, ENTRY);
        }
        count = last;
    }

    @Override
    void clear()
    {
        count = 0;
        missValid = false;
        slots.setMemory(0, slots.capacity(), (byte)0);
    }

    @Override
    Cursor cursor()
    {
        return new Cursor()
        {
            private int next;

            @Override
            Cursor first()
            {
                next = 0;
                return this;
            }

            @Override
            Cursor seek(final long high, final long low, final int meta)
            {
                throw new UnsupportedOperationException("a plain set's elements have no order");
            }

            @Override
            int next()
            {
                return next < count ? next++ : NONE;
            }
        };
    }

    @Override
    public void close()
    {
        BufferUtil.free(main);
        BufferUtil.free(slots);
    }

    /**
     * @return the empty slot a key not in the table probes to.
     */
    private int emptySlot(final long high, final long low, final int meta)
    {
        int slot = ElementKey.hash(high, low, meta) & mask;
        while (0 != slots.getInt(slot * SLOT))
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /**
     * @return the slot that holds the entry.
     */
    private int slotOf(final int entry)
    {
        int slot = ElementKey.hash(high(entry), low(entry), meta(entry)) & mask;
        while (slots.getInt(slot * SLOT) != entry + 1)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /**
     * Empty the slot and shift back the entries of its probe run that may no longer be reached past the hole
     * (Knuth's deletion for linear probing), so no tombstone lengthens later probes.
     */
    private void empty(final int slot)
    {
        int hole = slot;
        for (int next = (hole + 1) & mask; ; next = (next + 1) & mask)
        {
            final int entry = slots.getInt(next * SLOT) - 1;
            if (NONE == entry)
            {
                break;
            }
            final int home = ElementKey.hash(high(entry), low(entry), meta(entry)) & mask;
            // The entry may move into the hole unless its home lies cyclically in (hole, next].
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                slots.putInt(hole * SLOT, entry + 1);
                hole = next;
            }
        }
        slots.putInt(hole * SLOT, 0);
    }

    /**
     * Double the entries and the slots; the slots are filled again from the entries, a chunk of them per
     * {@link #place} ({@link ProbeIndex#REHASH_CHUNK}: so C1 compiles it during the first growths).
     */
    private void grow()
    {
        capacity *= 2;
        main = grow(main, (long)count * ENTRY, (long)capacity * ENTRY);
        BufferUtil.free(slots);
        slots = allocate(2L * capacity * SLOT);
        mask = 2 * capacity - 1;
        missValid = false;
        for (int from = 0; from < count; from += ProbeIndex.REHASH_CHUNK)
        {
            place(from, Math.min(count, from + ProbeIndex.REHASH_CHUNK));
        }
    }

    private void place(final int fromEntry, final int toEntry)
    {
        for (int entry = fromEntry; entry < toEntry; entry++)
        {
            slots.putInt(emptySlot(high(entry), low(entry), meta(entry)) * SLOT, entry + 1);
        }
    }
}
