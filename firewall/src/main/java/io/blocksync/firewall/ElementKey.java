package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

/**
 * A prefix packed into primitives, the key of the reconciler's flat tables: the 16-byte address field as two longs
 * (network byte order, bytes 0-7 and 8-15) and the family and prefix length as {@code family << 8 | length}. The hash
 * covers the prefix only, never the kernel object, so every element of one prefix lies in one probe run of
 * {@link ElementTable}. Mutable, one per user for look-ups; the static forms serve readers on other threads.
 */
final class ElementKey
{
    long high;
    long low;
    int prefixBits;
    int hash;

    /**
     * @param prefix host bits clear; read, not kept.
     */
    ElementKey set(final IpPrefix prefix)
    {
        high = high(prefix);
        low = low(prefix);
        prefixBits = prefixBits(prefix);
        hash = hash(high, low, prefixBits);
        return this;
    }

    ElementKey set(final long high, final long low, final int prefixBits)
    {
        this.high = high;
        this.low = low;
        this.prefixBits = prefixBits;
        this.hash = hash(high, low, prefixBits);
        return this;
    }

    static long high(final IpPrefix prefix)
    {
        return word(prefix, 0);
    }

    static long low(final IpPrefix prefix)
    {
        return word(prefix, 8);
    }

    /**
     * @return {@code family << 8 | prefixLength}.
     */
    static int prefixBits(final IpPrefix prefix)
    {
        return prefix.family() << 8 | prefix.prefixLength();
    }

    static int hash(final long high, final long low, final int prefixBits)
    {
        long h = high * 0x9E3779B97F4A7C15L + low;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L + prefixBits;
        // MurmurHash3's fmix64: every input bit reaches the low bits a table indexes by.
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int)h;
    }

    /**
     * Unpack into {@code into}.
     *
     * @param scratch 16 bytes.
     */
    static IpPrefix toPrefix(
        final long high, final long low, final int prefixBits, final IpPrefix into, final byte[] scratch)
    {
        for (int i = 0; i < 8; i++)
        {
            scratch[i] = (byte)(high >>> (56 - 8 * i));
            scratch[8 + i] = (byte)(low >>> (56 - 8 * i));
        }
        return into.set(prefixBits >>> 8, scratch, prefixBits & 0xFF);
    }

    /**
     * @return the first 64 address bits a prefix of that length keeps.
     */
    static long maskHigh(final long high, final int length)
    {
        return length >= 64 ? high : 0 == length ? 0 : high & (-1L << (64 - length));
    }

    /**
     * @return the last 64 address bits a prefix of that length keeps.
     */
    static long maskLow(final long low, final int length)
    {
        return length <= 64 ? 0 : length >= 128 ? low : low & (-1L << (128 - length));
    }

    /**
     * @return true if the two prefixes differ and share an address: same family, equal in the shorter one's bits (as
     * {@code IpPrefix.overlaps} and not {@code equals}).
     */
    static boolean overlapsOther(
        final long high1, final long low1, final int prefixBits1, final long high2, final long low2,
        final int prefixBits2)
    {
        if (prefixBits1 >>> 8 != prefixBits2 >>> 8 || (prefixBits1 == prefixBits2 && high1 == high2 && low1 == low2))
        {
            return false;
        }
        final int length = Math.min(prefixBits1 & 0xFF, prefixBits2 & 0xFF);
        return maskHigh(high1, length) == maskHigh(high2, length) && maskLow(low1, length) == maskLow(low2, length);
    }

    private static long word(final IpPrefix prefix, final int from)
    {
        long word = 0;
        for (int i = from; i < from + 8; i++)
        {
            word = word << 8 | prefix.addressByte(i);
        }
        return word;
    }
}
