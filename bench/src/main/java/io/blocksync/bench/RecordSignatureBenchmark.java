package io.blocksync.bench;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.ReasonCode;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The origin signatures of protocol 2 through the codec's own calls (BouncyCastle Ed25519, RFC 8032): one record
 * signed ({@link BanRecordFlyweight#sign}, when the ban table fixes a decision) and verified
 * ({@link BanRecordFlyweight#verifySignature}, for a SYNC relayed by a node other than the origin), and the two
 * granularities the design chose between, for {@code bans} = 1, 20 and 10,000 decisions:
 * <ul>
 *   <li>{@code record}: one signature per record, over the 18-byte context and the record's 56 bytes (what
 *   protocol 2 does);</li>
 *   <li>{@code datagram}: one signature per datagram over the context and all its records' 56 bytes, with
 *   {@link #RECORDS_PER_SIGNED_DATAGRAM} records per datagram (1200 bytes less the SYNC header, tag and one 64-byte
 *   signature, in 56-byte records).</li>
 * </ul>
 * An operation covers all {@code bans}: divide by {@code bans} for the cost per ban. Keys and records come from a
 * seeded {@link Random}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
public class RecordSignatureBenchmark
{
    /** (1200 - 48 SYNC header - 16 tag - 64 signature) / 56, rounded down. */
    static final int RECORDS_PER_SIGNED_DATAGRAM =
        (FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH - 48 - FrameHeaderFlyweight.TAG_LENGTH - NodeKey.SIGNATURE_LENGTH) /
        BanRecordFlyweight.SIGNED_LENGTH;

    /** One signed record, its origin's key pair. */
    @State(Scope.Thread)
    public static class OneRecord
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
        final BanRecordFlyweight record = new BanRecordFlyweight();
        NodeKey originKey;
        PeerKey originPublic;

        @Setup
        public void setUp()
        {
            final Random random = new Random(20_261_130L);
            originKey = key(random);
            originPublic = originKey.peerKey();
            final IpPrefix prefix = new IpPrefix();
            AddressText.parse("198.51.100.7", prefix, 32, 64);
            record.wrap(buffer, 0).action(BanRecordFlyweight.ACTION_BAN).prefix(prefix).protocol(6).port(22).originNodeId(1)
                .durationSeconds(3600).originSequence(1).originTimeMillis(1_764_000_000_000L).reason(ReasonCode.of("ssh"))
                .sign(originKey);
        }
    }

    /** {@code bans} decisions as signed messages of the chosen granularity. */
    @State(Scope.Thread)
    public static class Decisions
    {
        @Param({ "1", "20", "10000" })
        public int bans;

        @Param({ "record", "datagram" })
        public String granularity;

        NodeKey originKey;
        PeerKey originPublic;
        byte[][] messages;
        byte[][] signatures;

        @Setup
        public void setUp()
        {
            final Random random = new Random(20_261_130L);
            originKey = key(random);
            originPublic = originKey.peerKey();
            final int perMessage = "record".equals(granularity) ? 1 : RECORDS_PER_SIGNED_DATAGRAM;
            final int count = (bans + perMessage - 1) / perMessage;
            messages = new byte[count][];
            signatures = new byte[count][NodeKey.SIGNATURE_LENGTH];
            for (int i = 0; i < count; i++)
            {
                final int records = Math.min(perMessage, bans - i * perMessage);
                messages[i] = new byte[BanRecordFlyweight.SIGNATURE_CONTEXT.length + records * BanRecordFlyweight.SIGNED_LENGTH];
                random.nextBytes(messages[i]);
                System.arraycopy(BanRecordFlyweight.SIGNATURE_CONTEXT, 0, messages[i], 0, BanRecordFlyweight.SIGNATURE_CONTEXT.length);
                originKey.sign(messages[i], 0, messages[i].length, signatures[i], 0);
            }
        }
    }

    static NodeKey key(final Random random)
    {
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        random.nextBytes(seed);
        return NodeKey.fromSeed(1, seed);
    }

    /** The origin signs one decision, as its ban table does once per decision. */
    @Benchmark
    public BanRecordFlyweight signRecord(final OneRecord state)
    {
        return state.record.sign(state.originKey);
    }

    /** A receiver checks one relayed record against its origin's public key. */
    @Benchmark
    public boolean verifyRecord(final OneRecord state)
    {
        final boolean valid = state.record.verifySignature(state.originPublic);
        if (!valid)
        {
            throw new IllegalStateException("signature does not verify");
        }
        return valid;
    }

    /** Sign every one of {@code bans} decisions at the chosen granularity. */
    @Benchmark
    public byte[] signBans(final Decisions state)
    {
        for (int i = 0; i < state.messages.length; i++)
        {
            state.originKey.sign(state.messages[i], 0, state.messages[i].length, state.signatures[i], 0);
        }
        return state.signatures[0];
    }

    /** Verify every one of {@code bans} decisions at the chosen granularity. */
    @Benchmark
    public int verifyBans(final Decisions state)
    {
        int valid = 0;
        for (int i = 0; i < state.messages.length; i++)
        {
            if (state.originPublic.verify(state.messages[i], 0, state.messages[i].length, state.signatures[i], 0))
            {
                valid++;
            }
        }
        if (valid != state.messages.length)
        {
            throw new IllegalStateException((state.messages.length - valid) + " signatures do not verify");
        }
        return valid;
    }
}
