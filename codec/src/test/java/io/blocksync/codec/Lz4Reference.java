package io.blocksync.codec;

import java.io.ByteArrayOutputStream;

/**
 * An LZ4 block decoder written from the block format description alone
 * (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md), sharing nothing with lz4-java: the vectors' SNAPSHOT_CHUNK
 * blocks are checked against it, so they are plain LZ4 any implementation reads.
 */
final class Lz4Reference
{
    private Lz4Reference()
    {
    }

    /** Decompress {@code block[from, to)}: sequences of a token, literals, a 2-byte little-endian offset and a match. */
    static byte[] decompress(final byte[] block, final int from, final int to)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ip = from;
        while (ip < to)
        {
            final int token = block[ip++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15)
            {
                int more;
                do
                {
                    more = block[ip++] & 0xFF;
                    literals += more;
                }
                while (more == 255);
            }
            out.write(block, ip, literals);
            ip += literals;
            if (ip >= to)
            {
                break;
            }
            final int offset = (block[ip] & 0xFF) | (block[ip + 1] & 0xFF) << 8;
            ip += 2;
            int match = token & 15;
            if (match == 15)
            {
                int more;
                do
                {
                    more = block[ip++] & 0xFF;
                    match += more;
                }
                while (more == 255);
            }
            match += 4;
            final byte[] sofar = out.toByteArray();
            final int start = sofar.length - offset;
            if (offset == 0 || start < 0)
            {
                throw new IllegalArgumentException("match offset " + offset + " before the start");
            }
            for (int i = 0; i < match; i++)
            {
                // Byte by byte: a match may overlap what it writes (offset < length repeats a pattern).
                final byte[] now = i < offset ? sofar : out.toByteArray();
                out.write(now[start + i]);
            }
        }
        return out.toByteArray();
    }
}
