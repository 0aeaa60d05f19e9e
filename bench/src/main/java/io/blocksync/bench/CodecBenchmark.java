package io.blocksync.bench;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReasonCode;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.ReplayWindow;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The codec's share of the hot path (protocol 2): a BATCH built from stored bans (each carrying its origin signature,
 * copied, never computed here), stamped once and sealed for one peer with the link key (encode + HMAC), and a received
 * one verified (receiver, link and key lookup, HMAC, replay window, structure of every record) then decoded (every
 * field read, the signature copied out as the store keeps it). {@code records} 1 is a lone ban, the latency case;
 * the other value is a full datagram, {@link BatchFrameFlyweight#MAX_RECORDS} (7 records of 160 bytes in 1200 bytes,
 * protocol 3), taken from the codec so that it cannot drift from the record size again. Origin signing and verifying are
 * {@link RecordSignatureBenchmark}. Keys come from a seeded {@link Random}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
public class CodecBenchmark
{
    private static final int SENDER_ID = 1;
    private static final int RECEIVER_ID = 2;
    private static final int POOL_SIZE = 4096;

    @Param({ "1", "" + BatchFrameFlyweight.MAX_RECORDS })
    public int records;

    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private final BatchFrameFlyweight encoder = new BatchFrameFlyweight();
    private final BatchFrameFlyweight decoder = new BatchFrameFlyweight();
    private final Ban[] bans = { new Ban(), new Ban() };
    private final byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];
    private FrameSigner signer;
    private PeerLink toReceiver;
    private FrameVerifier verifier;
    private ReplayWindow replayWindow;
    private UnsafeBuffer[] received;
    private int[] receivedLengths;
    private long streamSequence;
    private int next;

    @Setup
    public void setUp()
    {
        final Random random = new Random(20_261_130L);
        final NodeKey sender = key(1, random);
        final NodeKey receiver = key(1, random);
        signer = new FrameSigner(SENDER_ID, sender.keyId(), 1);
        toReceiver = new PeerLink(SENDER_ID, new NodeKey[]{ sender }, RECEIVER_ID, new PeerKey[]{ receiver.peerKey() }, new ReplayWindow());
        final PeerLink fromSender =
            new PeerLink(RECEIVER_ID, new NodeKey[]{ receiver }, SENDER_ID, new PeerKey[]{ sender.peerKey() }, new ReplayWindow());
        verifier = new FrameVerifier(RECEIVER_ID).addLink(fromSender);
        replayWindow = fromSender.replayWindow();

        // Two stored decisions, IPv4 and IPv6, each signed once by their origin as the ban table does.
        final String[] prefixes = { "198.51.100.7", "2001:db8:bad::/64" };
        final UnsafeBuffer recordBuffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
        for (int i = 0; i < bans.length; i++)
        {
            AddressText.parse(prefixes[i], bans[i].prefix(), 32, 64);
            bans[i].action(BanAction.BAN).protocol(6).port(22).originNodeId(SENDER_ID).durationSeconds(3600)
                .originSequence(i + 1).originTimeMillis(1_764_000_000_000L).reason(ReasonCode.of("ssh").id());
            new BanRecordFlyweight().wrap(recordBuffer, 0).set(bans[i]).sign(sender).get(bans[i]);
        }

        // Distinct, increasing packet sequences so every verify passes the replay window like live traffic.
        final FrameSigner poolSigner = new FrameSigner(SENDER_ID, sender.keyId(), 1);
        received = new UnsafeBuffer[POOL_SIZE];
        receivedLengths = new int[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++)
        {
            received[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            receivedLengths[i] = encodeBatch(received[i], poolSigner, i + 1);
        }
    }

    private static NodeKey key(final int keyId, final Random random)
    {
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        random.nextBytes(seed);
        return NodeKey.fromSeed(keyId, seed);
    }

    /** The sending side of a ban: encode the batch from stored bans, stamp it once, seal it for one peer. */
    @Benchmark
    public int stampAndSeal()
    {
        return encodeBatch(sendBuffer, signer, ++streamSequence);
    }

    /** What each further peer costs: seal the same stamped frame again (receiver fields and tag). */
    @Benchmark
    public int sealForOnePeer()
    {
        final int length = BatchFrameFlyweight.frameLength(records);
        toReceiver.seal(received[0], 0, length);
        return length;
    }

    @Benchmark
    public long verifyAndDecode()
    {
        final int index = next++ & (POOL_SIZE - 1);
        if (index == 0)
        {
            // The pool's sequences start again at 1: a fresh window, as for a newly met sender.
            replayWindow.reset(0);
        }

        final UnsafeBuffer buffer = received[index];
        final int result = verifier.verify(buffer, 0, receivedLengths[index]);
        if (result != RejectReason.NONE)
        {
            throw new IllegalStateException(RejectReason.name(result));
        }

        decoder.wrap(buffer, 0);
        long sum = decoder.streamSequence();
        for (int i = 0, count = decoder.recordCount(); i < count; i++)
        {
            final BanRecordFlyweight record = decoder.record(i);
            record.getSignature(signature);
            sum += record.action() + record.family() + record.prefixLength() + record.addressByte(0) +
                record.protocol() + record.port() + record.originNodeId() + record.durationSeconds() +
                record.originSequence() + record.originTimeMillis() + record.reasonWord(0) + record.originKeyId() + signature[0];
        }
        return sum;
    }

    private int encodeBatch(final UnsafeBuffer buffer, final FrameSigner frameSigner, final long sequence)
    {
        encoder.begin(buffer, 0, sequence);
        for (int i = 0; i < records; i++)
        {
            encoder.appendRecord(BanRecordFlyweight.ACTION_BAN).set(bans[i & 1]);
        }
        final int length = frameSigner.stamp(buffer, 0, encoder.unsealedLength());
        toReceiver.seal(buffer, 0, length);
        return length;
    }
}
