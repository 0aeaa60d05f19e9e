package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

import static io.blocksync.codec.AddressFamily.ADDRESS_FIELD_LENGTH;
import static io.blocksync.codec.AddressFamily.IPV4;
import static io.blocksync.codec.AddressFamily.IPV4_ADDRESS_LENGTH;
import static io.blocksync.codec.AddressFamily.IPV6;

/**
 * Mutable, reusable IPv4 or IPv6 prefix: a family, a prefix length and a 16-byte address in network byte order.
 * An IPv4 address fills the first 4 bytes and the rest are held as zero.
 * <p>
 * IPv4-mapped IPv6 prefixes (::ffff:a.b.c.d/L with L &gt;= 96) are normalised to IPv4 (a.b.c.d/L-96) whenever a
 * value is set, so one host never has two spellings. A mapped prefix shorter than /96 covers more than the IPv4
 * space and stays IPv6.
 * <p>
 * Host bits need not be zero; see {@link #isHostBitsZero()} and {@link #maskTo(int)}. A new instance holds
 * 0.0.0.0/0. Not thread safe; equals and hashCode follow the current value, so do not mutate one held as a key.
 */
public final class IpPrefix implements Comparable<IpPrefix>
{
    private static final int MAPPED_PREFIX_LENGTH = 96;

    private final byte[] address = new byte[ADDRESS_FIELD_LENGTH];
    private int family = IPV4;
    private int prefixLength;

    /**
     * Set the value from an address array holding at least the family's address length (4 or 16 bytes); any
     * bytes past that are ignored.
     *
     * @param family       {@link AddressFamily#IPV4} or {@link AddressFamily#IPV6}.
     * @param address16    address in network byte order.
     * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6.
     * @return this for chaining.
     * @throws IllegalArgumentException if the family, the length or the array size is invalid.
     */
    public IpPrefix set(final int family, final byte[] address16, final int prefixLength)
    {
        validate(family, prefixLength);
        final int length = AddressFamily.addressLength(family);
        if (address16.length < length)
        {
            throw new IllegalArgumentException(
                "address array has " + address16.length + " bytes, family " + family + " needs " + length);
        }

        System.arraycopy(address16, 0, address, 0, length);
        Arrays.fill(address, length, ADDRESS_FIELD_LENGTH, (byte)0);
        this.family = family;
        this.prefixLength = prefixLength;
        normalise();

        return this;
    }

    /**
     * Copy the value of another prefix.
     *
     * @param other to copy.
     * @return this for chaining.
     */
    public IpPrefix set(final IpPrefix other)
    {
        System.arraycopy(other.address, 0, address, 0, ADDRESS_FIELD_LENGTH);
        family = other.family;
        prefixLength = other.prefixLength;

        return this;
    }

    /**
     * Set the value from a 16-byte address field in a buffer. For IPv4 only the first 4 bytes are kept and the
     * remaining 12 are held as zero; checking that the wire padding was zero is the decoder's job.
     *
     * @param family       {@link AddressFamily#IPV4} or {@link AddressFamily#IPV6}.
     * @param buffer       to read from.
     * @param offset       of the 16-byte address field.
     * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6.
     * @return this for chaining.
     * @throws IllegalArgumentException if the family or the length is invalid.
     */
    public IpPrefix setAddress(final int family, final DirectBuffer buffer, final int offset, final int prefixLength)
    {
        validate(family, prefixLength);
        buffer.getBytes(offset, address, 0, ADDRESS_FIELD_LENGTH);
        if (IPV4 == family)
        {
            Arrays.fill(address, IPV4_ADDRESS_LENGTH, ADDRESS_FIELD_LENGTH, (byte)0);
        }
        this.family = family;
        this.prefixLength = prefixLength;
        normalise();

        return this;
    }

    /**
     * Write the 16-byte address field.
     *
     * @param buffer to write to.
     * @param offset of the 16-byte address field.
     */
    public void getAddress(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, address, 0, ADDRESS_FIELD_LENGTH);
    }

    public int family()
    {
        return family;
    }

    public int prefixLength()
    {
        return prefixLength;
    }

    /**
     * @param i index 0 to 15 into the address field.
     * @return the byte as an unsigned value 0 to 255.
     */
    public int addressByte(final int i)
    {
        return address[i] & 0xFF;
    }

    /**
     * @return a new 16-byte copy of the address field.
     */
    public byte[] copyAddress()
    {
        return address.clone();
    }

    /**
     * @return true if every bit after the prefix length is zero.
     */
    public boolean isHostBitsZero()
    {
        final int fullBytes = prefixLength >>> 3;
        final int remainderBits = prefixLength & 7;
        int i = fullBytes;
        if (remainderBits != 0)
        {
            if ((address[i] & (0xFF >>> remainderBits)) != 0)
            {
                return false;
            }
            i++;
        }

        for (; i < ADDRESS_FIELD_LENGTH; i++)
        {
            if (address[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Clear every bit after the given length and take it as the prefix length, e.g. to aggregate an IPv6 host to
     * its /64. The result is normalised like any other set, so a mapped IPv6 value may become IPv4.
     *
     * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6.
     * @return this for chaining.
     * @throws IllegalArgumentException if the length is invalid for the family.
     */
    public IpPrefix maskTo(final int prefixLength)
    {
        validate(family, prefixLength);
        final int fullBytes = prefixLength >>> 3;
        final int remainderBits = prefixLength & 7;
        int i = fullBytes;
        if (remainderBits != 0)
        {
            address[i] &= (byte)(0xFF << (8 - remainderBits));
            i++;
        }
        Arrays.fill(address, i, ADDRESS_FIELD_LENGTH, (byte)0);
        this.prefixLength = prefixLength;
        normalise();

        return this;
    }

    /**
     * @param other prefix to test.
     * @return true if other is the same family and lies entirely inside this prefix.
     */
    public boolean contains(final IpPrefix other)
    {
        return family == other.family &&
            prefixLength <= other.prefixLength &&
            samePrefixBits(address, other.address, prefixLength);
    }

    /**
     * @param other prefix to test.
     * @return true if other is the same family and shares at least one address with this prefix.
     */
    public boolean overlaps(final IpPrefix other)
    {
        return family == other.family &&
            samePrefixBits(address, other.address, Math.min(prefixLength, other.prefixLength));
    }

    /**
     * @param a16 16-byte IPv6 address in network byte order.
     * @return true if the address is in ::ffff:0:0/96.
     */
    public static boolean isIpv4Mapped(final byte[] a16)
    {
        for (int i = 0; i < 10; i++)
        {
            if (a16[i] != 0)
            {
                return false;
            }
        }

        return a16[10] == (byte)0xFF && a16[11] == (byte)0xFF;
    }

    /**
     * Order by family, then address bytes unsigned, then prefix length.
     * {@inheritDoc}
     */
    @Override
    public int compareTo(final IpPrefix other)
    {
        int result = Integer.compare(family, other.family);
        if (0 == result)
        {
            result = Arrays.compareUnsigned(address, other.address);
            if (0 == result)
            {
                result = Integer.compare(prefixLength, other.prefixLength);
            }
        }

        return result;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }

        if (!(o instanceof IpPrefix))
        {
            return false;
        }

        final IpPrefix that = (IpPrefix)o;

        return family == that.family && prefixLength == that.prefixLength && Arrays.equals(address, that.address);
    }

    @Override
    public int hashCode()
    {
        // Arrays.hashCode gives IPv4 host prefixes only ~9,000 distinct values for 100,000 addresses (c + 31b
        // collides for neighbouring bytes), so big ban tables degrade into tree bins: whole words, then a full mix.
        int hash = 31 * family + prefixLength;
        for (int i = 0; i < ADDRESS_FIELD_LENGTH; i += 4)
        {
            hash = hash * 0x9E3779B1 + ((address[i] & 0xFF) << 24 | (address[i + 1] & 0xFF) << 16 |
                (address[i + 2] & 0xFF) << 8 | (address[i + 3] & 0xFF));
        }
        // MurmurHash3's fmix32: every input bit reaches the low bits a hash table indexes by.
        hash ^= hash >>> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >>> 13;
        hash *= 0xC2B2AE35;
        return hash ^ (hash >>> 16);
    }

    /**
     * @return canonical text, see {@link AddressText#format(IpPrefix)}.
     */
    @Override
    public String toString()
    {
        return AddressText.format(this);
    }

    /**
     * The live address field for formatting without a copy; callers must not modify it.
     */
    byte[] addressArray()
    {
        return address;
    }

    private void normalise()
    {
        if (IPV6 == family && prefixLength >= MAPPED_PREFIX_LENGTH && isIpv4Mapped(address))
        {
            System.arraycopy(address, 12, address, 0, IPV4_ADDRESS_LENGTH);
            Arrays.fill(address, IPV4_ADDRESS_LENGTH, ADDRESS_FIELD_LENGTH, (byte)0);
            family = IPV4;
            prefixLength -= MAPPED_PREFIX_LENGTH;
        }
    }

    private static void validate(final int family, final int prefixLength)
    {
        if (!AddressFamily.isValid(family))
        {
            throw new IllegalArgumentException("invalid address family: " + family);
        }

        if (prefixLength < 0 || prefixLength > AddressFamily.maxPrefixLength(family))
        {
            throw new IllegalArgumentException(
                "prefix length " + prefixLength + " out of range 0-" + AddressFamily.maxPrefixLength(family) +
                " for family " + family);
        }
    }

    private static boolean samePrefixBits(final byte[] a, final byte[] b, final int bits)
    {
        final int fullBytes = bits >>> 3;
        for (int i = 0; i < fullBytes; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        final int remainderBits = bits & 7;
        if (remainderBits != 0)
        {
            final int mask = 0xFF << (8 - remainderBits);
            return ((a[fullBytes] ^ b[fullBytes]) & mask) == 0;
        }

        return true;
    }
}
