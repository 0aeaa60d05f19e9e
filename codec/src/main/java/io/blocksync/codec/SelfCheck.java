package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * Seals a sample ban datagram, verifies and decodes it, and shows that a flipped bit, a replay and a foreign key
 * are all refused. Exit status 0 only when every check behaves. README's first command runs this.
 */
public final class SelfCheck
{
    private static final byte[] DEMO_KEY = "blocksync-self-check-demo-key-32".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

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

        final FrameSigner signer = new FrameSigner(1, 1, DEMO_KEY, 1);
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix)
            .protocol(6)
            .port(22)
            .originNodeId(1)
            .durationSeconds(3600)
            .originSequence(1)
            .originTimeMillis(System.currentTimeMillis())
            .reason(ReasonCode.of("ssh"));
        final int length = signer.seal(buffer, 0, batch.unsealedLength());

        out.println("BlockSync codec self-check (wire protocol version " + FrameHeaderFlyweight.CURRENT_VERSION + ")");
        out.println("sealed a BATCH datagram of " + length + " bytes (limit " + FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH +
            ", up to " + BatchFrameFlyweight.MAX_RECORDS + " records per datagram):");
        hexDump(buffer, length);

        final FrameVerifier verifier = new FrameVerifier().addSender(new SenderKeys(1).addKey(1, DEMO_KEY));
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

        final int nextLength = signer.seal(buffer, 0, batch.unsealedLength());
        buffer.putByte(BatchFrameFlyweight.RECORDS_OFFSET + BanRecordFlyweight.ADDRESS_OFFSET + 3, (byte)2);
        expect("a fresh datagram with one address byte changed", RejectReason.BAD_TAG, verifier.verify(buffer, 0, nextLength));

        final FrameSigner stranger = new FrameSigner(1, 1, "another-key-that-nobody-trusts-!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 100);
        expect("a datagram signed with a foreign key", RejectReason.BAD_TAG,
            verifier.verify(buffer, 0, stranger.seal(buffer, 0, batch.unsealedLength())));

        out.println(failures == 0 ? "self-check passed" : "self-check FAILED: " + failures + " check(s)");
        return failures == 0 ? 0 : 1;
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
