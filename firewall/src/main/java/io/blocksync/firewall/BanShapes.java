package io.blocksync.firewall;

import java.util.Arrays;

/**
 * The distinct (reason, protocol, port) combinations of the bans the reconciler was given, each interned once so a
 * kernel element holds a 4-byte index instead of 12 bytes: a node sees a handful (reasons times port-specific rules).
 * Never shrinks. Worker thread only.
 */
final class BanShapes
{
    private long[] reason = new long[16];
    /** {@code protocol << 16 | port}. */
    private int[] protocolPort = new int[16];
    /** Shape + 1 per slot, 0 for empty; at most half full. */
    private int[] index = new int[32];
    private int size;

    /**
     * @param reason   packed {@link io.blocksync.codec.ReasonCode}, 0 for none.
     * @param protocol 0-255, 0 for any.
     * @param port     0-65535, 0 for any.
     * @return the shape's index.
     */
    int intern(final long reason, final int protocol, final int port)
    {
        final int packed = protocol << 16 | port;
        final int mask = index.length - 1;
        int slot = hash(reason, packed) & mask;
        for (; 0 != index[slot]; slot = (slot + 1) & mask)
        {
            final int shape = index[slot] - 1;
            if (this.reason[shape] == reason && protocolPort[shape] == packed)
            {
                return shape;
            }
        }

        if (size == this.reason.length)
        {
            this.reason = Arrays.copyOf(this.reason, 2 * size);
            protocolPort = Arrays.copyOf(protocolPort, 2 * size);
        }
        final int shape = size++;
        this.reason[shape] = reason;
        protocolPort[shape] = packed;
        index[slot] = shape + 1;
        if (2 * size > index.length)
        {
            rehash();
        }
        return shape;
    }

    long reason(final int shape)
    {
        return reason[shape];
    }

    int protocol(final int shape)
    {
        return protocolPort[shape] >>> 16;
    }

    int port(final int shape)
    {
        return protocolPort[shape] & 0xFFFF;
    }

    private void rehash()
    {
        index = new int[2 * index.length];
        final int mask = index.length - 1;
        for (int shape = 0; shape < size; shape++)
        {
            int slot = hash(reason[shape], protocolPort[shape]) & mask;
            while (0 != index[slot])
            {
                slot = (slot + 1) & mask;
            }
            index[slot] = shape + 1;
        }
    }

    private static int hash(final long reason, final int protocolPort)
    {
        long h = (reason + protocolPort) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return (int)(h ^ (h >>> 32));
    }
}
