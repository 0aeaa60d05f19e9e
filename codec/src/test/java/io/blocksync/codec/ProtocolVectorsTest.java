package io.blocksync.codec;

import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.blocksync.codec.ProtocolVectors.hex;
import static io.blocksync.codec.ProtocolVectors.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published test vectors (vectors.json, mirrored in docs/PROTOCOL.md) against the code and against the JDK's own
 * crypto, which shares nothing with the BouncyCastle code that produced them: X25519 agreement, HKDF (written out here
 * from RFC 5869 with the JDK's HMAC), the tag, and every record's Ed25519 signature (deterministic, so the JDK must
 * produce the very same bytes). Then every datagram verifies at its receiver, decodes to its listed fields and
 * re-encodes from them byte for byte.
 */
class ProtocolVectorsTest
{
    private static final Path VECTORS = Path.of("src/test/resources/vectors.json");
    private static final Path PROTOCOL_DOC = Path.of("../docs/PROTOCOL.md");
    /** DER prefixes of a SubjectPublicKeyInfo / PKCS#8 key (RFC 8410), so the JDK takes raw key bytes. */
    private static final String ED25519_SPKI = "302a300506032b6570032100";
    private static final String X25519_SPKI = "302a300506032b656e032100";
    private static final String X25519_PKCS8 = "302e020100300506032b656e04220420";

    @Test
    void theVectorsCoverEveryFrameTypeTwoFamiliesAndARelayedSync() throws Exception
    {
        final List<Map<String, Object>> vectors = vectors();
        assertEquals(
            List.of("ACK", "BATCH", "HEARTBEAT", "SNAPSHOT_CHUNK", "SNAPSHOT_REQUEST", "SYNC"),
            vectors.stream().map(v -> (String)fields(v).get("type")).distinct().sorted().toList());
        assertTrue(vectors.stream().map(ProtocolVectorsTest::fields).anyMatch(
            f -> "SYNC".equals(f.get("type")) && !f.get("origin_node_id").equals(f.get("sender_id"))), "a SYNC relayed for another origin");
        assertTrue(vectors.stream().flatMap(v -> records(fields(v)).stream()).anyMatch(r -> "UNBAN".equals(r.get("action"))));
        assertTrue(vectors.stream().flatMap(v -> records(fields(v)).stream()).anyMatch(r -> ((String)r.get("prefix")).contains(":")));
        assertEquals(ProtocolVectors.inputs().keySet().stream().toList(), vectors.stream().map(v -> v.get("name")).toList());
    }

    @Test
    void nodeKeysFollowFromTheirSeeds() throws Exception
    {
        for (final Map<String, Object> node : nodes())
        {
            final int id = ((Long)node.get("node_id")).intValue();
            final byte[] seed = unhex((String)node.get("seed"));
            final byte[] publicKey = unhex((String)node.get("public_key"));
            assertArrayEquals(ProtocolVectors.seed(id), seed, "seed rule of node " + id);

            final NodeKey key = NodeKey.fromSeed(((Long)node.get("key_id")).intValue(), seed);
            assertArrayEquals(publicKey, key.publicKey(), "node " + id);

            final byte[] x25519Private = hkdf(seed, new byte[0], NodeKey.X25519_INFO);
            assertEquals(node.get("x25519_private"), hex(x25519Private, 0, 32), "node " + id);
            assertArrayEquals(Arrays.copyOfRange(publicKey, 32, 64), x25519Public(x25519Private), "node " + id + " x25519 public (JDK)");

            // The JDK's Ed25519 with the seed as private key signs what the listed public key verifies.
            final byte[] message = "blocksync vector".getBytes(StandardCharsets.US_ASCII);
            final byte[] signature = jdkSign(seed, message);
            final Signature verify = Signature.getInstance("Ed25519");
            verify.initVerify(ed25519Public(Arrays.copyOf(publicKey, 32)));
            verify.update(message);
            assertTrue(verify.verify(signature), "node " + id + " ed25519 public (JDK)");
        }
    }

    @Test
    void linkKeysAreX25519ThenHkdfOfTheDocumentedInputs() throws Exception
    {
        final Map<Integer, Map<String, Object>> nodes = nodesById();
        for (final Map<String, Object> vector : vectors())
        {
            final String name = (String)vector.get("name");
            final Map<String, Object> fields = fields(vector);
            final int senderId = ((Long)fields.get("sender_id")).intValue();
            final int receiverId = ((Long)fields.get("receiver_id")).intValue();
            final Map<String, Object> sender = nodes.get(senderId);
            final Map<String, Object> receiver = nodes.get(receiverId);
            final byte[] senderX25519 = Arrays.copyOfRange(unhex((String)sender.get("public_key")), 32, 64);
            final byte[] receiverX25519 = Arrays.copyOfRange(unhex((String)receiver.get("public_key")), 32, 64);

            final byte[] shared = x25519(unhex((String)sender.get("x25519_private")), receiverX25519);
            assertArrayEquals(shared, x25519(unhex((String)receiver.get("x25519_private")), senderX25519), name);
            assertEquals(vector.get("shared_secret"), hex(shared, 0, shared.length), name);

            final byte[] info = new byte[10 + 64];
            putIntLittleEndian(info, 0, senderId);
            info[4] = (byte)((Long)fields.get("sender_key_id")).intValue();
            putIntLittleEndian(info, 5, receiverId);
            info[9] = (byte)((Long)fields.get("receiver_key_id")).intValue();
            System.arraycopy(senderX25519, 0, info, 10, 32);
            System.arraycopy(receiverX25519, 0, info, 42, 32);
            final byte[] linkKey = hkdf(shared, "blocksync/2 link".getBytes(StandardCharsets.US_ASCII), info);
            assertEquals(vector.get("link_key"), hex(linkKey, 0, linkKey.length), name);
            assertArrayEquals(linkKey, ProtocolVectors.linkKey(fields), name + " (codec)");
            assertArrayEquals(linkKey, LinkKeys.receiving(receiverId, ProtocolVectors.nodeKey(receiverId), senderId,
                ProtocolVectors.nodeKey(senderId).peerKey()), name + " (codec, receiving side)");
        }
    }

    @Test
    void tagIsTruncatedHmacSha256OfTheAuthenticatedRangeUnderTheLinkKey() throws Exception
    {
        for (final Map<String, Object> vector : vectors())
        {
            final byte[] datagram = unhex((String)vector.get("datagram"));
            final List<?> range = (List<?>)vector.get("authenticated");
            final int start = ((Long)range.get(0)).intValue();
            final int end = ((Long)range.get(1)).intValue();

            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(unhex((String)vector.get("link_key")), "HmacSHA256"));
            mac.update(datagram, start, end - start);
            final byte[] expectedTag = Arrays.copyOf(mac.doFinal(), FrameHeaderFlyweight.TAG_LENGTH);

            final String name = (String)vector.get("name");
            assertEquals(0, start, name);
            assertEquals(datagram.length, end + FrameHeaderFlyweight.TAG_LENGTH, name);
            assertArrayEquals(expectedTag, unhex((String)vector.get("tag")), name);
            assertArrayEquals(expectedTag, Arrays.copyOfRange(datagram, end, datagram.length), name);
        }
    }

    @Test
    void everyRecordSignatureIsTheOriginsDeterministicEd25519OfContextAndRecordBytes() throws Exception
    {
        final Map<Integer, Map<String, Object>> nodes = nodesById();
        int checked = 0;
        for (final Map<String, Object> vector : vectors())
        {
            final Map<String, Object> fields = fields(vector);
            // A chunk's records are those of its LZ4 block, decoded by the reference decoder.
            final byte[] datagram = "SNAPSHOT_CHUNK".equals(fields.get("type")) ? chunkRecords(vector) : unhex((String)vector.get("datagram"));
            final int recordsOffset = "SYNC".equals(fields.get("type")) ? 48 : "SNAPSHOT_CHUNK".equals(fields.get("type")) ? 0 : 32;
            final List<Map<String, Object>> records = records(fields);
            for (int i = 0; i < records.size(); i++)
            {
                final Map<String, Object> record = records.get(i);
                final int at = recordsOffset + i * 160;
                final byte[] message = new byte[18 + 96];
                System.arraycopy("blocksync/3 record".getBytes(StandardCharsets.US_ASCII), 0, message, 0, 18);
                System.arraycopy(datagram, at, message, 18, 96);
                final byte[] signature = Arrays.copyOfRange(datagram, at + 96, at + 160);
                assertEquals(record.get("signature"), hex(signature, 0, 64));

                final Map<String, Object> origin = nodes.get(((Long)record.get("origin_node_id")).intValue());
                assertEquals(origin.get("key_id"), record.get("origin_key_id"));
                assertEquals(record.get("origin_key_id"), (long)(datagram[at + 6] & 0xFF), "origin key id at record byte 6");
                assertArrayEquals(signature, jdkSign(unhex((String)origin.get("seed")), message),
                    vector.get("name") + " record " + i + " (JDK signs the same bytes)");
                checked++;
            }
        }
        assertEquals(8, checked);
    }

    /** The records of a SNAPSHOT_CHUNK vector: its block, bytes 64 to 64 + block_length, through {@link Lz4Reference}. */
    private static byte[] chunkRecords(final Map<String, Object> vector)
    {
        final byte[] datagram = unhex((String)vector.get("datagram"));
        final int blockLength = ((Long)fields(vector).get("block_length")).intValue();
        assertEquals(datagram.length, 64 + blockLength + 16, "frame_length = 80 + block_length");
        return Lz4Reference.decompress(datagram, 64, 64 + blockLength);
    }

    @Test
    void theSnapshotChunkVectorsBlockIsPlainLz4OfItsRecords() throws Exception
    {
        for (final Map<String, Object> vector : vectors())
        {
            if (!"SNAPSHOT_CHUNK".equals(fields(vector).get("type")))
            {
                continue;
            }
            final byte[] raw = chunkRecords(vector);
            final List<Map<String, Object>> records = records(fields(vector));
            assertEquals(records.size() * 160, raw.length, "count x 160 bytes");
            for (int i = 0; i < records.size(); i++)
            {
                final BanRecordFlyweight record = new BanRecordFlyweight().wrap(new UnsafeBuffer(raw), i * 160);
                assertTrue(record.isWellFormed());
                assertEquals(records.get(i).get("origin_sequence"), record.originSequence());
                assertTrue(record.verifySignature(ProtocolVectors.nodeKey(record.originNodeId()).peerKey()), "record " + i);
            }
            // Four records of 160 bytes in fewer bytes: the signatures (64 random bytes each) are most of what is left.
            assertTrue(raw.length > ((Long)fields(vector).get("block_length")) + 160, "compressed");
        }
    }

    @Test
    void everyVectorVerifiesAtItsReceiverDecodesToItsFieldsAndReencodesByteForByte() throws Exception
    {
        for (final Map<String, Object> vector : vectors())
        {
            final String name = (String)vector.get("name");
            final byte[] datagram = unhex((String)vector.get("datagram"));
            final Map<String, Object> fields = fields(vector);

            final int senderId = ((Long)fields.get("sender_id")).intValue();
            final int receiverId = ((Long)fields.get("receiver_id")).intValue();
            final PeerLink link = new PeerLink(receiverId, new NodeKey[]{ ProtocolVectors.nodeKey(receiverId) }, senderId,
                new PeerKey[]{ ProtocolVectors.nodeKey(senderId).peerKey() }, new ReplayWindow());
            final FrameVerifier verifier = new FrameVerifier(receiverId).addLink(link);
            assertEquals(RejectReason.NONE, verifier.verify(new UnsafeBuffer(datagram), 0, datagram.length), name);

            assertEquals(fields, ProtocolVectors.decode(datagram), name);
            final byte[] reencoded = ProtocolVectors.encode(fields);
            if ("SNAPSHOT_CHUNK".equals(fields.get("type")) && !Lz4Block.implementation().contains("JNI"))
            {
                // An LZ4 block is not unique: lz4-java's own compressor may choose other matches than liblz4, which
                // made the vector. Its chunk must still say the same.
                assertEquals(withoutLengths(fields), withoutLengths(ProtocolVectors.decode(reencoded)), name);
                continue;
            }
            assertEquals(hex(datagram, 0, datagram.length), hex(reencoded, 0, datagram.length), name);
        }
    }

    private static Map<String, Object> withoutLengths(final Map<String, Object> fields)
    {
        final Map<String, Object> copy = new HashMap<>(fields);
        copy.remove("frame_length");
        copy.remove("block_length");
        return copy;
    }

    @Test
    void theDocumentedSizesAreTheCodecs()
    {
        assertEquals(72, SnapshotRequestFlyweight.FRAME_LENGTH);
        assertEquals(64, SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW);
        assertEquals(1120, SnapshotChunkFlyweight.MAX_BLOCK_LENGTH);
        assertEquals(32, SnapshotChunkFlyweight.MAX_RECORDS);
        assertEquals(1200, SnapshotChunkFlyweight.frameLength(SnapshotChunkFlyweight.MAX_BLOCK_LENGTH));
        assertEquals(3, FrameHeaderFlyweight.CURRENT_VERSION);
        assertEquals(24, FrameHeaderFlyweight.HEADER_LENGTH);
        assertEquals(160, BanRecordFlyweight.LENGTH);
        assertEquals(40, BanRecordFlyweight.REASON_LENGTH);
        assertEquals(7, BatchFrameFlyweight.MAX_RECORDS);
        assertEquals(7, SyncFrameFlyweight.MAX_RECORDS);
        assertEquals(1168, BatchFrameFlyweight.frameLength(BatchFrameFlyweight.MAX_RECORDS));
        assertEquals(1184, SyncFrameFlyweight.frameLength(SyncFrameFlyweight.MAX_RECORDS));
        assertEquals(69, HeartbeatFrameFlyweight.MAX_ENTRIES);
    }

    /**
     * The heartbeat digest as PROTOCOL.md defines it, computed here from the formula (not through the codec): the
     * vector's digest is that of the documented list, and the document shows it.
     */
    @Test
    void heartbeatDigestIsTheDocumentedSumOfSplitMixTerms() throws Exception
    {
        long digest = 0;
        for (final long[] entry : ProtocolVectors.HEARTBEAT_LIST)
        {
            digest += splitMix(splitMix(entry[0]) ^ entry[1]);
        }
        assertEquals(digest, ProtocolVectors.heartbeatDigest());
        final Map<String, Object> page = vectors().stream().filter(v -> "heartbeat-first-page".equals(v.get("name")))
            .findFirst().orElseThrow();
        @SuppressWarnings("unchecked") final Map<String, Object> fields = (Map<String, Object>)page.get("fields");
        assertEquals(digest, ((Number)fields.get("digest")).longValue());
        final String doc = Files.readString(PROTOCOL_DOC, StandardCharsets.UTF_8);
        assertTrue(doc.contains(String.format("%016x", digest)), "docs/PROTOCOL.md shows the digest " + String.format("%016x", digest));
    }

    private static long splitMix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Test
    void protocolDocumentShowsTheSameVectors() throws Exception
    {
        final String doc = Files.readString(PROTOCOL_DOC, StandardCharsets.UTF_8).replaceAll("\\s", "");
        for (final Map<String, Object> node : nodes())
        {
            for (final String key : List.of("seed", "x25519_private"))
            {
                assertTrue(doc.contains((String)node.get(key)), "node " + node.get("node_id") + ": " + key + " differs from docs/PROTOCOL.md");
            }
            final String publicKey = (String)node.get("public_key");
            assertTrue(doc.contains("ed25519" + publicKey.substring(0, 64)) && doc.contains("x25519" + publicKey.substring(64)),
                "node " + node.get("node_id") + ": public key differs from docs/PROTOCOL.md");
        }
        for (final Map<String, Object> vector : vectors())
        {
            final String name = (String)vector.get("name");
            assertTrue(doc.contains("###" + name), name + " is not in docs/PROTOCOL.md");
            for (final String key : List.of("shared_secret", "link_key", "datagram", "tag"))
            {
                assertTrue(doc.contains((String)vector.get(key)), name + ": " + key + " differs from docs/PROTOCOL.md");
            }
            for (final Map<String, Object> record : records(fields(vector)))
            {
                assertTrue(doc.contains("\"signature\":\"" + record.get("signature") + "\""), name + ": a signature differs from docs/PROTOCOL.md");
            }
        }
    }

    /** HKDF-SHA256 (RFC 5869) to 32 bytes: one expand block. */
    private static byte[] hkdf(final byte[] ikm, final byte[] salt, final byte[] info) throws Exception
    {
        final Mac extract = Mac.getInstance("HmacSHA256");
        // An empty salt means HashLen zero bytes (RFC 5869 section 2.2).
        extract.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
        final byte[] prk = extract.doFinal(ikm);
        final Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        expand.update(info);
        expand.update((byte)1);
        return expand.doFinal();
    }

    private static byte[] x25519(final byte[] privateKey, final byte[] publicKey) throws Exception
    {
        final KeyFactory factory = KeyFactory.getInstance("X25519");
        final KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(factory.generatePrivate(new PKCS8EncodedKeySpec(concat(unhex(X25519_PKCS8), privateKey))));
        agreement.doPhase(factory.generatePublic(new X509EncodedKeySpec(concat(unhex(X25519_SPKI), publicKey))), true);
        return agreement.generateSecret();
    }

    /** The X25519 public key of a private key: its agreement with the base point u = 9. */
    private static byte[] x25519Public(final byte[] privateKey) throws Exception
    {
        final byte[] basePoint = new byte[32];
        basePoint[0] = 9;
        return x25519(privateKey, basePoint);
    }

    private static PublicKey ed25519Public(final byte[] publicKey) throws Exception
    {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(unhex(ED25519_SPKI), publicKey)));
    }

    private static byte[] jdkSign(final byte[] seed, final byte[] message) throws Exception
    {
        final PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        final Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(message);
        return signer.sign();
    }

    private static byte[] concat(final byte[] first, final byte[] second)
    {
        final byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static void putIntLittleEndian(final byte[] into, final int at, final int value)
    {
        into[at] = (byte)value;
        into[at + 1] = (byte)(value >>> 8);
        into[at + 2] = (byte)(value >>> 16);
        into[at + 3] = (byte)(value >>> 24);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> root() throws Exception
    {
        // Integers as Long, as the vectors' ids and ranges are read below.
        return (Map<String, Object>)new GsonBuilder().setStrictness(Strictness.STRICT)
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).serializeNulls().create()
            .fromJson(Files.readString(VECTORS, StandardCharsets.UTF_8), Object.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> vectors() throws Exception
    {
        return (List<Map<String, Object>>)root().get("vectors");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> nodes() throws Exception
    {
        return (List<Map<String, Object>>)root().get("nodes");
    }

    private static Map<Integer, Map<String, Object>> nodesById() throws Exception
    {
        final Map<Integer, Map<String, Object>> byId = new HashMap<>();
        for (final Map<String, Object> node : nodes())
        {
            byId.put(((Long)node.get("node_id")).intValue(), node);
        }
        return byId;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(final Map<String, Object> vector)
    {
        return (Map<String, Object>)vector.get("fields");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(final Map<String, Object> fields)
    {
        return fields.containsKey("records") ? (List<Map<String, Object>>)fields.get("records") : List.of();
    }
}
