package io.blocksync.daemon.store;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.StatefulCopyable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes and reads the fixed 18-byte key: family (1 byte, 4 or 6), prefix length (1 byte), then the 16-byte
 * address field in network byte order (an IPv4 address fills the first 4 bytes, the rest are zero).
 * Keys are compared byte for byte, so 192.0.2.1/24 and 192.0.2.0/24 are different keys: callers mask host bits
 * first if they want them to be one.
 * <p>
 * Stateful (scratch arrays), so Chronicle Map takes a {@link #copy()} per context. Its class name is recorded in
 * the file header; renaming or moving it makes existing state files unreadable.
 * <p>
 * A key is laid out in a scratch array and handed to Chronicle's {@code Bytes} in one write: Chronicle serialises the
 * key of every get and put to hash it, and 18 single-byte writes through its streaming {@code Bytes} were a tenth of a
 * receiving peer's loop under C1 (PERFORMANCE.md "a receiving peer per ban, again").
 */
final class IpPrefixMarshaller
    implements SizedReader<IpPrefix>, SizedWriter<IpPrefix>, StatefulCopyable<IpPrefixMarshaller>,
    ReadResolvable<IpPrefixMarshaller>
{
    static final int LENGTH = 2 + AddressFamily.ADDRESS_FIELD_LENGTH;

    private final byte[] address = new byte[AddressFamily.ADDRESS_FIELD_LENGTH];
    private final byte[] key = new byte[LENGTH];
    private final UnsafeBuffer keyBuffer = new UnsafeBuffer(key);

    @Override
    public long size(final IpPrefix toWrite)
    {
        return LENGTH;
    }

    @Override
    @SuppressWarnings("rawtypes") // Chronicle Map's interface declares a raw Bytes
    public void write(final Bytes out, final long size, final IpPrefix key)
    {
        write(keyBuffer, 0, key);
        out.write(this.key, 0, LENGTH);
    }

    /** The key's {@value #LENGTH} bytes at {@code buffer[offset]}: the layout of the map's keys and of the log's. */
    static void write(final MutableDirectBuffer buffer, final int offset, final IpPrefix key)
    {
        buffer.putByte(offset, (byte)key.family());
        buffer.putByte(offset + 1, (byte)key.prefixLength());
        key.getAddress(buffer, offset + 2);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public IpPrefix read(final Bytes in, final long size, final IpPrefix using)
    {
        if (LENGTH != size)
        {
            throw new IllegalStateException("stored ban key has " + size + " bytes, expected " + LENGTH);
        }

        final IpPrefix key = null == using ? new IpPrefix() : using;
        final int family = in.readUnsignedByte();
        final int prefixLength = in.readUnsignedByte();
        in.read(address, 0, AddressFamily.ADDRESS_FIELD_LENGTH);

        return key.set(family, address, prefixLength);
    }

    /**
     * As {@link #read}, from the key in place: {@code key} wraps its {@value #LENGTH} bytes (the map's own memory,
     * {@link BanMap.Snapshotter}).
     *
     * @throws IllegalStateException    if the key is not {@value #LENGTH} bytes.
     * @throws IllegalArgumentException if its family or prefix length is invalid, as {@link IpPrefix#set} says.
     */
    static IpPrefix read(final DirectBuffer key, final IpPrefix into)
    {
        if (LENGTH != key.capacity())
        {
            throw new IllegalStateException("stored ban key has " + key.capacity() + " bytes, expected " + LENGTH);
        }
        return into.setAddress(key.getByte(0) & 0xFF, key, 2, key.getByte(1) & 0xFF);
    }

    @Override
    public IpPrefixMarshaller copy()
    {
        return new IpPrefixMarshaller();
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        // the scratch array is not configuration: the header needs only the class name
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        // nothing stored
    }

    @Override
    public IpPrefixMarshaller readResolve()
    {
        // the header reader may bypass the constructor, leaving the scratch array unset
        return new IpPrefixMarshaller();
    }
}
