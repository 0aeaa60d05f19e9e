package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.GroupBatchFrameFlyweight;
import io.blocksync.codec.NakFrameFlyweight;
import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanTableListener;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * This node's group stream (docs/PROTOCOL.md, "Multicast"): its own decisions, packed up to six per GROUP_BATCH,
 * stamped, Ed25519-signed and multicast once for every member. The last {@link #RETAINED} group batches are kept in a
 * ring so that a member's NAK is answered by multicasting them again (restamped and signed afresh, so every member
 * that lacked them takes the repair); nothing waits for acknowledgements, so the ring simply wraps, and each send
 * states the oldest it still holds. Group sequences start at {@code unix_ms × 2^20 + 1} (an epoch a restart never
 * reuses unless the clock went back). Hears of this node's own decisions as a {@link BanTableListener}.
 * <p>
 * Each signature costs one Ed25519 signing (about 60 µs here, and a few KB of BouncyCastle scratch): one per group
 * datagram, against one HMAC per member per datagram for unicast.
 */
public final class GroupSender implements BanTableListener
{
    /** Group batches kept for repair. */
    public static final int RETAINED = 1024;
    /** Records staged between duty cycles at most; beyond that a decision reaches members by SYNC only. */
    static final int STAGING_CAPACITY = 8192;
    /** Group batches first sent per duty cycle at most, so NAKs, heartbeats and ACKs are served between them. */
    static final int MAX_SENDS_PER_FLUSH = 256;
    /** A sequence repaired this recently is not repaired again for another member's NAK of the same loss. */
    static final long REPAIR_HOLDOFF_NANOS = 10_000_000L;
    private static final int SLOT = FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;

    private final int nodeId;
    private final GroupChannel channel;
    private final PacketSealer sealer;
    private final NodeKey key;
    private final NodeCounters counters;
    private final UnsafeBuffer ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RETAINED * SLOT, 64));
    private final ByteBuffer ringView = ring.byteBuffer().duplicate();
    private final int[] lengths = new int[RETAINED];
    private final long[] repairedNanos = new long[RETAINED];
    private final RepairBudget budget;
    private final UnsafeBuffer staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(STAGING_CAPACITY * BanRecordFlyweight.LENGTH, 64));
    private final BanRecordFlyweight stagedRecord = new BanRecordFlyweight();
    private final GroupBatchFrameFlyweight frame = new GroupBatchFrameFlyweight();
    private final long firstSequence;
    private long nextSequence;
    private long stagedHead;
    private long stagedTail;

    /**
     * @param key       this node's current key (its id is the header's {@code sender_key_id}).
     * @param wallMillis the wall clock at start, Unix ms: where the group sequence epoch starts.
     */
    public GroupSender(final NodeContext context, final GroupChannel channel, final NodeKey key, final long wallMillis)
    {
        this.nodeId = context.nodeId();
        this.channel = channel;
        this.sealer = context.sealer();
        this.key = key;
        this.counters = context.counters();
        this.firstSequence = (wallMillis << 20) + 1;
        this.nextSequence = firstSequence;
        this.budget = new RepairBudget(memberIds(context.peers()));
    }

    private static int[] memberIds(final Peer[] peers)
    {
        int count = 0;
        final int[] ids = new int[null == peers ? 0 : peers.length];
        for (int i = 0; i < ids.length; i++)
        {
            if (peers[i].groupMember())
            {
                ids[count++] = peers[i].nodeId();
            }
        }
        return Arrays.copyOf(ids, count);
    }

    public void onLocalNotStored(final Ban decision)
    {
        onStored(decision, null, true);
    }

    public void onStored(final Ban decision, final Ban replaced, final boolean local)
    {
        if (local && stagedTail - stagedHead < STAGING_CAPACITY)
        {
            stagedRecord.wrap(staging, (int)(stagedTail % STAGING_CAPACITY) * BanRecordFlyweight.LENGTH).set(decision);
            stagedTail++;
        }
    }

    public void onExpired(final Ban ban)
    {
    }

    /** Whether decisions wait to be multicast. */
    public boolean canFlush()
    {
        return stagedTail > stagedHead;
    }

    /** The group sequence the next group batch gets. */
    public long nextSequence()
    {
        return nextSequence;
    }

    /** The lowest group sequence still held for repair. */
    public long oldestRetained()
    {
        return Math.max(firstSequence, nextSequence - RETAINED);
    }

    /**
     * Pack what is staged into group batches and multicast each once.
     *
     * @return group batches sent.
     */
    public int flush()
    {
        int sent = 0;
        while (stagedTail > stagedHead && sent < MAX_SENDS_PER_FLUSH)
        {
            final long sequence = nextSequence++;
            final int slot = slot(sequence);
            frame.begin(ring, slot * SLOT, sequence);
            while (stagedTail > stagedHead && frame.remainingCapacity() > 0)
            {
                final BanRecordFlyweight record = frame.appendRecord(BanRecordFlyweight.ACTION_BAN);
                ring.putBytes(record.offset(), staging, (int)(stagedHead % STAGING_CAPACITY) * BanRecordFlyweight.LENGTH,
                    BanRecordFlyweight.LENGTH);
                stagedHead++;
            }
            lengths[slot] = frame.unsignedLength();
            repairedNanos[slot] = Long.MIN_VALUE;
            send(sequence);
            sent++;
        }
        return sent;
    }

    /**
     * A member's NAK: multicast again each named group batch still retained, unless it was repaired within
     * {@link #REPAIR_HOLDOFF_NANOS} (several members lacking the same batch ask for it once each), while the member's
     * and the duty cycle's {@link RepairBudget} last; the rest of the NAK waits for the member's next one. A NAK from
     * a non-member, naming another group sender, or cut short by the budget counts in {@code group_naks_refused}.
     *
     * @return group batches sent again.
     */
    public int onNak(final Peer peer, final NakFrameFlyweight nak, final long nowNanos)
    {
        final int member = peer.groupMember() ? budget.member(peer.nodeId()) : -1;
        if (nak.groupSenderId() != nodeId || member < 0)
        {
            counters.groupNaksRefused.incrementRelease();
            return 0;
        }
        int repaired = 0;
        final long first = nak.firstMissing();
        long bits = nak.missingBitmap();
        final long oldest = oldestRetained();
        while (bits != 0)
        {
            final int bit = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            final long sequence = first + bit;
            if (sequence >= oldest && sequence < nextSequence)
            {
                final int slot = slot(sequence);
                if (nowNanos - repairedNanos[slot] >= REPAIR_HOLDOFF_NANOS || repairedNanos[slot] == Long.MIN_VALUE)
                {
                    if (!budget.tryTake(member, nowNanos))
                    {
                        counters.groupNaksRefused.incrementRelease();
                        break;
                    }
                    repairedNanos[slot] = nowNanos;
                    send(sequence);
                    counters.groupRepairsSent.incrementRelease();
                    repaired++;
                }
            }
        }
        return repaired;
    }

    private void send(final long sequence)
    {
        final int slot = slot(sequence);
        final int offset = slot * SLOT;
        frame.wrap(ring, offset).oldestRetained(oldestRetained());
        final int length = sealer.stampGroup(ring, offset, lengths[slot]);
        frame.sign(key);
        channel.send(ringView, offset, length);
        counters.groupBatchesSent.incrementRelease();
    }

    private static int slot(final long sequence)
    {
        return (int)(sequence % RETAINED);
    }
}
