package io.blocksync.codec;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * LZ4 raw blocks (the LZ4 block format, no frame header or checksum: https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md)
 * of up to {@link #MAX_RAW_LENGTH} bytes, through {@code lz4-java} with two direct scratch buffers of its own: the
 * records to compress (or just decompressed) in {@link #raw()}, the block in a second one. Compression uses liblz4
 * through JNI when the platform has it (no allocation per block), else lz4-java's pure-Java compressor (which
 * allocates its hash table per block). Decompression is the bounds-checked ("safe") decompressor: a block is
 * input from a peer. Not thread safe: one per user.
 */
public final class Lz4Block
{
    /** The most raw bytes one block holds: {@link SnapshotChunkFlyweight#MAX_RECORDS} records. */
    public static final int MAX_RAW_LENGTH = SnapshotChunkFlyweight.MAX_RECORDS * BanRecordFlyweight.LENGTH;

    private static final String LIBRARY_SOURCE = Lz4Native.load();
    private static final LZ4Factory FACTORY = factory();

    private final LZ4Compressor compressor = FACTORY.fastCompressor();
    private final LZ4SafeDecompressor decompressor = FACTORY.safeDecompressor();
    private final ByteBuffer rawBytes = BufferUtil.allocateDirectAligned(MAX_RAW_LENGTH, 64);
    private final ByteBuffer blockBytes = BufferUtil.allocateDirectAligned(
        org.agrona.BitUtil.align(compressor.maxCompressedLength(MAX_RAW_LENGTH), 64), 64);
    private final UnsafeBuffer raw = new UnsafeBuffer(rawBytes);
    private final UnsafeBuffer block = new UnsafeBuffer(blockBytes);

    private static LZ4Factory factory()
    {
        try
        {
            // After Lz4Native.load: lz4-java finds its library loaded and copies nothing to java.io.tmpdir.
            return LZ4Factory.nativeInstance();
        }
        catch (final Throwable ex)
        {
            return LZ4Factory.fastestJavaInstance();
        }
    }

    /** Which implementation compresses: {@code "JNI"} or lz4-java's Java one. */
    public static String implementation()
    {
        return FACTORY.toString();
    }

    /** Where lz4-java's JNI library came from ({@link Lz4Native#load()}), e.g. {@code "java.library.path"}. */
    public static String librarySource()
    {
        return LIBRARY_SOURCE;
    }

    /** The raw bytes: records to compress are written here, decompressed ones read from here. */
    public UnsafeBuffer raw()
    {
        return raw;
    }

    /**
     * Compress {@code raw()[0, rawLength)} into {@code dst} at {@code dstOffset}, if the block fits in
     * {@code maxLength} bytes.
     *
     * @return the block's length, or -1 when it would be longer than {@code maxLength} ({@code dst} unchanged).
     */
    public int compress(final int rawLength, final MutableDirectBuffer dst, final int dstOffset, final int maxLength)
    {
        if (rawLength == 0)
        {
            return 0;
        }
        final int length = compressor.compress(rawBytes, 0, rawLength, blockBytes, 0, blockBytes.capacity());
        if (length > maxLength)
        {
            return -1;
        }
        dst.putBytes(dstOffset, block, 0, length);
        return length;
    }

    /**
     * Decompress the block {@code src[offset, offset + length)} into {@link #raw()}.
     *
     * @return the raw length, or -1 when the block is not a valid LZ4 block or would decompress to more than
     * {@link #MAX_RAW_LENGTH} bytes.
     */
    public int decompress(final DirectBuffer src, final int offset, final int length)
    {
        if (length == 0)
        {
            return 0;
        }
        if (length > blockBytes.capacity())
        {
            return -1;
        }
        src.getBytes(offset, block, 0, length);
        try
        {
            return decompressor.decompress(blockBytes, 0, length, rawBytes, 0, MAX_RAW_LENGTH);
        }
        catch (final LZ4Exception ex)
        {
            // Only an authentic peer's bad block gets here (the tag is checked first): rare, so the exception is fine.
            return -1;
        }
    }
}
