package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import static io.blocksync.codec.ProtocolVectors.hex;
import static io.blocksync.codec.ProtocolVectors.nodeKey;
import static io.blocksync.codec.ProtocolVectors.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GROUP_BATCH (type 7) and NAK (type 8) against the vectors of docs/PROTOCOL.md, "Multicast": encoded byte for byte,
 * the group signature checked with the JDK's own Ed25519 and the NAK tag with the JDK's HMAC, and {@link GroupVerifier}
 * refusing each way a group datagram can be wrong, forged by another member included.
 */
final class GroupFramesTest
{
    static final String GROUP_BATCH_HEX =
        "030701000801010001406241594406000100000000000000010000000000000001000000000000000104200616000100" +
        "01000000100e0000010000000000000000e897b69a010000c0000201000000000000000000000000000000e897b69a01" +
        "7373680000000000000000000000000000000000000000000000000000000000000000000000000070a415eef49db023" +
        "cca9585486f2682da7a0f2ddfd265507f7244c86517295b95f9469a8ec2edef5b801c9cd684bc6db643e281573e9174c" +
        "f8ae0b9534db6c0454388d887fb19d066dfa741c1ce6bc96303764934bdc9f464412abbe9dd5644f89d53855e7d35ed8" +
        "62c381b40ee451d0f80cd8918ef6e6a2f211f50985112f00";
    static final String NAK_HEX = "03080201400000008b130000000000000200000001000000010000000000000002000000000000000500000000000000483830365f84110d2809bc7ed997b899";

    private static final Path PROTOCOL_DOC = Path.of("../docs/PROTOCOL.md");
    private static final String ED25519_SPKI = "302a300506032b6570032100";
    /** Node 2 to node 1's link key, as listed in docs/PROTOCOL.md's vectors. */
    private static final String LINK_KEY_2_TO_1 = "c83b6ae1fbdc504ae3a51e96a1f257349c3754f5f66ef9cc0d2ff5a1c1279840";

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH]);

    /** Node 1's first group batch: the record of vector batch-one-ipv4-ban, group sequence 1. */
    static int groupBatch(final UnsafeBuffer buffer, final NodeKey key, final int senderId, final long groupSequence, final long packetSequence)
    {
        final GroupBatchFrameFlyweight frame = new GroupBatchFrameFlyweight().begin(buffer, 0, groupSequence);
        frame.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(TestFrames.prefix("192.0.2.1/32"))
            .protocol(6)
            .port(22)
            .originNodeId(senderId)
            .durationSeconds(3600)
            .originSequence(groupSequence)
            .originTimeMillis(1764000000000L)
            .version(1764000000000L << 16)
            .reason(ReasonCode.of("ssh"))
            .sign(key);
        frame.oldestRetained(1);
        final int length = new FrameSigner(senderId, key.keyId(), 1).stampGroup(buffer, 0, frame.unsignedLength(), packetSequence);
        frame.sign(key);
        return length;
    }

    static int nak(final UnsafeBuffer buffer, final long sequence, final long firstMissing, final long bitmap)
    {
        new NakFrameFlyweight().begin(buffer, 0).groupSenderId(1).firstMissing(firstMissing).missingBitmap(bitmap);
        final int length = new FrameSigner(2, 2, 1).stamp(buffer, 0, NakFrameFlyweight.UNSEALED_LENGTH, sequence);
        new PeerLink(2, new NodeKey[]{ nodeKey(2) }, 1, new PeerKey[]{ nodeKey(1).peerKey() }, new ReplayWindow())
            .seal(buffer, 0, length);
        return length;
    }

    @Test
    void groupBatchVectorIsEncodedByteForByteAndSignedAsDocumented() throws Exception
    {
        final int length = groupBatch(buffer, nodeKey(1), 1, 1, 1764000000000001L);
        assertEquals(264, length);
        final byte[] datagram = Arrays.copyOf(buffer.byteArray(), length);
        System.out.println("group-batch " + hex(datagram, 0, length));
        assertEquals(GROUP_BATCH_HEX, hex(datagram, 0, length));

        final byte[] message = new byte[GroupBatchFrameFlyweight.SIGNATURE_CONTEXT.length + length - 64];
        System.arraycopy("blocksync/4 group".getBytes(StandardCharsets.US_ASCII), 0, message, 0, 17);
        System.arraycopy(datagram, 0, message, 17, length - 64);
        final Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(
            new X509EncodedKeySpec(unhex(ED25519_SPKI + hex(nodeKey(1).publicKey(), 0, 32)))));
        verify.update(message);
        assertTrue(verify.verify(Arrays.copyOfRange(datagram, length - 64, length)), "JDK Ed25519 checks the group signature");

        final String doc = Files.readString(PROTOCOL_DOC).replaceAll("\\s", "");
        assertTrue(doc.contains(GROUP_BATCH_HEX), "docs/PROTOCOL.md lists the group-batch vector");
    }

    @Test
    void nakVectorIsEncodedByteForByteUnderTheLinkTag() throws Exception
    {
        final int length = nak(buffer, 5003, 2, 0b101);
        assertEquals(NakFrameFlyweight.FRAME_LENGTH, length);
        final byte[] datagram = Arrays.copyOf(buffer.byteArray(), length);
        System.out.println("nak " + hex(datagram, 0, length));
        assertEquals(NAK_HEX, hex(datagram, 0, length));

        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(unhex(LINK_KEY_2_TO_1), "HmacSHA256"));
        mac.update(datagram, 0, length - 16);
        assertArrayEquals(Arrays.copyOf(mac.doFinal(), 16), Arrays.copyOfRange(datagram, length - 16, length), "JDK HMAC tag");

        final String doc = Files.readString(PROTOCOL_DOC).replaceAll("\\s", "");
        assertTrue(doc.contains(NAK_HEX), "docs/PROTOCOL.md lists the nak vector");

        final FrameVerifier verifier = new FrameVerifier(1).addLink(
            new PeerLink(1, new NodeKey[]{ nodeKey(1) }, 2, new PeerKey[]{ nodeKey(2).peerKey() }, new ReplayWindow()));
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));
        final NakFrameFlyweight nak = new NakFrameFlyweight().wrap(buffer, 0);
        assertEquals(1, nak.groupSenderId());
        assertEquals(2, nak.firstMissing());
        assertEquals(0b101, nak.missingBitmap());

        nak(buffer, 5004, 2, 0b100);
        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, length), "bit 0 (first_missing itself) must be set");
    }

    @Test
    void groupVerifierTakesAMembersFrameOnceAndRefusesForgeries()
    {
        final GroupVerifier verifier = new GroupVerifier(2).addMember(1, nodeKey(1).peerKey()).addMember(3, nodeKey(3).peerKey());
        int length = groupBatch(buffer, nodeKey(1), 1, 1, 100);
        assertEquals(RejectReason.NONE, verifier.check(buffer, 0, length));
        verifier.acceptLast();
        assertEquals(RejectReason.REPLAY, verifier.check(buffer, 0, length), "the same datagram again");

        // Member 3 signs a frame claiming to be member 1: its key is not member 1's.
        length = groupBatch(buffer, NodeKey.fromSeed(1, ProtocolVectors.seed(3)), 1, 2, 101);
        assertEquals(RejectReason.BAD_TAG, verifier.check(buffer, 0, length), "member 3 forging member 1");

        length = groupBatch(buffer, nodeKey(1), 1, 2, 102);
        buffer.putByte(60, (byte)(buffer.getByte(60) ^ 1));
        assertEquals(RejectReason.BAD_TAG, verifier.check(buffer, 0, length), "one bit changed");

        length = groupBatch(buffer, nodeKey(1), 1, 2, 103);
        buffer.putInt(20, 2);
        assertEquals(RejectReason.WRONG_RECEIVER, verifier.check(buffer, 0, length), "addressed to a node, not the group");

        length = groupBatch(buffer, nodeKey(2), 2, 2, 104);
        assertEquals(RejectReason.UNKNOWN_SENDER, verifier.check(buffer, 0, length), "this node's own, looped back");
        length = groupBatch(buffer, NodeKey.fromSeed(9, ProtocolVectors.seed(3)), 9, 2, 105);
        assertEquals(RejectReason.UNKNOWN_SENDER, verifier.check(buffer, 0, length), "not a member: nothing allocated for it");
        assertFalse(verifier.isMember(9));

        length = groupBatch(buffer, NodeKey.fromSeed(7, ProtocolVectors.seed(1)), 1, 2, 106);
        assertEquals(RejectReason.UNKNOWN_KEY, verifier.check(buffer, 0, length), "key id 7 is not configured for member 1");

        assertEquals(RejectReason.BAD_LENGTH, verifier.check(buffer, 0, 150));

        // Authentic but malformed: oldest retained beyond the group sequence, signed by member 1.
        final GroupBatchFrameFlyweight frame = new GroupBatchFrameFlyweight();
        length = groupBatch(buffer, nodeKey(1), 1, 3, 107);
        frame.wrap(buffer, 0).oldestRetained(4);
        frame.sign(nodeKey(1));
        assertEquals(RejectReason.MALFORMED, verifier.check(buffer, 0, length));

        // A group frame reaching the unicast gate stops at its receiver id.
        final FrameVerifier unicast = new FrameVerifier(2).addLink(
            new PeerLink(2, new NodeKey[]{ nodeKey(2) }, 1, new PeerKey[]{ nodeKey(1).peerKey() }, new ReplayWindow()));
        length = groupBatch(buffer, nodeKey(1), 1, 4, 108);
        assertEquals(RejectReason.WRONG_RECEIVER, unicast.verify(buffer, 0, length));
    }

    @Test
    void aReplayedOrStaleGroupDatagramCostsNoSignatureCheck()
    {
        final GroupVerifier verifier = new GroupVerifier(2).addMember(1, nodeKey(1).peerKey());
        final int length = groupBatch(buffer, nodeKey(1), 1, 1, 10_000);
        assertEquals(RejectReason.NONE, verifier.check(buffer, 0, length));
        verifier.acceptLast();
        assertEquals(1, verifier.signatureChecks());
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(RejectReason.REPLAY, verifier.check(buffer, 0, length), "replay " + i);
        }
        // A forgery under the replayed packet sequence: refused as a replay, before its signature is read.
        buffer.putByte(length - 1, (byte)(buffer.getByte(length - 1) ^ 1));
        assertEquals(RejectReason.REPLAY, verifier.check(buffer, 0, length));
        final int stale = groupBatch(buffer, nodeKey(1), 1, 2, 10_000 - ReplayWindow.WINDOW_SIZE - 64);
        assertEquals(RejectReason.TOO_OLD, verifier.check(buffer, 0, stale), "left of the window");
        assertEquals(1, verifier.signatureChecks(), "no Ed25519 verification for a replayed or stale datagram");

        // A forgery under a fresh sequence costs one check and moves no window: the authentic datagram is still taken.
        final int forged = groupBatch(buffer, NodeKey.fromSeed(1, ProtocolVectors.seed(3)), 1, 2, 10_001);
        assertEquals(RejectReason.BAD_TAG, verifier.check(buffer, 0, forged));
        final int fresh = groupBatch(buffer, nodeKey(1), 1, 2, 10_001);
        assertEquals(RejectReason.NONE, verifier.check(buffer, 0, fresh));
        assertEquals(3, verifier.signatureChecks());
    }

    @Test
    void aGroupBatchHoldsSixRecordsInOneDatagram()
    {
        assertEquals(6, GroupBatchFrameFlyweight.MAX_RECORDS);
        assertEquals(1064, GroupBatchFrameFlyweight.frameLength(6));
        assertTrue(GroupBatchFrameFlyweight.frameLength(7) > FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
    }
}
