package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A fixed FIFO of changes that found the batcher's slots all in flight, in one preallocated buffer so a burst
 * allocates nothing. Holds what the kernel must end up with (action, scope, expiry), not a computed timeout, so time
 * spent waiting here is not added to a ban. Loop thread only.
 */
final class OverflowRing
{
    private static final int ENTRY_LENGTH = 48;
    private static final int ACTION_OFFSET = 0;
    private static final int FAMILY_OFFSET = 1;
    private static final int LENGTH_OFFSET = 2;
    private static final int PROTOCOL_OFFSET = 3;
    private static final int PORT_OFFSET = 4;
    private static final int EXPIRES_OFFSET = 8;
    private static final int REASON_OFFSET = 16;
    private static final int ADDRESS_OFFSET = 24;

    private final int capacity;
    private final UnsafeBuffer entries;
    private long head;
    private long tail;

    /**
     * @param capacity changes it holds; a power of two is not required.
     */
    OverflowRing(final int capacity)
    {
        this.capacity = capacity;
        this.entries = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * ENTRY_LENGTH, 64));
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    boolean isFull()
    {
        return tail - head >= capacity;
    }

    int size()
    {
        return (int)(tail - head);
    }

    /**
     * Append a change; the caller checks {@link #isFull()} first.
     *
     * @param ban prefix, protocol, port, reason and expiry are copied.
     */
    void add(final boolean isBan, final Ban ban)
    {
        final int offset = offset(tail);
        final IpPrefix prefix = ban.prefix();
        entries.putByte(offset + ACTION_OFFSET, (byte)(isBan ? 0 : 1));
        entries.putByte(offset + FAMILY_OFFSET, (byte)prefix.family());
        entries.putByte(offset + LENGTH_OFFSET, (byte)prefix.prefixLength());
        entries.putByte(offset + PROTOCOL_OFFSET, (byte)ban.protocol());
        entries.putShort(offset + PORT_OFFSET, (short)ban.port(), LITTLE_ENDIAN);
        entries.putLong(offset + EXPIRES_OFFSET, ban.expiresAtMillis(), LITTLE_ENDIAN);
        entries.putLong(offset + REASON_OFFSET, ban.reason(), LITTLE_ENDIAN);
        prefix.getAddress(entries, offset + ADDRESS_OFFSET);
        tail++;
    }

    /**
     * Copy the oldest change into {@code into} without removing it.
     *
     * @return true for a ban, false for an unban.
     */
    boolean peek(final Ban into)
    {
        final int offset = offset(head);
        into.prefix().setAddress(entries.getByte(offset + FAMILY_OFFSET), entries, offset + ADDRESS_OFFSET,
            entries.getByte(offset + LENGTH_OFFSET) & 0xFF);
        into.protocol(entries.getByte(offset + PROTOCOL_OFFSET) & 0xFF)
            .port(entries.getShort(offset + PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF)
            .expiresAtMillis(entries.getLong(offset + EXPIRES_OFFSET, LITTLE_ENDIAN))
            .reason(entries.getLong(offset + REASON_OFFSET, LITTLE_ENDIAN));

        return 0 == entries.getByte(offset + ACTION_OFFSET);
    }

    void removeHead()
    {
        head++;
    }

    private int offset(final long position)
    {
        return (int)(position % capacity) * ENTRY_LENGTH;
    }
}
