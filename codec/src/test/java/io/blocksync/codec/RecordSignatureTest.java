package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.blocksync.codec.TestFrames.nodeKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record's origin signature: only the origin's key with the record's key id verifies it, over exactly the 64 signed
 * bytes, so a relayer can neither alter a record nor pass it off under another key.
 */
class RecordSignatureTest
{
    private static final int ORIGIN = 4;
    private static final NodeKey ORIGIN_KEY = nodeKey(3, 0x0419);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private final BanRecordFlyweight record = new BanRecordFlyweight();

    @Test
    void theOriginsSignatureVerifiesUnderItsPublicKeyAndTravelsWithTheBan()
    {
        signedRecord(0);
        assertEquals(ORIGIN_KEY.keyId(), record.originKeyId());
        assertTrue(record.verifySignature(ORIGIN_KEY.peerKey()));

        // Signing is deterministic (RFC 8032): the same fields give the same signature.
        final Ban ban = record.get(new Ban());
        final byte[] signature = ban.signature().clone();
        signedRecord(BanRecordFlyweight.LENGTH);
        assertArrayEquals(signature, record.get(new Ban()).signature());

        // A ban read from one record and written into another carries the origin's signature unchanged.
        record.wrap(buffer, 2 * BanRecordFlyweight.LENGTH).set(ban);
        assertEquals(ORIGIN_KEY.keyId(), record.originKeyId());
        assertTrue(record.verifySignature(ORIGIN_KEY.peerKey()));
    }

    @Test
    void theSignatureCoversTheContextAndTheFirst96BytesExactly()
    {
        signedRecord(0);
        final byte[] message = new byte[BanRecordFlyweight.SIGNATURE_CONTEXT.length + BanRecordFlyweight.SIGNED_LENGTH];
        System.arraycopy(BanRecordFlyweight.SIGNATURE_CONTEXT, 0, message, 0, BanRecordFlyweight.SIGNATURE_CONTEXT.length);
        buffer.getBytes(0, message, BanRecordFlyweight.SIGNATURE_CONTEXT.length, BanRecordFlyweight.SIGNED_LENGTH);
        final byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];
        record.getSignature(signature);

        assertEquals("blocksync/3 record", new String(BanRecordFlyweight.SIGNATURE_CONTEXT, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(96, BanRecordFlyweight.SIGNED_LENGTH);
        assertTrue(ORIGIN_KEY.peerKey().verify(message, 0, message.length, signature, 0));
        final byte[] withoutContext = java.util.Arrays.copyOfRange(message, BanRecordFlyweight.SIGNATURE_CONTEXT.length, message.length);
        assertFalse(ORIGIN_KEY.peerKey().verify(withoutContext, 0, withoutContext.length, signature, 0),
            "a record signature is not a signature of the bare fields");
    }

    @Test
    void anyBitFlippedInTheSignedBytesOrTheSignatureFails()
    {
        signedRecord(0);
        final PeerKey originKey = ORIGIN_KEY.peerKey();
        int checked = 0;
        for (int bit = 0; bit < BanRecordFlyweight.LENGTH * 8; bit++)
        {
            final int at = bit >>> 3;
            final byte original = buffer.getByte(at);
            buffer.putByte(at, (byte)(original ^ (1 << (bit & 7))));
            assertFalse(record.verifySignature(originKey), "bit " + bit + " flipped still verifies");
            buffer.putByte(at, original);
            checked++;
        }
        assertEquals(160 * 8, checked);
        assertTrue(record.verifySignature(originKey), "unflipped original");
    }

    @Test
    void aWrongKeyIdOrAnotherNodesKeyFails()
    {
        signedRecord(0);
        final byte[] publicKey = ORIGIN_KEY.publicKey();
        assertFalse(record.verifySignature(PeerKey.of(ORIGIN_KEY.keyId() + 1, publicKey)),
            "the right key under another id: the record names which key signed it");
        assertFalse(record.verifySignature(nodeKey(ORIGIN_KEY.keyId(), 0xBAD).peerKey()), "another node's key with that id");

        // After a rotation the origin signs with its next key: only that key verifies, the old one does not.
        final NodeKey next = nodeKey(ORIGIN_KEY.keyId() + 1, 0x0420);
        record.sign(next);
        assertEquals(next.keyId(), record.originKeyId());
        assertTrue(record.verifySignature(next.peerKey()));
        assertFalse(record.verifySignature(ORIGIN_KEY.peerKey()));
    }

    @Test
    void aRelayedRecordIsCheckedWithTheOriginsKeyAsTheVerifierHoldsIt()
    {
        // Node 8 trusts origin 4 (keys 3 and 4) and relayer 7; a record relayed by 7 is checked with 4's key named in it.
        final NodeKey self = nodeKey(1, 0x08);
        final NodeKey next = nodeKey(4, 0x0420);
        final FrameVerifier verifier = new FrameVerifier(8)
            .addLink(new PeerLink(8, new NodeKey[]{ self }, ORIGIN, new PeerKey[]{ ORIGIN_KEY.peerKey(), next.peerKey() }, new ReplayWindow()))
            .addLink(TestFrames.link(8, self, 7, nodeKey(1, 0x07)));

        signedRecord(0);
        assertTrue(record.verifySignature(verifier.link(record.originNodeId()).peerKey(record.originKeyId())));
        record.sign(next);
        assertTrue(record.verifySignature(verifier.link(record.originNodeId()).peerKey(record.originKeyId())));
        record.sign(nodeKey(9, 0x0421));
        assertNull(verifier.link(record.originNodeId()).peerKey(record.originKeyId()), "a retired or unknown key id has no key");
    }

    private void signedRecord(final int offset)
    {
        buffer.setMemory(offset, BanRecordFlyweight.LENGTH, (byte)0);
        record.wrap(buffer, offset)
            .action(BanRecordFlyweight.ACTION_BAN)
            .prefix(TestFrames.prefix("2001:db8:bad::/48"))
            .protocol(6)
            .port(443)
            .originNodeId(ORIGIN)
            .durationSeconds(7200)
            .originSequence(31)
            .originTimeMillis(1_764_000_000_777L)
            .reason(ReasonCode.of("http"))
            .sign(ORIGIN_KEY);
    }
}
