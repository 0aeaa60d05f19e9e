package io.blocksync.nativeio;

import io.blocksync.codec.HmacSha256Tag;

/**
 * The link HMAC-SHA256 in native code ({@code src/main/c/blocksync_hmac.c}): libcrypto's SHA-256 (OpenSSL 3,
 * dlopened, which uses the CPU's SHA extensions where there are some) under the RFC 2104 construction, a key's padded
 * inner and outer states computed once. ~1.1 µs for a 1,200-byte datagram on the bench VM against ~9 µs for
 * BouncyCastle's under the launcher's C1-only JIT (PERFORMANCE.md, origin13). Stateless: every key's state is in
 * memory the caller owns ({@link HmacSha256Tag}), so one instance serves every thread.
 */
public final class NativeHmacSha256 implements HmacSha256Tag.Engine
{
    private static final Object LOCK = new Object();
    private static final NativeHmacSha256 INSTANCE = new NativeHmacSha256();
    private static boolean attempted;
    private static String failure;

    private NativeHmacSha256()
    {
    }

    /**
     * Load the JNI library and libcrypto if not yet tried.
     *
     * @return the engine, or null when either cannot be loaded ({@link #failure()} says why): then BouncyCastle
     * computes the same tags.
     */
    public static NativeHmacSha256 engine()
    {
        synchronized (LOCK)
        {
            if (!attempted)
            {
                attempted = true;
                if (!NativeLibrary.load())
                {
                    failure = "the JNI library lib" + NativeLibrary.LIBRARY_NAME + ".so did not load (" +
                        NativeLibrary.failure() + ")";
                }
                else
                {
                    try
                    {
                        failure = open0();
                    }
                    catch (final UnsatisfiedLinkError ex)
                    {
                        // A library built before this class existed.
                        failure = "the JNI library has no HMAC: " + ex.getMessage();
                    }
                }
            }
            return null == failure ? INSTANCE : null;
        }
    }

    /** Why {@link #engine()} found none; null if it did, or was not asked yet. */
    public static String failure()
    {
        synchronized (LOCK)
        {
            return failure;
        }
    }

    public void init(final byte[] key, final long stateAddress)
    {
        if (null == key)
        {
            throw new NullPointerException("key");
        }
        init0(key, stateAddress);
    }

    public void compute(final long stateAddress, final long address, final int length, final long digestAddress)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("length " + length + " is negative");
        }
        compute0(stateAddress, address, length, digestAddress);
    }

    /** @return null when libcrypto and its SHA-256 functions loaded, else why not. */
    private static native String open0();

    private static native void init0(byte[] key, long stateAddress);

    private static native void compute0(long stateAddress, long address, int length, long digestAddress);
}
