package io.blocksync.bench;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the per-node key pairs of issue 9 would cost, measured before the protocol is built so its granularity is
 * chosen by figures: an origin's Ed25519 signature (RFC 8032, BouncyCastle's allocation-aware static API) over
 * {@code records} 56-byte ban records — 1 (a lone ban signed alone), 20 (a full datagram), 10,000 (a bulk import
 * signed once) — sign and verify, and the one-off X25519 (RFC 7748) + HKDF-SHA256 (RFC 5869) derivation of a link's
 * HMAC key. Divide by {@code records} for the cost per ban. Keys and records come from a seeded {@link Random}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class OriginSignatureBenchmark
{
    private static final int RECORD_LENGTH = 56;
    private static final byte[] LINK_KEY_INFO = "blocksync link key".getBytes(StandardCharsets.US_ASCII);

    @Param({ "1", "20", "10000" })
    public int records;

    private final byte[] signingKey = new byte[Ed25519.SECRET_KEY_SIZE];
    private final byte[] verifyKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    private final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    private final byte[] ourAgreementKey = new byte[X25519.SCALAR_SIZE];
    private final byte[] theirAgreementPublic = new byte[X25519.POINT_SIZE];
    private final byte[] sharedSecret = new byte[X25519.POINT_SIZE];
    private final byte[] linkKey = new byte[32];
    private byte[] message;
    private Ed25519.PublicPoint verifyPoint;

    @Setup
    public void setUp()
    {
        final Random random = new Random(20_261_130L);
        random.nextBytes(signingKey);
        Ed25519.precompute();
        Ed25519.generatePublicKey(signingKey, 0, verifyKey, 0);
        verifyPoint = Ed25519.validatePublicKeyFullExport(verifyKey, 0);
        message = new byte[records * RECORD_LENGTH];
        random.nextBytes(message);
        Ed25519.sign(signingKey, 0, message, 0, message.length, signature, 0);

        final byte[] theirs = new byte[X25519.SCALAR_SIZE];
        random.nextBytes(ourAgreementKey);
        random.nextBytes(theirs);
        X25519.precompute();
        X25519.scalarMultBase(theirs, 0, theirAgreementPublic, 0);
    }

    /** The origin signs once; every peer and every relayer verifies the same signature. */
    @Benchmark
    public byte[] ed25519Sign()
    {
        Ed25519.sign(signingKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** With the origin's public key decoded once at start, as a receiver would keep it. */
    @Benchmark
    public boolean ed25519Verify()
    {
        return Ed25519.verify(signature, 0, verifyPoint, message, 0, message.length);
    }

    /** Once per link and key rotation, never per datagram: X25519 then HKDF-SHA256 to a 32-byte HMAC key. */
    @Benchmark
    public byte[] linkKeyDerivation()
    {
        X25519.calculateAgreement(ourAgreementKey, 0, theirAgreementPublic, 0, sharedSecret, 0);
        final HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(sharedSecret, null, LINK_KEY_INFO));
        hkdf.generateBytes(linkKey, 0, linkKey.length);
        return linkKey;
    }
}
