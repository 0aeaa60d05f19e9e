package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.GroupBatchFrameFlyweight;
import io.blocksync.codec.GroupVerifier;
import io.blocksync.codec.NakFrameFlyweight;
import io.blocksync.codec.RejectReason;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The member side of the multicast group (docs/PROTOCOL.md, "Multicast"): drains the group socket, puts every
 * datagram through the {@link GroupVerifier} (signature, group replay window, structure; each refusal counted), hands
 * the records of each new group batch to the {@link StreamReceiver} as a BATCH's, and asks each sender for what it
 * lacks by NAK: at once when a hole appears, again every {@link #NAK_INTERVAL_NANOS}, at most {@link #MAX_NAKS} times
 * per hole, after which it gives the hole up (its records come by SYNC, driven by heartbeats). State exists only for
 * the configured members (a {@link MemberStream} each, made at start).
 */
public final class GroupReceiver
{
    static final long NAK_INTERVAL_NANOS = 20_000_000L;
    static final int MAX_NAKS = 8;
    /**
     * A jump further than this, forward or back, is a new epoch of the sender's group stream (it restarted, with its
     * clock ahead or behind): rejoin, nothing skipped. Repairs and copies lie within the sender's ring of
     * {@link GroupSender#RETAINED} below its newest, far inside it.
     */
    static final long EPOCH_JUMP = 1L << 20;
    private static final int MAX_DATAGRAMS_PER_POLL = 256;

    private final int nodeId;
    private final GroupChannel channel;
    private final GroupVerifier verifier;
    private final StreamReceiver streamReceiver;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final Int2ObjectHashMap<MemberStream> streams = new Int2ObjectHashMap<>();
    private final MemberStream[] members;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final GroupBatchFrameFlyweight frame = new GroupBatchFrameFlyweight();
    private final NakFrameFlyweight nak = new NakFrameFlyweight();
    private final UnsafeBuffer nakFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(NakFrameFlyweight.FRAME_LENGTH, 64));
    private final ByteBuffer nakView = nakFrame.byteBuffer().duplicate();

    /** @param verifier holds the public keys of every member peer (and only those). */
    public GroupReceiver(
        final NodeContext context, final GroupChannel channel, final GroupVerifier verifier, final StreamReceiver streamReceiver)
    {
        this.nodeId = context.nodeId();
        this.channel = channel;
        this.verifier = verifier;
        this.streamReceiver = streamReceiver;
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
        for (final Peer peer : context.peers())
        {
            if (peer.groupMember())
            {
                streams.put(peer.nodeId(), new MemberStream(peer));
            }
        }
        members = streams.values().toArray(new MemberStream[0]);
    }

    /** What this member holds of one sender's group stream. */
    public MemberStream stream(final int senderId)
    {
        return streams.get(senderId);
    }

    /**
     * @return datagrams processed.
     */
    public int poll(final long nowNanos, final long nowMillis) throws IOException
    {
        int received = 0;
        int length;
        while (received < MAX_DATAGRAMS_PER_POLL && (length = channel.receive()) >= 0)
        {
            received++;
            onDatagram(channel.receiveBuffer(), length, nowNanos, nowMillis);
        }
        return received;
    }

    void onDatagram(final UnsafeBuffer buffer, final int length, final long nowNanos, final long nowMillis)
    {
        if (length >= FrameHeaderFlyweight.HEADER_LENGTH && header.wrap(buffer, 0).senderId() == nodeId &&
            header.type() == io.blocksync.codec.FrameType.GROUP_BATCH)
        {
            // Our own, looped back to the host (or forged in our name): nothing to check; counted, not verified.
            counters.groupDatagramsOwn.incrementRelease();
            return;
        }
        final int result = verifier.check(buffer, 0, length);
        if (result != RejectReason.NONE)
        {
            count(result);
            return;
        }
        verifier.acceptLast();
        header.wrap(buffer, 0);
        final MemberStream stream = streams.get(header.senderId());
        if (null == stream)
        {
            // A member of the verifier without a peer: cannot happen when both come from one config.
            counters.groupRejectedUnauthentic.incrementRelease();
            return;
        }
        frame.wrap(buffer, 0);
        final long sequence = frame.groupSequence();
        final long oldest = frame.oldestRetained();
        if (!stream.joined || oldest - stream.cumulative > EPOCH_JUMP || stream.cumulative - sequence > EPOCH_JUMP)
        {
            // Join where the stream is now (a late joiner, or the sender restarted, its clock ahead or behind): what came
            // before comes by SYNC. A datagram of an older run replayed after our restart joins it at worst until the
            // sender's next datagram: its packet sequence is fresh only once, and its records are below our marks.
            stream.joined = true;
            stream.cumulative = sequence - 1;
            stream.received = 0;
            stream.nakCount = 0;
        }
        if (oldest - 1 > stream.cumulative)
        {
            stream.skipTo(oldest - 1);
            counters.groupGapsSkipped.incrementRelease();
        }
        if (sequence <= stream.cumulative || stream.has(sequence))
        {
            // A repair another member asked for, or a copy: already taken.
            counters.groupRejectedReplay.incrementRelease();
            return;
        }
        if (sequence - stream.cumulative > NakFrameFlyweight.RANGE)
        {
            stream.skipTo(sequence - 1);
            counters.groupGapsSkipped.incrementRelease();
        }
        if (!streamReceiver.onGroupBatch(stream.peer, frame, nowMillis))
        {
            return;
        }
        counters.groupBatchesReceived.incrementRelease();
        final boolean hadHole = stream.received != 0;
        stream.mark(sequence);
        if (!hadHole && stream.received != 0)
        {
            // A hole just opened: ask at once (the next interval asks again).
            stream.nextNakNanos = nowNanos;
        }
    }

    /**
     * Send the NAKs that are due; give up on a hole NAKed {@link #MAX_NAKS} times.
     *
     * @return NAKs sent.
     */
    public int sendNaks(final long nowNanos)
    {
        int sent = 0;
        for (final MemberStream stream : members)
        {
            if (stream.received == 0 || nowNanos < stream.nextNakNanos)
            {
                continue;
            }
            if (stream.nakCount >= MAX_NAKS)
            {
                // Not coming: move past the first hole; its records come by SYNC.
                stream.skipTo(stream.cumulative + Long.numberOfTrailingZeros(stream.received));
                counters.groupGapsSkipped.incrementRelease();
                if (stream.received == 0)
                {
                    continue;
                }
            }
            final long missing = ~stream.received & (Long.highestOneBit(stream.received) - 1);
            nak.begin(nakFrame, 0).groupSenderId(stream.peer.nodeId()).firstMissing(stream.cumulative + 1).missingBitmap(missing);
            final int length = sealer.stamp(nakFrame, 0, NakFrameFlyweight.UNSEALED_LENGTH);
            stream.peer.link().seal(nakFrame, 0, length);
            transport.send(nakView, 0, length, stream.peer.address());
            counters.groupNaksSent.incrementRelease();
            stream.nakCount++;
            stream.nextNakNanos = nowNanos + NAK_INTERVAL_NANOS;
            sent++;
        }
        return sent;
    }

    /** The earliest NAK due, for the idle wait; {@code Long.MAX_VALUE} when no hole is open. */
    public long nextDeadlineNanos()
    {
        long deadline = Long.MAX_VALUE;
        for (final MemberStream stream : members)
        {
            if (stream.received != 0)
            {
                deadline = Math.min(deadline, stream.nextNakNanos);
            }
        }
        return deadline;
    }

    private void count(final int reason)
    {
        switch (reason)
        {
            case RejectReason.UNKNOWN_SENDER:
            case RejectReason.UNKNOWN_KEY:
            case RejectReason.BAD_TAG:
                counters.groupRejectedUnauthentic.incrementRelease();
                break;
            case RejectReason.REPLAY:
            case RejectReason.TOO_OLD:
                counters.groupRejectedReplay.incrementRelease();
                break;
            default:
                counters.groupRejectedInvalid.incrementRelease();
                break;
        }
    }

    /**
     * One sender's group stream as this member has it: every group sequence up to {@link #cumulative()} is had, and
     * bit i of the received bitmap says whether {@code cumulative + 1 + i} is. Written by {@link GroupReceiver} alone.
     */
    public static final class MemberStream
    {
        private final Peer peer;
        private boolean joined;
        private long cumulative;
        private long received;
        private int nakCount;
        private long nextNakNanos;

        MemberStream(final Peer peer)
        {
            this.peer = peer;
        }

        public boolean joined()
        {
            return joined;
        }

        public long cumulative()
        {
            return cumulative;
        }

        /** Whether a hole is open: a later group batch is had while {@code cumulative + 1} is not. */
        public boolean hasHole()
        {
            return received != 0;
        }

        boolean has(final long sequence)
        {
            final long index = sequence - cumulative - 1;
            return index >= 0 && index < 64 && (received & (1L << index)) != 0;
        }

        void mark(final long sequence)
        {
            received |= 1L << (sequence - cumulative - 1);
            advance();
        }

        /** Take everything up to {@code to} as settled, had or not. */
        void skipTo(final long to)
        {
            final long shift = to - cumulative;
            if (shift <= 0)
            {
                return;
            }
            received = shift >= 64 ? 0 : received >>> shift;
            cumulative = to;
            nakCount = 0;
            advance();
        }

        private void advance()
        {
            while ((received & 1L) != 0)
            {
                received >>>= 1;
                cumulative++;
                nakCount = 0;
            }
        }
    }
}
