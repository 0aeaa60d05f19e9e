package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.Arrays;

/**
 * Elements an {@link NftSetModel} hands its {@link NftElementSink}: keys as {@link ElementKey} packs them and the
 * deadline in the model's milliseconds ({@link NftSetModel#PERMANENT} for none), in primitive arrays that grow and
 * are reused batch after batch, so writing a batch makes no object per element. Worker thread only.
 */
final class NftElementList
{
    private long[] high = new long[16];
    private long[] low = new long[16];
    private int[] meta = new int[16];
    private long[] deadlineMs = new long[16];
    private int size;
    private final byte[] scratch = new byte[16];

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return 0 == size;
    }

    void clear()
    {
        size = 0;
    }

    NftElementList add(final long high, final long low, final int meta, final long deadlineMs)
    {
        if (size == this.high.length)
        {
            grow();
        }
        this.high[size] = high;
        this.low[size] = low;
        this.meta[size] = meta;
        this.deadlineMs[size] = deadlineMs;
        size++;
        return this;
    }

    /**
     * @param prefix host bits clear.
     */
    NftElementList add(final IpPrefix prefix, final long deadlineMs)
    {
        return add(ElementKey.high(prefix), ElementKey.low(prefix), ElementKey.prefixBits(prefix), deadlineMs);
    }

    void addAll(final NftElementList other)
    {
        for (int i = 0; i < other.size; i++)
        {
            add(other.high[i], other.low[i], other.meta[i], other.deadlineMs[i]);
        }
    }

    long high(final int index)
    {
        return high[index];
    }

    long low(final int index)
    {
        return low[index];
    }

    /**
     * @return {@code family << 8 | length}.
     */
    int meta(final int index)
    {
        return meta[index];
    }

    int family(final int index)
    {
        return meta[index] >>> 8;
    }

    int prefixLength(final int index)
    {
        return meta[index] & 0xFF;
    }

    long deadlineMs(final int index)
    {
        return deadlineMs[index];
    }

    /**
     * @return byte {@code i} (0-15) of the element's 16-byte address field.
     */
    int addressByte(final int index, final int i)
    {
        final long word = i < 8 ? high[index] : low[index];
        return (int)(word >>> (56 - 8 * (i & 7))) & 0xFF;
    }

    /**
     * @return the element as a prefix, written into {@code into}.
     */
    IpPrefix prefix(final int index, final IpPrefix into)
    {
        return ElementKey.toPrefix(high[index], low[index], meta[index], into, scratch);
    }

    private void grow()
    {
        final int length = 2 * high.length;
        high = Arrays.copyOf(high, length);
        low = Arrays.copyOf(low, length);
        meta = Arrays.copyOf(meta, length);
        deadlineMs = Arrays.copyOf(deadlineMs, length);
    }
}
