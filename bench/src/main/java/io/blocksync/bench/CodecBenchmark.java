package io.blocksync.bench;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.ReplayWindow;
import io.blocksync.codec.SenderKeys;
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
import java.util.concurrent.TimeUnit;

/**
 * The codec's share of the hot path: sealing a batch for sending (encode + HMAC), and verifying then decoding a
 * received one (HMAC + replay window + structure check + reading every field).
 * {@code records} 1 is a lone ban, the latency case; the maximum is a full 1200-byte burst datagram.
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
    private static final int KEY_ID = 1;
    private static final int POOL_SIZE = 4096;

    @Param({ "1", "20" })
    public int records;

    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private final BatchFrameFlyweight encoder = new BatchFrameFlyweight();
    private final BatchFrameFlyweight decoder = new BatchFrameFlyweight();
    private final IpPrefix ipv4 = new IpPrefix();
    private final IpPrefix ipv6 = new IpPrefix();
    private final ReasonCode reason = ReasonCode.of("ssh");
    private FrameSigner signer;
    private FrameVerifier verifier;
    private ReplayWindow replayWindow;
    private UnsafeBuffer[] received;
    private int[] receivedLengths;
    private long streamSequence;
    private int next;

    @Setup
    public void setUp()
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)i;
        }
        AddressText.parse("198.51.100.7", ipv4, 32, 64);
        AddressText.parse("2001:db8:bad::/64", ipv6, 32, 64);
        signer = new FrameSigner(SENDER_ID, KEY_ID, key, 1);
        final SenderKeys sender = new SenderKeys(SENDER_ID).addKey(KEY_ID, key);
        verifier = new FrameVerifier().addSender(sender);
        replayWindow = sender.replayWindow();

        // Distinct, increasing packet sequences so every verify passes the replay window like live traffic.
        final FrameSigner poolSigner = new FrameSigner(SENDER_ID, KEY_ID, key, 1);
        received = new UnsafeBuffer[POOL_SIZE];
        receivedLengths = new int[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++)
        {
            received[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            receivedLengths[i] = encodeBatch(received[i], poolSigner, i + 1);
        }
    }

    @Benchmark
    public int signAndEncode()
    {
        return encodeBatch(sendBuffer, signer, ++streamSequence);
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
            sum += record.action() + record.family() + record.prefixLength() + record.addressByte(0) +
                record.protocol() + record.port() + record.originNodeId() + record.durationSeconds() +
                record.originSequence() + record.originTimeMillis() + record.reasonPacked();
        }
        return sum;
    }

    private int encodeBatch(final UnsafeBuffer buffer, final FrameSigner frameSigner, final long sequence)
    {
        encoder.begin(buffer, 0, sequence);
        for (int i = 0; i < records; i++)
        {
            encoder.appendRecord(BanRecordFlyweight.ACTION_BAN)
                .prefix((i & 1) == 0 ? ipv4 : ipv6)
                .protocol(6)
                .port(22)
                .originNodeId(SENDER_ID)
                .durationSeconds(3600)
                .originSequence(sequence * 32 + i)
                .originTimeMillis(1_764_000_000_000L + sequence)
                .reason(reason);
        }
        return frameSigner.seal(buffer, 0, encoder.unsealedLength());
    }
}
