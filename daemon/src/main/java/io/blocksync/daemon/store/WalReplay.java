package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Recovery's redo pass over the write-ahead log ({@link WriteAheadLog}): the entries from the last checkpoint on are
 * applied in order, up to the first that is torn (its checksum fails), stale (its position is of an earlier lap of the
 * ring) or missing: everything a group commit synced lies before that point, since entries are appended in order
 * and a sync covers every entry appended before it.
 */
final class WalReplay
{
    /** Where replayed changes go: the map. */
    interface Target
    {
        /** @throws BanStoreFullException when the prefix is new and the map has no room. */
        void put(Ban ban);

        void remove(IpPrefix key);
    }

    /** Log position of the first entry replayed (the checkpoint's). */
    final long from;
    /** Log position after the last entry replayed: where the valid log ends. */
    long to;
    int puts;
    int removes;
    /** PUTs the map had no room for (it held newer, unlogged entries besides). */
    int refusedFull;
    /** Why the replay stopped. */
    String end = "a whole ring replayed";

    private WalReplay(final long from)
    {
        this.from = from;
    }

    /**
     * Redo what the log holds after its checkpoint. The map may hold newer changes than the log (pages written back
     * that no sync asked for): replaying sets each prefix the log names to its last logged state, and leaves the others.
     */
    static void recover(final Path walFile, final BanMap map, final Consumer<String> log) throws IOException
    {
        final int walCapacity = WriteAheadLog.capacityOf(walFile);
        if (walCapacity < 0)
        {
            log.accept("ban store write-ahead log " + walFile + " has an invalid size (" + Files.size(walFile) +
                " bytes): not replayed");
            return;
        }
        try (WriteAheadLog wal = WriteAheadLog.open(walFile, walCapacity))
        {
            if (null != wal.created())
            {
                log.accept("ban store write-ahead log " + walFile + " " + wal.created() + ": nothing replayed");
                return;
            }
            final WalReplay replay = wal.replayInto(new WalReplay.Target()
            {
                public void put(final Ban ban)
                {
                    map.put(ban);
                }

                public void remove(final IpPrefix key)
                {
                    map.remove(key);
                }
            });
            log.accept("ban store write-ahead log " + walFile + ": " + replay);
        }
    }

    /** Entries applied or tried. */
    int entries()
    {
        return puts + removes + refusedFull;
    }

    /**
     * @param buffer   the mapped log file, header included.
     * @param view     a view of the same memory, for checksums.
     * @param from     the checkpoint position.
     * @param capacity bytes of the ring, a power of two.
     * @param target   receives each change in log order.
     */
    static WalReplay replay(final UnsafeBuffer buffer, final ByteBuffer view, final long from, final int capacity, final Target target)
    {
        final WalReplay replay = new WalReplay(from);
        final Ban ban = new Ban();
        final CRC32C crc = new CRC32C();
        long position = from;
        while (position - from < capacity)
        {
            final int ringOffset = (int)(position & (capacity - 1));
            final int offset = WalHeader.LENGTH + ringOffset;
            final int length = buffer.getInt(offset + WalEntry.LENGTH_OFFSET);
            final int toEnd = capacity - ringOffset;
            if (length < WalEntry.MIN_LENGTH || length > toEnd || 0 != length % WalEntry.ALIGNMENT ||
                buffer.getLong(offset + WalEntry.POSITION_OFFSET) != position)
            {
                replay.end = "end of the log";
                break;
            }
            if (WalEntry.checksum(view, crc, offset, length) != buffer.getInt(offset + WalEntry.CHECKSUM_OFFSET))
            {
                replay.end = "checksum mismatch (a torn entry)";
                break;
            }
            final byte type = buffer.getByte(offset + WalEntry.TYPE_OFFSET);
            if (WalEntry.TYPE_PUT == type && WalEntry.PUT_LENGTH == length && WalEntry.read(buffer, offset, ban))
            {
                try
                {
                    target.put(ban);
                    replay.puts++;
                }
                catch (final BanStoreFullException ex)
                {
                    replay.refusedFull++;
                }
            }
            else if (WalEntry.TYPE_REMOVE == type && WalEntry.REMOVE_LENGTH == length && WalEntry.read(buffer, offset, ban))
            {
                target.remove(ban.prefix());
                replay.removes++;
            }
            else if (WalEntry.TYPE_PADDING != type || length != toEnd)
            {
                replay.end = "invalid entry of type " + type + " and length " + length;
                break;
            }
            position += length;
        }
        replay.to = position;
        return replay;
    }

    @Override
    public String toString()
    {
        return "replayed " + entries() + " entries (" + puts + " puts, " + removes + " removals" +
            (refusedFull > 0 ? ", " + refusedFull + " puts refused, the map full" : "") + ") from position " + from +
            " to " + to + ", stopped at: " + end;
    }
}
