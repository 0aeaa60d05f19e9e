package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * Node 1 signs a sample ban and seals it for node 2; node 2 verifies and decodes it, and shows that a flipped bit, a
 * replay, a third node posing as node 1 and a relayer's altered record are all refused. Exit status 0 only when
 * every check behaves. README's first command runs this.
 */
public final class SelfCheck
{
    private static final NodeKey NODE_1 = demoKey("blocksync self-check node one...");
    private static final NodeKey NODE_2 = demoKey("blocksync self-check node two...");
    private static final NodeKey NODE_3 = demoKey("blocksync self-check node three.");

    private final PrintStream out;
    private int failures;

    SelfCheck(final PrintStream out)
    {
        this.out = out;
    }

    public static void main(final String[] args)
    {
        System.exit(new SelfCheck(System.out).run());
    }

    int run()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH));
        final IpPrefix prefix = new IpPrefix();
        AddressText.parse("192.0.2.1", prefix, 32, 64);

        final FrameSigner signer = new FrameSigner(1, 1, 1);
        final PeerLink toNode2 = link(1, NODE_1, 2, NODE_2);
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix)
            .protocol(6)
            .port(22)
            .originNodeId(1)
            .durationSeconds(3600)
            .originSequence(1)
            .originTimeMillis(System.currentTimeMillis())
            .reason(ReasonCode.of("sshd-ddos"))
            .sign(NODE_1);
        final int length = signer.stamp(buffer, 0, batch.unsealedLength());
        toNode2.seal(buffer, 0, length);

        out.println("BlockSync codec self-check (wire protocol version " + FrameHeaderFlyweight.CURRENT_VERSION + ")");
        out.println("sealed a BATCH datagram of " + length + " bytes (limit " + FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH +
            ", up to " + BatchFrameFlyweight.MAX_RECORDS + " records per datagram):");
        hexDump(buffer, length);

        final PeerLink node1AtNode2 = link(2, NODE_2, 1, NODE_1);
        final FrameVerifier verifier = new FrameVerifier(2).addLink(node1AtNode2).addLink(link(2, NODE_2, 3, NODE_3));
        expect("verify the datagram", RejectReason.NONE, verifier.verify(buffer, 0, length));

        final BanRecordFlyweight record = new BatchFrameFlyweight().wrap(buffer, 0).record(0);
        final StringBuilder decoded = new StringBuilder("decoded: ")
            .append(record.action() == BanRecordFlyweight.ACTION_BAN ? "BAN " : "UNBAN ")
            .append(AddressText.format(record.getPrefix(new IpPrefix())))
            .append(" proto ").append(record.protocol())
            .append(" port ").append(record.port())
            .append(" for ").append(record.durationSeconds()).append(" s")
            .append(" reason ");
        out.println(record.appendReason(decoded).append(" origin ").append(record.originNodeId()));

        expect("the same datagram again", RejectReason.REPLAY, verifier.verify(buffer, 0, length));
        expectTrue("node 1's signature of the record, checked with its public key",
            record.verifySignature(node1AtNode2.peerKey(record.originKeyId())));

        final int nextLength = signer.stamp(buffer, 0, batch.unsealedLength());
        toNode2.seal(buffer, 0, nextLength);
        buffer.putByte(BatchFrameFlyweight.RECORDS_OFFSET + BanRecordFlyweight.ADDRESS_OFFSET + 3, (byte)2);
        expect("a fresh datagram with one address byte changed", RejectReason.BAD_TAG, verifier.verify(buffer, 0, nextLength));
        expectTrue("the changed record's signature is refused too",
            !record.verifySignature(node1AtNode2.peerKey(record.originKeyId())));

        // Node 3 is trusted by node 2, knows node 1's public key, and writes node 1's id as the sender.
        final FrameSigner impostor = new FrameSigner(1, 1, 100);
        final int forgedLength = impostor.stamp(buffer, 0, batch.unsealedLength());
        link(3, NODE_3, 2, NODE_2).seal(buffer, 0, forgedLength);
        expect("node 3 posing as node 1", RejectReason.BAD_TAG, verifier.verify(buffer, 0, forgedLength));

        out.println(failures == 0 ? "self-check passed" : "self-check FAILED: " + failures + " check(s)");
        return failures == 0 ? 0 : 1;
    }

    private static NodeKey demoKey(final String seed)
    {
        return NodeKey.fromSeed(1, seed.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static PeerLink link(final int nodeId, final NodeKey own, final int peerId, final NodeKey peer)
    {
        return new PeerLink(nodeId, new NodeKey[]{own}, peerId, new PeerKey[]{peer.peerKey()}, new ReplayWindow());
    }

    private void expectTrue(final String what, final boolean ok)
    {
        out.println((ok ? "ok    " : "FAIL  ") + what);
        if (!ok)
        {
            failures++;
        }
    }

    private void expect(final String what, final int expected, final int actual)
    {
        final boolean ok = expected == actual;
        out.println((ok ? "ok    " : "FAIL  ") + what + ": " + (actual == RejectReason.NONE ? "accepted" : "rejected as " + RejectReason.name(actual)));
        if (!ok)
        {
            failures++;
        }
    }

    private void hexDump(final UnsafeBuffer buffer, final int length)
    {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < length; i += 16)
        {
            line.setLength(0);
            line.append(String.format("  %04x ", i));
            for (int j = i; j < Math.min(i + 16, length); j++)
            {
                line.append(String.format(" %02x", buffer.getByte(j) & 0xFF));
            }
            out.println(line);
        }
    }
}
