package io.blocksync.codec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One of this node's key pairs, made from a 32-byte secret seed (what a key file holds):
 * <ul>
 *   <li>an Ed25519 key (RFC 8032) whose private key is the seed itself, for signing this node's decisions as their
 *   origin ({@link #sign});</li>
 *   <li>an X25519 key (RFC 7748) whose private key is {@code HKDF-SHA256(ikm = seed, salt = "", info =
 *   "blocksync/2 x25519", L = 32)} (RFC 5869), for the link keys shared with each peer ({@link LinkKeys}).</li>
 * </ul>
 * Two keys rather than one key used two ways, so neither algorithm's use can weaken the other. The public key an
 * operator pastes into a peer's config is both public keys, 64 bytes: {@code ed25519_public (32) ||
 * x25519_public (32)} ({@link PeerKey}). Holds secrets: never log it. Immutable once made; {@link #sign} may be
 * called from several threads at once.
 */
public final class NodeKey
{
    public static final int SEED_LENGTH = 32;
    /** {@code ed25519_public || x25519_public}. */
    public static final int PUBLIC_KEY_LENGTH = 64;
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;
    static final byte[] X25519_INFO = "blocksync/2 x25519".getBytes(StandardCharsets.US_ASCII);

    private final int keyId;
    private final byte[] seed;
    private final byte[] x25519Private = new byte[X25519.SCALAR_SIZE];
    private final byte[] publicKey = new byte[PUBLIC_KEY_LENGTH];

    private NodeKey(final int keyId, final byte[] seed)
    {
        this.keyId = keyId;
        this.seed = seed.clone();
        Ed25519.generatePublicKey(this.seed, 0, publicKey, 0);
        final HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(this.seed, new byte[0], X25519_INFO));
        hkdf.generateBytes(x25519Private, 0, x25519Private.length);
        X25519.generatePublicKey(x25519Private, 0, publicKey, Ed25519.PUBLIC_KEY_SIZE);
    }

    /**
     * @param keyId 0-255, the id peers know this key by (it travels in every datagram and signed record).
     * @param seed  {@link #SEED_LENGTH} secret bytes.
     * @throws IllegalArgumentException for a key id out of range or a seed of another length.
     */
    public static NodeKey fromSeed(final int keyId, final byte[] seed)
    {
        PeerKey.checkKeyId(keyId);
        if (seed.length != SEED_LENGTH)
        {
            throw new IllegalArgumentException("a private key is " + SEED_LENGTH + " bytes, not " + seed.length);
        }
        return new NodeKey(keyId, seed);
    }

    /** A new random seed for {@link #fromSeed}. */
    public static byte[] generateSeed(final SecureRandom random)
    {
        final byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return seed;
    }

    public int keyId()
    {
        return keyId;
    }

    /** A copy of the 64-byte public key, {@code ed25519_public || x25519_public}. */
    public byte[] publicKey()
    {
        return publicKey.clone();
    }

    /** This key's public half, as a peer holds it. */
    public PeerKey peerKey()
    {
        return PeerKey.of(keyId, publicKey);
    }

    /**
     * Ed25519-sign {@code message[offset, offset + length)} and write the 64-byte signature at
     * {@code signature[signatureOffset]}. BouncyCastle allocates a few KB of scratch per call. Safe from several
     * threads at once: the seed and public key are final and only read, and {@code Ed25519.sign} keeps its state
     * per call (a fresh digest and scratch arrays) but for its base-point tables, built once under a lock and only
     * read after (bcprov 1.83, {@code Ed25519.precompute}); signer threads share one key (DecisionSigning).
     */
    public void sign(final byte[] message, final int offset, final int length, final byte[] signature, final int signatureOffset)
    {
        // With the public key given, BouncyCastle skips re-deriving it (a base-point multiplication) at every call:
        // half the cost of a signature, the same signature (RFC 8032 signing is deterministic).
        Ed25519.sign(seed, 0, publicKey, 0, message, offset, length, signature, signatureOffset);
    }

    /**
     * X25519 agreement of this key with a peer's: 32 bytes, the same on both sides.
     *
     * @throws IllegalArgumentException when the result is all zero (the peer's key is a low-order point).
     */
    byte[] agree(final PeerKey peer)
    {
        final byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(x25519Private, 0, peer.x25519(), 0, shared, 0))
        {
            throw new IllegalArgumentException("peer key " + peer.keyId() + " is a low-order X25519 point");
        }
        return shared;
    }

    byte[] x25519Public()
    {
        return Arrays.copyOfRange(publicKey, Ed25519.PUBLIC_KEY_SIZE, PUBLIC_KEY_LENGTH);
    }
}
