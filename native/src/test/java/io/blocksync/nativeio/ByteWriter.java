package io.blocksync.nativeio;

import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds test byte layouts field by field in a chosen byte order.
 */
final class ByteWriter
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private ByteOrder order;
    private int length;

    ByteWriter(final ByteOrder order)
    {
        this.order = order;
    }

    ByteWriter order(final ByteOrder order)
    {
        this.order = order;
        return this;
    }

    ByteWriter u8(final int value)
    {
        buffer.putByte(length, (byte)value);
        length += 1;
        return this;
    }

    ByteWriter u16(final int value)
    {
        buffer.putShort(length, (short)value, order);
        length += 2;
        return this;
    }

    ByteWriter u32(final long value)
    {
        buffer.putInt(length, (int)value, order);
        length += 4;
        return this;
    }

    ByteWriter u64(final long value)
    {
        buffer.putLong(length, value, order);
        length += 8;
        return this;
    }

    ByteWriter bytes(final byte[] bytes)
    {
        buffer.putBytes(length, bytes);
        length += bytes.length;
        return this;
    }

    ByteWriter zeros(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            buffer.putByte(length++, (byte)0);
        }
        return this;
    }

    /**
     * A fixed-size text field, NUL-padded.
     */
    ByteWriter text(final String text, final int fieldLength)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        bytes(Arrays.copyOf(bytes, fieldLength));
        return this;
    }

    ByteWriter padTo4()
    {
        return zeros(((length + 3) & ~3) - length);
    }

    ByteWriter putU16At(final int at, final int value)
    {
        buffer.putShort(at, (short)value, order);
        return this;
    }

    ByteWriter putU32At(final int at, final long value)
    {
        buffer.putInt(at, (int)value, order);
        return this;
    }

    int length()
    {
        return length;
    }

    byte[] toArray()
    {
        final byte[] out = new byte[length];
        buffer.getBytes(0, out);
        return out;
    }
}
