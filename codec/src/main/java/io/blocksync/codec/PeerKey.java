package io.blocksync.codec;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.util.Arrays;

/**
 * A peer's public key for one key id: 64 bytes, {@code ed25519_public (32) || x25519_public (32)}, as
 * {@code blocksync keygen} prints it (see {@link NodeKey}). Verifies the records the peer signed as their origin and
 * feeds {@link LinkKeys}. Immutable; {@link #verify} is safe from one thread at a time.
 */
public final class PeerKey
{
    public static final int MAX_KEY_ID = 255;

    private final int keyId;
    private final byte[] ed25519;
    private final byte[] x25519;
    private final Ed25519.PublicPoint point;

    private PeerKey(final int keyId, final byte[] ed25519, final byte[] x25519, final Ed25519.PublicPoint point)
    {
        this.keyId = keyId;
        this.ed25519 = ed25519;
        this.x25519 = x25519;
        this.point = point;
    }

    /**
     * @param keyId     0-255.
     * @param publicKey {@link NodeKey#PUBLIC_KEY_LENGTH} bytes.
     * @throws IllegalArgumentException for a key id out of range, a key of another length, an Ed25519 half that is not
     *                                  a valid point of the prime-order group, or an all-zero X25519 half.
     */
    public static PeerKey of(final int keyId, final byte[] publicKey)
    {
        checkKeyId(keyId);
        if (publicKey.length != NodeKey.PUBLIC_KEY_LENGTH)
        {
            throw new IllegalArgumentException(
                "a public key is " + NodeKey.PUBLIC_KEY_LENGTH + " bytes, not " + publicKey.length);
        }
        final Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
        if (null == point)
        {
            throw new IllegalArgumentException("the public key's Ed25519 half is not a valid key");
        }
        final byte[] x25519 = Arrays.copyOfRange(publicKey, Ed25519.PUBLIC_KEY_SIZE, NodeKey.PUBLIC_KEY_LENGTH);
        boolean zero = true;
        for (final byte b : x25519)
        {
            zero &= b == 0;
        }
        if (zero)
        {
            throw new IllegalArgumentException("the public key's X25519 half is zero");
        }
        return new PeerKey(keyId, Arrays.copyOf(publicKey, Ed25519.PUBLIC_KEY_SIZE), x25519, point);
    }

    public int keyId()
    {
        return keyId;
    }

    /** A copy of the 64-byte public key. */
    public byte[] publicKey()
    {
        final byte[] key = Arrays.copyOf(ed25519, NodeKey.PUBLIC_KEY_LENGTH);
        System.arraycopy(x25519, 0, key, Ed25519.PUBLIC_KEY_SIZE, X25519.POINT_SIZE);
        return key;
    }

    /**
     * Check an Ed25519 signature (RFC 8032, pure Ed25519) of {@code message[offset, offset + length)}.
     * BouncyCastle allocates a few KB of scratch per call.
     */
    public boolean verify(
        final byte[] message, final int offset, final int length, final byte[] signature, final int signatureOffset)
    {
        return Ed25519.verify(signature, signatureOffset, point, message, offset, length);
    }

    byte[] x25519()
    {
        return x25519;
    }

    static void checkKeyId(final int keyId)
    {
        if (keyId < 0 || keyId > MAX_KEY_ID)
        {
            throw new IllegalArgumentException("key id " + keyId + " is outside 0-" + MAX_KEY_ID);
        }
    }
}
