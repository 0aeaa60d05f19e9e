package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.GroupBatchFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NakFrameFlyweight;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group sender's repair budget (docs/PROTOCOL.md, "Multicast"): a member's NAK storm gets one bucket's worth of
 * repairs (each an Ed25519 signature and a multicast datagram), refused NAKs are counted, an honest NAK is still
 * repaired, and all members together get at most the duty cycle's cap. Group datagrams go to a loopback socket.
 */
class GroupSenderRepairBudgetTest
{
    private static final long NOW_MILLIS = 1_700_000_000_000L;
    private static final long T0 = 5_000_000_000L;
    private static final int SELF = 1;
    private static final int ATTACKER = 2;
    private static final int HONEST = 3;
    private static final int THIRD = 4;
    private static final int OUTSIDER = 5;

    @TempDir
    Path dir;

    private final NakFrameFlyweight nak = new NakFrameFlyweight();
    private final UnsafeBuffer nakBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(NakFrameFlyweight.FRAME_LENGTH, 64));
    private NodeCounters counters;
    private ProgressFile progress;
    private DatagramChannel sink;
    private DatagramChannel out;
    private Peer[] peers;
    private GroupSender sender;

    @AfterEach
    void close() throws Exception
    {
        out.close();
        sink.close();
        progress.close();
    }

    @Test
    void aMembersNakStormGetsOneBucketOfRepairsWhileAnHonestNakIsRepaired() throws Exception
    {
        start(GroupSender.RETAINED);
        final long oldest = sender.oldestRetained();
        final int storm = 1_000;
        final long stepNanos = 10_000;
        for (int i = 0; i < storm; i++)
        {
            // Every NAK names 64 retained sequences, walking the whole ring: no holdoff saves the sender work.
            sender.onNak(peer(ATTACKER), nak(SELF, oldest + (i * 64L) % GroupSender.RETAINED, -1L), T0 + i * stepNanos);
        }
        final long elapsed = (storm - 1) * stepNanos;
        final long budget = RepairBudget.REPAIRS_PER_INTERVAL +
            elapsed * RepairBudget.REPAIRS_PER_INTERVAL / RepairBudget.INTERVAL_NANOS;
        final long repairs = counters.groupRepairsSent.get();
        final long refused = counters.groupNaksRefused.get();
        final String seen = "repairs " + repairs + ", refused NAKs " + refused + ", budget " + budget;
        assertTrue(repairs >= RepairBudget.REPAIRS_PER_INTERVAL && repairs <= budget, seen);
        assertTrue(refused >= storm * 9L / 10, "nearly every NAK of the storm cut short: " + seen);
        assertEquals(GroupSender.RETAINED + repairs, counters.groupBatchesSent.get(), "first sends and repairs only");

        // The newest sequence (never reached by the storm's trickle), asked for by another member: repaired at once.
        final long stormEnd = T0 + elapsed + stepNanos;
        assertEquals(1, sender.onNak(peer(HONEST), nak(SELF, sender.nextSequence() - 1, 1L), stormEnd));
        assertEquals(repairs + 1, counters.groupRepairsSent.get());
        assertEquals(refused, counters.groupNaksRefused.get(), "the honest NAK is not refused");

        // A non-member, and a NAK naming another group sender: refused whole and counted.
        assertEquals(0, sender.onNak(peer(OUTSIDER), nak(SELF, oldest, 1L), stormEnd));
        assertEquals(0, sender.onNak(peer(HONEST), nak(9, oldest + 512, 1L), stormEnd));
        assertEquals(refused + 2, counters.groupNaksRefused.get());
        assertEquals(repairs + 1, counters.groupRepairsSent.get());

        // A bucket, not a ban: one NAK interval later the storming member gets a full NAK repaired again.
        final long later = stormEnd + RepairBudget.INTERVAL_NANOS;
        assertEquals(RepairBudget.REPAIRS_PER_INTERVAL, sender.onNak(peer(ATTACKER), nak(SELF, oldest + 128, -1L), later));
    }

    @Test
    void allMembersTogetherGetAtMostTheDutyCyclesCap() throws Exception
    {
        start(3 * NakFrameFlyweight.RANGE);
        final long oldest = sender.oldestRetained();
        int repaired = 0;
        repaired += sender.onNak(peer(ATTACKER), nak(SELF, oldest, -1L), T0);
        repaired += sender.onNak(peer(HONEST), nak(SELF, oldest + 64, -1L), T0);
        repaired += sender.onNak(peer(THIRD), nak(SELF, oldest + 128, -1L), T0);
        assertEquals(RepairBudget.MAX_REPAIRS_PER_CYCLE, repaired, "one cycle's cap over three full NAKs");
        assertEquals(1, counters.groupNaksRefused.get(), "the third NAK, refused by the cap");
        assertEquals(RepairBudget.REPAIRS_PER_INTERVAL, sender.onNak(peer(THIRD), nak(SELF, oldest + 128, -1L), T0 + 1),
            "the next duty cycle serves it from the member's own bucket");
    }

    private void start(final int batches) throws Exception
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64)));
        counters = new NodeCounters(countersManager);
        progress = ProgressFile.open(dir, SELF, NOW_MILLIS);
        final InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(new byte[] { (byte)192, 0, 2, 9 }), 7000);
        peers = new Peer[] {
            new Peer(ATTACKER, "node2", address, TestKeys.link(SELF, ATTACKER), countersManager).groupMember(true),
            new Peer(HONEST, "node3", address, TestKeys.link(SELF, HONEST), countersManager).groupMember(true),
            new Peer(THIRD, "node4", address, TestKeys.link(SELF, THIRD), countersManager).groupMember(true),
            new Peer(OUTSIDER, "node5", address, TestKeys.link(SELF, OUTSIDER), countersManager) };
        final NodeContext context = new NodeContext()
            .nodeId(SELF)
            .sealer(new PacketSealer(SELF, TestKeys.KEY_ID, progress, NOW_MILLIS))
            .counters(counters)
            .peers(peers);
        sink = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        out = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        out.configureBlocking(false);
        final GroupChannel channel = new GroupChannel(out, (InetSocketAddress)sink.getLocalAddress(), counters);
        sender = new GroupSender(context, channel, TestKeys.nodeKey(SELF), NOW_MILLIS);
        final Ban ban = new Ban().reason(ReasonCode.of("ssh").id())
            .prefix(new IpPrefix().set(4, new byte[] { (byte)198, 51, 100, 7 }, 32));
        for (int batch = 0; batch < batches; batch++)
        {
            for (int record = 0; record < GroupBatchFrameFlyweight.MAX_RECORDS; record++)
            {
                sender.onStored(ban, null, true);
            }
            sender.flush();
        }
        assertEquals(batches, sender.nextSequence() - sender.oldestRetained(), "batches retained");
    }

    private Peer peer(final int nodeId)
    {
        for (final Peer peer : peers)
        {
            if (peer.nodeId() == nodeId)
            {
                return peer;
            }
        }
        throw new IllegalArgumentException("no peer " + nodeId);
    }

    private NakFrameFlyweight nak(final int groupSenderId, final long firstMissing, final long bitmap)
    {
        nak.begin(nakBuffer, 0).groupSenderId(groupSenderId).firstMissing(firstMissing).missingBitmap(bitmap);
        return nak;
    }
}
