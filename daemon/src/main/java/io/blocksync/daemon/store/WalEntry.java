package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Layout of one entry of the write-ahead log ({@link WriteAheadLog}), written and read in place in the mapped file
 * (a flyweight: nothing is copied to the heap). Native byte order, as the map (little-endian on x86-64 and ARM), every
 * entry aligned to {@value #ALIGNMENT} bytes:
 * <pre>
 *  offset size field
 *   0     4    length      bytes of the whole entry, a multiple of 32: 224 (PUT), 64 (REMOVE), to the ring's end (PADDING)
 *   4     4    checksum    CRC32C (RFC 3720, appendix B.4) of bytes 8 to length
 *   8     8    position    the entry's log position (bytes since the log began): tells a stale entry of an earlier
 *                          lap of the ring from the one expected there
 *  16     1    type        1 = PUT, 2 = REMOVE, 3 = PADDING (fills the ring's end, skipped)
 *  17     7    reserved    0
 *  24    18    key         family (1), prefix length (1), 16-byte address field, as {@link IpPrefixMarshaller}
 *  42     6    reserved    0
 *  48   168    value       PUT only: the stored value, field for field as {@link BanMarshaller}
 * </pre>
 * A torn entry (power lost while its page was written back) fails its checksum, or its position is that of an
 * earlier lap: a reader stops there.
 */
final class WalEntry
{
    static final int ALIGNMENT = 32;
    static final int LENGTH_OFFSET = 0;
    static final int CHECKSUM_OFFSET = 4;
    static final int POSITION_OFFSET = 8;
    static final int TYPE_OFFSET = 16;
    static final int KEY_OFFSET = 24;
    static final int VALUE_OFFSET = 48;
    /** Where the checksummed bytes start. */
    static final int CHECKED_OFFSET = POSITION_OFFSET;

    static final byte TYPE_PUT = 1;
    static final byte TYPE_REMOVE = 2;
    static final byte TYPE_PADDING = 3;

    static final int PUT_LENGTH = align(VALUE_OFFSET + BanMarshaller.LENGTH);
    static final int REMOVE_LENGTH = align(KEY_OFFSET + IpPrefixMarshaller.LENGTH);
    /** The smallest entry: a padding entry is at least this long, and so is every gap at the ring's end. */
    static final int MIN_LENGTH = ALIGNMENT;

    private WalEntry()
    {
    }

    static int align(final int length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Write the header fields but the checksum and length, which {@link #seal} writes last. */
    static void header(final UnsafeBuffer buffer, final int offset, final long position, final byte type)
    {
        buffer.putLong(offset + POSITION_OFFSET, position);
        buffer.putLong(offset + TYPE_OFFSET, 0L);
        buffer.putByte(offset + TYPE_OFFSET, type);
    }

    static void key(final UnsafeBuffer buffer, final int offset, final IpPrefix key)
    {
        final int at = offset + KEY_OFFSET;
        IpPrefixMarshaller.write(buffer, at, key);
        buffer.putInt(at + IpPrefixMarshaller.LENGTH, 0);
        buffer.putShort(at + IpPrefixMarshaller.LENGTH + 4, (short)0);
    }

    /** The value as {@link BanMarshaller} lays it out. */
    static void value(final UnsafeBuffer buffer, final int offset, final Ban ban)
    {
        BanMarshaller.write(buffer, offset + VALUE_OFFSET, ban);
    }

    /**
     * Read a PUT or REMOVE entry's key, and a PUT's value, into {@code into} (its prefix holds the key).
     *
     * @return false when the stored key or action is invalid (written by no version of this code).
     */
    static boolean read(final UnsafeBuffer buffer, final int offset, final Ban into)
    {
        final int key = offset + KEY_OFFSET;
        final int family = buffer.getByte(key) & 0xFF;
        final int prefixLength = buffer.getByte(key + 1) & 0xFF;
        try
        {
            into.prefix().setAddress(family, buffer, key + 2, prefixLength);
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
        if (TYPE_PUT != buffer.getByte(offset + TYPE_OFFSET))
        {
            return true;
        }

        final int at = offset + VALUE_OFFSET;
        final BanAction action = BanAction.fromCode(buffer.getByte(at) & 0xFF);
        if (null == action)
        {
            return false;
        }
        into.action(action)
            .protocol(buffer.getByte(at + 1) & 0xFF)
            .port(buffer.getShort(at + 2) & 0xFFFF);
        into.originKeyId(buffer.getByte(at + 4) & 0xFF);
        into.originNodeId(buffer.getInt(at + 8))
            .hitCount(buffer.getInt(at + 12))
            .originSequence(buffer.getLong(at + 16))
            .originTimeMillis(buffer.getLong(at + 24))
            .expiresAtMillis(buffer.getLong(at + 32))
            .durationSeconds(buffer.getLong(at + 40))
            .reasonWords(buffer.getLong(at + 48), buffer.getLong(at + 56), buffer.getLong(at + 64), buffer.getLong(at + 72),
                buffer.getLong(at + 80))
            .appliedAtMillis(buffer.getLong(at + 88))
            .version(buffer.getLong(at + 96));
        into.signature(buffer, at + 104);
        return true;
    }

    /**
     * Checksum the entry and write its checksum and length, making it whole.
     *
     * @param view a view of the same memory as {@code buffer}, owned by the calling thread (its position and limit
     *             are changed).
     */
    static void seal(final UnsafeBuffer buffer, final ByteBuffer view, final CRC32C crc, final int offset, final int length)
    {
        buffer.putInt(offset + CHECKSUM_OFFSET, checksum(view, crc, offset, length));
        buffer.putInt(offset + LENGTH_OFFSET, length);
    }

    /** CRC32C of bytes {@code [offset + 8, offset + length)}. */
    static int checksum(final ByteBuffer view, final CRC32C crc, final int offset, final int length)
    {
        view.limit(offset + length).position(offset + CHECKED_OFFSET);
        crc.reset();
        crc.update(view);
        return (int)crc.getValue();
    }
}
