package io.blocksync.daemon.table;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ban table's expiry index: (expiry second, prefix) pairs in a timing wheel, so a sweep reads only what is due
 * rather than the whole store. {@link #WHEEL_SLOTS} one-second slots (4.55 h a revolution); an entry sits in the slot
 * of its expiry second and is passed over, at the cost of reading its second, once per revolution until that second
 * comes (so 1,000,000 entries of a day or more cost about 61 reads a second). Entries are popped from the head side of
 * each slot's singly linked list; nothing is removed early: an entry whose ban was re-banned, lifted or removed stays
 * until its second and is then found stale by the caller, which re-reads the store ({@link ExpirySweep}).
 * <p>
 * <b>Memory.</b> {@value #ENTRY_LENGTH} bytes an entry, off-heap, in chunks of {@value #CHUNK_ENTRIES} entries
 * (384 KiB of direct memory each) allocated as the index grows and kept; one entry: the next entry's slot (24 bits)
 * and the prefix's family and length (8 bits), the expiry second (unsigned 32 bits, Unix seconds, rounded up so an
 * entry is due only once its expiry has passed), the 16-byte address field. Plus the wheel's heads, 64 KiB on heap.
 * 100,000 entries take 2.6 MiB (7 chunks), 1,000,000 take 23.3 MiB (62 chunks); at most {@code maxEntries} (the caller sizes it, at most
 * {@value #MAX_ENTRIES}), beyond which {@link #add} refuses and the caller falls back to a full scan.
 * <p>
 * Loop thread only. {@link #add} and {@link #pollDue} allocate nothing except a new chunk when the index grows past
 * its largest size so far.
 */
final class ExpiryIndex
{
    /** Receives each due entry's prefix; the holder is reused: copy what must outlive the call. */
    interface DueHandler
    {
        void onDue(IpPrefix prefix);
    }

    static final int WHEEL_SLOTS = 1 << 14;
    static final int ENTRY_LENGTH = 24;
    static final int CHUNK_ENTRIES = 1 << 14;
    /** Slots are numbered in 24 bits; the top value means none. */
    static final int MAX_ENTRIES = (1 << 24) - 2;

    private static final int NONE = (1 << 24) - 1;
    private static final int NEXT_MASK = NONE;
    private static final int TAG_SHIFT = 24;
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK_MASK = CHUNK_ENTRIES - 1;
    private static final int WHEEL_MASK = WHEEL_SLOTS - 1;
    private static final int LINK_OFFSET = 0;
    private static final int SECOND_OFFSET = 4;
    private static final int ADDRESS_OFFSET = 8;
    private static final long MAX_SECOND = 0xFFFF_FFFFL;
    private static final long UNSET = Long.MIN_VALUE;

    private final int maxEntries;
    private final int[] heads = new int[WHEEL_SLOTS];
    private final UnsafeBuffer[] chunks;
    private final IpPrefix popped = new IpPrefix();
    private int chunkCount;
    private int allocated;
    private int freeHead = NONE;
    private int size;
    /** The second whose slot is being walked; UNSET until the first poll. */
    private long cursorSecond = UNSET;
    /** The entry before the walk's position in the cursor's slot, NONE at its head. */
    private int cursorPrevious = NONE;
    private long earliestSecondAdded = Long.MAX_VALUE;

    /**
     * @param maxEntries entries the index may hold, 1 to {@link #MAX_ENTRIES}.
     */
    ExpiryIndex(final int maxEntries)
    {
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES)
        {
            throw new IllegalArgumentException("expiry index of " + maxEntries + " entries: need 1 to " + MAX_ENTRIES);
        }
        this.maxEntries = maxEntries;
        this.chunks = new UnsafeBuffer[(maxEntries + CHUNK_ENTRIES - 1) / CHUNK_ENTRIES];
        clear();
    }

    /** Entries the index may hold for a store of this capacity: 2.25 times it (the store takes about 2.2) plus one chunk. */
    static int maxEntriesFor(final long storeCapacity)
    {
        return (int)Math.min(MAX_ENTRIES, storeCapacity * 9 / 4 + CHUNK_ENTRIES);
    }

    /** Forget every entry; the chunks stay allocated. */
    void clear()
    {
        java.util.Arrays.fill(heads, NONE);
        allocated = 0;
        freeHead = NONE;
        size = 0;
        cursorSecond = UNSET;
        cursorPrevious = NONE;
        earliestSecondAdded = Long.MAX_VALUE;
    }

    /** Entries held, stale ones included. */
    int size()
    {
        return size;
    }

    /** Bytes of direct memory the chunks take. */
    long allocatedBytes()
    {
        return (long)chunkCount * CHUNK_ENTRIES * ENTRY_LENGTH;
    }

    /** The index's second of an expiry: rounded up, so its slot comes due only once the expiry has passed. */
    static long secondOf(final long expiresAtMillis)
    {
        return Math.max(0, Math.min(MAX_SECOND, Math.floorDiv(expiresAtMillis, 1000) + (Math.floorMod(expiresAtMillis, 1000) == 0 ? 0 : 1)));
    }

    /**
     * Index a prefix under an expiry.
     *
     * @param expiresAtMillis steady ms; an expiry already passed is due at the next poll.
     * @return false, adding nothing, when the index holds {@code maxEntries}.
     */
    boolean add(final IpPrefix prefix, final long expiresAtMillis)
    {
        final int entry = allocate();
        if (NONE == entry)
        {
            return false;
        }
        long second = secondOf(expiresAtMillis);
        if (UNSET == cursorSecond)
        {
            earliestSecondAdded = Math.min(earliestSecondAdded, second);
        }
        else if (second < cursorSecond)
        {
            // Already due (a rebuild's entry): in the slot being walked, which the walk has not passed yet.
            second = cursorSecond;
        }
        final int slot = (int)(second & WHEEL_MASK);
        // The walk is inside this slot: link the entry right after its position, so this walk still sees it.
        final boolean inWalk = UNSET != cursorSecond && NONE != cursorPrevious && slot == (int)(cursorSecond & WHEEL_MASK);
        final UnsafeBuffer chunk = chunks[entry >>> CHUNK_SHIFT];
        final int offset = (entry & CHUNK_MASK) * ENTRY_LENGTH;
        chunk.putInt(offset + LINK_OFFSET, (tagOf(prefix) << TAG_SHIFT) | (inWalk ? next(cursorPrevious) : heads[slot]));
        chunk.putInt(offset + SECOND_OFFSET, (int)second);
        prefix.getAddress(chunk, offset + ADDRESS_OFFSET);
        if (inWalk)
        {
            setNext(cursorPrevious, entry);
        }
        else
        {
            heads[slot] = entry;
        }
        size++;
        return true;
    }

    /**
     * Hand every entry due at {@code nowMillis} (its second passed) to the handler and drop it from the index, walking
     * the slots from where the last poll stopped, until {@code limit} entries have been read (due or passed over for
     * a later revolution); the rest waits for the next poll.
     *
     * @return entries read, at most {@code limit}; fewer means everything due was handed over.
     */
    int pollDue(final long nowMillis, final int limit, final DueHandler handler)
    {
        final long nowSecond = Math.floorDiv(nowMillis, 1000);
        if (UNSET == cursorSecond)
        {
            cursorSecond = Math.min(earliestSecondAdded, nowSecond + 1);
            cursorPrevious = NONE;
        }
        if (0 == size)
        {
            cursorSecond = Math.max(cursorSecond, nowSecond + 1);
            cursorPrevious = NONE;
            return 0;
        }
        if (nowSecond - cursorSecond >= WHEEL_SLOTS)
        {
            // Behind by more than a revolution: one walk of every slot, taking all that is due by now, catches up.
            cursorSecond = nowSecond - WHEEL_SLOTS + 1;
            cursorPrevious = NONE;
        }

        int read = 0;
        while (read < limit && cursorSecond <= nowSecond)
        {
            final int slot = (int)(cursorSecond & WHEEL_MASK);
            final int entry = NONE == cursorPrevious ? heads[slot] : next(cursorPrevious);
            if (NONE == entry)
            {
                cursorSecond++;
                cursorPrevious = NONE;
                continue;
            }
            read++;
            final UnsafeBuffer chunk = chunks[entry >>> CHUNK_SHIFT];
            final int offset = (entry & CHUNK_MASK) * ENTRY_LENGTH;
            if (Integer.toUnsignedLong(chunk.getInt(offset + SECOND_OFFSET)) > nowSecond)
            {
                cursorPrevious = entry;
                continue;
            }

            final int link = chunk.getInt(offset + LINK_OFFSET);
            if (NONE == cursorPrevious)
            {
                heads[slot] = link & NEXT_MASK;
            }
            else
            {
                setNext(cursorPrevious, link & NEXT_MASK);
            }
            readPrefix(link >>> TAG_SHIFT, chunk, offset + ADDRESS_OFFSET);
            release(entry);
            handler.onDue(popped);
        }
        return read;
    }

    private void readPrefix(final int tag, final UnsafeBuffer chunk, final int addressOffset)
    {
        final int v4Tags = AddressFamily.IPV4_ADDRESS_LENGTH * 8 + 1;
        if (tag <= v4Tags)
        {
            popped.setAddress(AddressFamily.IPV4, chunk, addressOffset, tag - 1);
        }
        else
        {
            popped.setAddress(AddressFamily.IPV6, chunk, addressOffset, tag - 1 - v4Tags);
        }
    }

    /** IPv4 /0-/32 as 1-33, IPv6 /0-/128 as 34-162: family and length in one byte. */
    private static int tagOf(final IpPrefix prefix)
    {
        final int v4Tags = AddressFamily.IPV4_ADDRESS_LENGTH * 8 + 1;
        return AddressFamily.IPV4 == prefix.family() ? 1 + prefix.prefixLength() : 1 + v4Tags + prefix.prefixLength();
    }

    private int next(final int entry)
    {
        return chunks[entry >>> CHUNK_SHIFT].getInt((entry & CHUNK_MASK) * ENTRY_LENGTH + LINK_OFFSET) & NEXT_MASK;
    }

    private void setNext(final int entry, final int nextEntry)
    {
        final UnsafeBuffer chunk = chunks[entry >>> CHUNK_SHIFT];
        final int offset = (entry & CHUNK_MASK) * ENTRY_LENGTH + LINK_OFFSET;
        chunk.putInt(offset, (chunk.getInt(offset) & ~NEXT_MASK) | nextEntry);
    }

    private int allocate()
    {
        if (NONE != freeHead)
        {
            final int entry = freeHead;
            freeHead = next(entry);
            return entry;
        }
        if (allocated == maxEntries)
        {
            return NONE;
        }
        if (allocated == chunkCount * CHUNK_ENTRIES)
        {
            // Grows once per 16,384 entries beyond the largest size so far; never in a steady state.
            chunks[chunkCount++] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK_ENTRIES * ENTRY_LENGTH, 64));
        }
        return allocated++;
    }

    private void release(final int entry)
    {
        setNext(entry, freeHead);
        freeHead = entry;
        size--;
    }
}
