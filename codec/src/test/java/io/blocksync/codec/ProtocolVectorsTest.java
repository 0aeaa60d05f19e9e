package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.blocksync.codec.ProtocolVectors.hex;
import static io.blocksync.codec.ProtocolVectors.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published test vectors (vectors.json, mirrored in docs/PROTOCOL.md) against the code: the tag is checked with
 * the JDK's own HMAC, independent of the BouncyCastle code that produced it, then every datagram is decoded to its
 * listed fields and re-encoded from them byte for byte.
 */
class ProtocolVectorsTest
{
    private static final Path VECTORS = Path.of("src/test/resources/vectors.json");
    private static final Path PROTOCOL_DOC = Path.of("../docs/PROTOCOL.md");

    @Test
    void atLeastThreeVectorsCoverEveryFrameType() throws Exception
    {
        final List<Map<String, Object>> vectors = vectors();
        assertTrue(vectors.size() >= 3);
        assertEquals(
            List.of("ACK", "BATCH", "HEARTBEAT", "SYNC"),
            vectors.stream().map(v -> (String)fields(v).get("type")).distinct().sorted().toList());
    }

    @Test
    void tagIsTruncatedHmacSha256OfTheAuthenticatedRange() throws Exception
    {
        for (final Map<String, Object> vector : vectors())
        {
            final byte[] datagram = unhex((String)vector.get("datagram"));
            final List<?> range = (List<?>)vector.get("authenticated");
            final int start = ((Long)range.get(0)).intValue();
            final int end = ((Long)range.get(1)).intValue();

            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(unhex((String)vector.get("key")), "HmacSHA256"));
            mac.update(datagram, start, end - start);
            final byte[] expectedTag = Arrays.copyOf(mac.doFinal(), FrameHeaderFlyweight.TAG_LENGTH);

            final String name = (String)vector.get("name");
            assertEquals(datagram.length, end + FrameHeaderFlyweight.TAG_LENGTH, name);
            assertArrayEquals(expectedTag, unhex((String)vector.get("tag")), name);
            assertArrayEquals(expectedTag, Arrays.copyOfRange(datagram, end, datagram.length), name);
        }
    }

    @Test
    void everyVectorVerifiesDecodesToItsFieldsAndReencodesByteForByte() throws Exception
    {
        for (final Map<String, Object> vector : vectors())
        {
            final String name = (String)vector.get("name");
            final byte[] key = unhex((String)vector.get("key"));
            final byte[] datagram = unhex((String)vector.get("datagram"));
            final Map<String, Object> fields = fields(vector);

            final int senderId = ((Long)fields.get("sender_id")).intValue();
            final int keyId = ((Long)fields.get("key_id")).intValue();
            final FrameVerifier verifier = new FrameVerifier().addSender(new SenderKeys(senderId).addKey(keyId, key));
            assertEquals(RejectReason.NONE, verifier.verify(new UnsafeBuffer(datagram), 0, datagram.length), name);

            assertEquals(fields, ProtocolVectors.decode(datagram), name);
            assertEquals(hex(datagram, 0, datagram.length), hex(ProtocolVectors.encode(fields, key), 0, datagram.length), name);
        }
    }

    @Test
    void protocolDocumentShowsTheSameVectors() throws Exception
    {
        final String doc = Files.readString(PROTOCOL_DOC, StandardCharsets.UTF_8).replaceAll("\\s", "");
        for (final Map<String, Object> vector : vectors())
        {
            final String name = (String)vector.get("name");
            assertTrue(doc.contains(name), name + " is not in docs/PROTOCOL.md");
            for (final String key : List.of("key", "datagram", "tag"))
            {
                assertTrue(doc.contains((String)vector.get(key)), name + ": " + key + " differs from docs/PROTOCOL.md");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> vectors() throws Exception
    {
        return (List<Map<String, Object>>)MiniJson.parse(Files.readString(VECTORS, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(final Map<String, Object> vector)
    {
        return (Map<String, Object>)vector.get("fields");
    }
}
