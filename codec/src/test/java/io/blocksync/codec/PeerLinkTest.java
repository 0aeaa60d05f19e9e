package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.blocksync.codec.TestFrames.nodeKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Who can make a datagram a receiver takes as a given sender's: only that sender, with any of its configured keys, to
 * any of the receiver's configured keys, addressed to that receiver.
 */
class PeerLinkTest
{
    private static final int A = 1;
    private static final int B = 2;
    private static final int C = 3;
    private static final NodeKey A_CURRENT = nodeKey(1, 0xA1);
    private static final NodeKey A_NEXT = nodeKey(2, 0xA2);
    private static final NodeKey B_CURRENT = nodeKey(5, 0xB5);
    private static final NodeKey B_NEXT = nodeKey(6, 0xB6);
    private static final NodeKey C_KEY = nodeKey(1, 0xC1);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private long sequence = 1;

    @Test
    void aDatagramForAnotherNodeIsWrongReceiverAndMovesNothing()
    {
        final FrameVerifier atB = verifier(B, new NodeKey[]{ B_CURRENT }, A, A_CURRENT);
        // A's copy for C, delivered to B (a peer address in some config points at the wrong node).
        final PeerLink aToC = TestFrames.link(A, A_CURRENT, C, C_KEY);
        final int length = sealedBatch(A, A_CURRENT, aToC);

        assertEquals(RejectReason.WRONG_RECEIVER, atB.verify(buffer, 0, length));
        assertEquals(0, atB.link(A).replayWindow().highest());
        assertEquals(RejectReason.NONE, atB.verify(buffer, 0, sealedBatch(A, A_CURRENT, TestFrames.link(A, A_CURRENT, B, B_CURRENT))));
    }

    @Test
    void anUnconfiguredSenderOrReceiverKeyIdIsUnknownKey()
    {
        final FrameVerifier atB = verifier(B, new NodeKey[]{ B_CURRENT }, A, A_CURRENT);

        // A sends with a key B has not been given (A's next key, before step 2 of a rotation).
        final int senderKeyUnknown = sealedBatch(A, A_NEXT, TestFrames.link(A, A_NEXT, B, B_CURRENT));
        assertEquals(A_NEXT.keyId(), header().senderKeyId());
        assertEquals(RejectReason.UNKNOWN_KEY, atB.verify(buffer, 0, senderKeyUnknown));

        // A addresses a key of B's that B does not hold (B's next key, configured at A before B has it).
        final int receiverKeyUnknown = sealedBatch(A, A_CURRENT, TestFrames.link(A, A_CURRENT, B, B_NEXT));
        assertEquals(B_NEXT.keyId(), header().receiverKeyId());
        assertEquals(RejectReason.UNKNOWN_KEY, atB.verify(buffer, 0, receiverKeyUnknown));

        assertEquals(0, atB.link(A).replayWindow().highest());
    }

    @Test
    void aSenderWithoutALinkIsUnknownSender()
    {
        final FrameVerifier atB = verifier(B, new NodeKey[]{ B_CURRENT }, A, A_CURRENT);
        final int length = sealedBatch(C, C_KEY, TestFrames.link(C, C_KEY, B, B_CURRENT));

        assertEquals(RejectReason.UNKNOWN_SENDER, atB.verify(buffer, 0, length));
    }

    @Test
    void everyCombinationOfCurrentAndNextKeysVerifiesInBothDirections()
    {
        final FrameVerifier atB = verifier(B, new NodeKey[]{ B_CURRENT, B_NEXT }, A, A_CURRENT, A_NEXT);
        final FrameVerifier atA = verifier(A, new NodeKey[]{ A_CURRENT, A_NEXT }, B, B_CURRENT, B_NEXT);

        int combinations = 0;
        for (final NodeKey a : new NodeKey[]{ A_CURRENT, A_NEXT })
        {
            for (final NodeKey b : new NodeKey[]{ B_CURRENT, B_NEXT })
            {
                final String which = "A key " + a.keyId() + ", B key " + b.keyId();
                assertEquals(RejectReason.NONE, atB.verify(buffer, 0, sealedBatch(A, a, TestFrames.link(A, a, B, b))), which);
                assertEquals(a.keyId(), header().senderKeyId());
                assertEquals(b.keyId(), header().receiverKeyId());
                assertEquals(RejectReason.NONE, atA.verify(buffer, 0, sealedBatch(B, b, TestFrames.link(B, b, A, a))), which);
                combinations++;
            }
        }
        assertEquals(4, combinations);
    }

    @Test
    void theFourStepRotationOfANodesKeyKeepsTheLinkWorkingInBothDirections()
    {
        // 0: A and B know each other's current key.
        assertLinkWorks(new NodeKey[]{ A_CURRENT }, new NodeKey[]{ B_CURRENT }, new NodeKey[]{ A_CURRENT }, A_CURRENT.keyId());
        // 1: A gets a next key: accepts either, still sends with the current; B does not know the next key yet.
        assertLinkWorks(new NodeKey[]{ A_CURRENT, A_NEXT }, new NodeKey[]{ B_CURRENT }, new NodeKey[]{ A_CURRENT }, A_CURRENT.keyId());
        // 2: B adds A's next key: B addresses it, and accepts either from A.
        assertLinkWorks(new NodeKey[]{ A_CURRENT, A_NEXT }, new NodeKey[]{ B_CURRENT }, new NodeKey[]{ A_CURRENT, A_NEXT }, A_NEXT.keyId());
        // 3: A promotes its next key and drops the old one: A sends with it.
        assertLinkWorks(new NodeKey[]{ A_NEXT }, new NodeKey[]{ B_CURRENT }, new NodeKey[]{ A_CURRENT, A_NEXT }, A_NEXT.keyId());
        // 4: B keeps only A's new key.
        assertLinkWorks(new NodeKey[]{ A_NEXT }, new NodeKey[]{ B_CURRENT }, new NodeKey[]{ A_NEXT }, A_NEXT.keyId());
    }

    /**
     * @param aKeys        A's own keys, the one it sends with first.
     * @param bKeys        B's own keys.
     * @param aKeysAtB     A's public keys as B's config lists them: current, then next.
     * @param addressedByB the key id of A's that B's datagrams must name.
     */
    private void assertLinkWorks(final NodeKey[] aKeys, final NodeKey[] bKeys, final NodeKey[] aKeysAtB, final int addressedByB)
    {
        final PeerLink bAtA = new PeerLink(A, aKeys, B, publicKeys(bKeys), new ReplayWindow());
        final PeerLink aAtB = new PeerLink(B, bKeys, A, publicKeys(aKeysAtB), new ReplayWindow());
        final FrameVerifier atA = new FrameVerifier(A).addLink(bAtA);
        final FrameVerifier atB = new FrameVerifier(B).addLink(aAtB);

        assertEquals(RejectReason.NONE, atB.verify(buffer, 0, sealedBatch(A, aKeys[0], bAtA)), "A to B");
        assertEquals(RejectReason.NONE, atA.verify(buffer, 0, sealedBatch(B, bKeys[0], aAtB)), "B to A");
        assertEquals(addressedByB, header().receiverKeyId());
        assertEquals(addressedByB, aAtB.sendingReceiverKeyId());
    }

    @Test
    void aThirdNodeHoldingTheSendersPublicKeyCannotSpeakAsTheSender()
    {
        // B trusts both A and C; C knows A's and B's public keys and signs as A by every means it has.
        final FrameVerifier atB = new FrameVerifier(B)
            .addLink(TestFrames.link(B, B_CURRENT, A, A_CURRENT))
            .addLink(TestFrames.link(B, B_CURRENT, C, C_KEY));
        assertEquals(RejectReason.NONE, atB.verify(buffer, 0, sealedBatch(C, C_KEY, TestFrames.link(C, C_KEY, B, B_CURRENT))),
            "C itself is trusted");

        // C's own key pair under A's id and key id: the link key C can agree with B is not A's.
        final NodeKey cAsA = nodeKey(A_CURRENT.keyId(), 0xC1);
        assertEquals(RejectReason.BAD_TAG, atB.verify(buffer, 0, sealedBatch(A, cAsA, TestFrames.link(A, cAsA, B, B_CURRENT))));

        // The keys C shares with A, in either direction: neither is the A-to-B key.
        for (final byte[] key : new byte[][]{
            LinkKeys.sending(C, C_KEY, A, A_CURRENT.peerKey()), LinkKeys.receiving(C, C_KEY, A, A_CURRENT.peerKey()) })
        {
            final int length = sealedBatch(A, A_CURRENT, TestFrames.link(A, A_CURRENT, B, B_CURRENT));
            new HmacSha256Tag(key).sign(buffer, 0, length - FrameHeaderFlyweight.TAG_LENGTH);
            assertEquals(RejectReason.BAD_TAG, atB.verify(buffer, 0, length));
        }

        // A relayed copy of a real A-to-C datagram readdressed to B.
        final int length = sealedBatch(A, A_CURRENT, TestFrames.link(A, A_CURRENT, C, C_KEY));
        header().receiverId(B).receiverKeyId(B_CURRENT.keyId());
        assertEquals(RejectReason.BAD_TAG, atB.verify(buffer, 0, length));
        assertEquals(0, atB.link(A).replayWindow().highest(), "nothing of A's was taken");
    }

    @Test
    void aDatagramReflectedToItsSenderFails()
    {
        final FrameVerifier atA = verifier(A, new NodeKey[]{ A_CURRENT }, B, B_CURRENT);
        final int length = sealedBatch(A, A_CURRENT, TestFrames.link(A, A_CURRENT, B, B_CURRENT));
        assertEquals(RejectReason.WRONG_RECEIVER, atA.verify(buffer, 0, length), "sent back unchanged");

        // Sender and receiver fields swapped, as B would have written them: the B-to-A key is not the A-to-B key.
        header().senderId(B).senderKeyId(B_CURRENT.keyId()).receiverId(A).receiverKeyId(A_CURRENT.keyId());
        assertEquals(RejectReason.BAD_TAG, atA.verify(buffer, 0, length), "sent back with the addresses swapped");
    }

    @Test
    void sealingAgainGivesTheSameBytesAndEachPeersCopyDiffersOnlyInReceiverFieldsAndTag()
    {
        final PeerLink toB = TestFrames.link(A, A_CURRENT, B, B_CURRENT);
        final PeerLink toC = TestFrames.link(A, A_CURRENT, C, C_KEY);
        final int length = sealedBatch(A, A_CURRENT, toB);
        final byte[] forB = copy(length);

        toC.seal(buffer, 0, length);
        final byte[] forC = copy(length);
        toB.seal(buffer, 0, length);
        assertArrayEquals(forB, copy(length), "a retransmission re-sealed for B is the same datagram");

        for (int i = 0; i < length; i++)
        {
            final boolean receiverField = i >= FrameHeaderFlyweight.RECEIVER_ID_OFFSET && i < FrameHeaderFlyweight.HEADER_LENGTH ||
                i == FrameHeaderFlyweight.RECEIVER_KEY_ID_OFFSET;
            if (!receiverField && i < length - FrameHeaderFlyweight.TAG_LENGTH)
            {
                assertEquals(forB[i], forC[i], "byte " + i);
            }
        }
        assertFalse(Arrays.equals(
            Arrays.copyOfRange(forB, length - FrameHeaderFlyweight.TAG_LENGTH, length),
            Arrays.copyOfRange(forC, length - FrameHeaderFlyweight.TAG_LENGTH, length)));
    }

    @Test
    void linksRefuseBadKeysAndIds()
    {
        final PeerKey[] b = { B_CURRENT.peerKey() };
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(A, new NodeKey[0], B, b, new ReplayWindow()));
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(A, new NodeKey[]{ A_CURRENT }, B, new PeerKey[0], new ReplayWindow()));
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(A, new NodeKey[]{ A_CURRENT }, A, b, new ReplayWindow()));
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(A, new NodeKey[]{ A_CURRENT }, 0, b, new ReplayWindow()));
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(A, new NodeKey[]{ A_CURRENT, nodeKey(1, 9) }, B, b, new ReplayWindow()),
            "two own keys with one id");
        assertThrows(IllegalArgumentException.class,
            () -> new PeerLink(A, new NodeKey[]{ A_CURRENT }, B, new PeerKey[]{ B_CURRENT.peerKey(), nodeKey(5, 9).peerKey() }, new ReplayWindow()),
            "two peer keys with one id");
        assertThrows(IllegalArgumentException.class, () -> new FrameVerifier(B).addLink(TestFrames.link(A, A_CURRENT, B, B_CURRENT)),
            "A's side of the link given to B");

        final PeerLink link = new PeerLink(A, new NodeKey[]{ A_CURRENT }, B, new PeerKey[]{ B_CURRENT.peerKey(), B_NEXT.peerKey() },
            new ReplayWindow());
        assertArrayEquals(B_NEXT.publicKey(), link.peerKey(B_NEXT.keyId()).publicKey());
        assertNull(link.peerKey(99));
        final FrameVerifier verifier = new FrameVerifier(A).addLink(link);
        assertSame(link, verifier.link(B));
        assertNull(verifier.link(C));
    }

    private FrameVerifier verifier(final int nodeId, final NodeKey[] own, final int peerId, final NodeKey... peer)
    {
        return new FrameVerifier(nodeId).addLink(new PeerLink(nodeId, own, peerId, publicKeys(peer), new ReplayWindow()));
    }

    private static PeerKey[] publicKeys(final NodeKey[] keys)
    {
        final PeerKey[] publicKeys = new PeerKey[keys.length];
        for (int i = 0; i < keys.length; i++)
        {
            publicKeys[i] = keys[i].peerKey();
        }
        return publicKeys;
    }

    /** A one-record batch from {@code senderId}, signed and stamped with {@code key}, sealed by {@code link}. */
    private int sealedBatch(final int senderId, final NodeKey key, final PeerLink link)
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, sequence);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(TestFrames.prefix("203.0.113.7")).originNodeId(senderId)
            .originSequence(sequence).originTimeMillis(1_764_000_000_000L).durationSeconds(60).reason(ReasonCode.of("ssh"))
            .sign(key);
        final FrameSigner signer = new FrameSigner(senderId, key.keyId(), 1);
        return TestFrames.sealAt(buffer, signer, link, batch.unsealedLength(), sequence++);
    }

    private FrameHeaderFlyweight header()
    {
        return new FrameHeaderFlyweight().wrap(buffer, 0);
    }

    private byte[] copy(final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
