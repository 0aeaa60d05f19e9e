package io.blocksync.codec;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkKeysTest
{
    private static NodeKey key(final int keyId, final long seed)
    {
        final byte[] bytes = new byte[NodeKey.SEED_LENGTH];
        new Random(seed).nextBytes(bytes);
        return NodeKey.fromSeed(keyId, bytes);
    }

    @Test
    void bothEndsOfALinkDeriveTheSameKeyForEachDirection()
    {
        final NodeKey a = key(1, 1);
        final NodeKey b = key(7, 2);

        final byte[] aToB = LinkKeys.sending(1, a, 2, b.peerKey());
        assertArrayEquals(aToB, LinkKeys.receiving(2, b, 1, a.peerKey()));
        final byte[] bToA = LinkKeys.sending(2, b, 1, a.peerKey());
        assertArrayEquals(bToA, LinkKeys.receiving(1, a, 2, b.peerKey()));
        assertFalse(java.util.Arrays.equals(aToB, bToA), "the two directions must differ");
    }

    @Test
    void aThirdNodeDerivesAnotherKey()
    {
        final NodeKey a = key(1, 1);
        final NodeKey b = key(1, 2);
        final NodeKey c = key(1, 3);
        // C, holding only public keys of A and B, can compute neither A->B nor a key B would take as A's.
        final byte[] aToB = LinkKeys.sending(1, a, 2, b.peerKey());
        assertFalse(java.util.Arrays.equals(aToB, LinkKeys.sending(1, c, 2, b.peerKey())));
    }

    @Test
    void signaturesVerifyOnlyForTheSignedBytesAndKey()
    {
        final NodeKey a = key(1, 1);
        final byte[] message = "BlockSync record".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];
        a.sign(message, 0, message.length, signature, 0);
        assertTrue(a.peerKey().verify(message, 0, message.length, signature, 0));
        message[3] ^= 1;
        assertFalse(a.peerKey().verify(message, 0, message.length, signature, 0));
        message[3] ^= 1;
        assertFalse(key(1, 9).peerKey().verify(message, 0, message.length, signature, 0));
    }

    @Test
    void badPublicKeysAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> PeerKey.of(1, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> PeerKey.of(1, new byte[NodeKey.PUBLIC_KEY_LENGTH]));
        assertThrows(IllegalArgumentException.class, () -> PeerKey.of(256, key(1, 1).publicKey()));
        assertThrows(IllegalArgumentException.class, () -> NodeKey.fromSeed(1, new byte[16]));
    }
}
