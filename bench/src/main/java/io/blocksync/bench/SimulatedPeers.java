package io.blocksync.bench;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.FrameSigner;
import io.blocksync.codec.FrameType;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.HmacSha256Tag;
import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.RejectReason;
import io.blocksync.codec.ReplayWindow;
import io.blocksync.daemon.config.KeyText;
import io.blocksync.daemon.node.StreamReceiveState;
import io.blocksync.nativeio.NativeHmacSha256;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hundreds to thousands of BlockSync peers played by one thread over loopback, to load one real node (node 1): each
 * peer has its own UDP socket on 127.0.0.1, its own key pair and link keys, verifies every datagram node 1 sends it
 * (tag, replay window, structure: {@link FrameVerifier}), keeps node 1's BATCH stream position
 * ({@link StreamReceiveState}) and acknowledges it with sealed ACKs, one per peer per round of the loop at most, as
 * {@code AckSender} does. Every {@code heartbeatMillis} each peer sends node 1 a HEARTBEAT (so node 1 keeps it up);
 * its page lists no origins, and its digest is 0 ("paging": node 1 sends it pages of its list) or, when
 * {@link #inStep(boolean)}, the digest node 1 last stated (node 1 sends it empty pages). Peers' ids are 2 to
 * {@code count + 1}; their keys derive from their ids ({@link #seed(int)}).
 */
final class SimulatedPeers implements AutoCloseable
{
    private final int count;
    private final PeerKey nodeKey;
    private final long heartbeatNanos;
    private final DatagramChannel[] channels;
    private final FrameVerifier[] verifiers;
    private final PeerLink[] links;
    private final FrameSigner[] signers;
    private final StreamReceiveState[] streams;
    private final boolean[] ackPending;
    private final long[] records;
    private final Selector selector;
    private final UnsafeBuffer receive = new UnsafeBuffer(ByteBuffer.allocateDirect(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH + 64));
    private final UnsafeBuffer send = new UnsafeBuffer(ByteBuffer.allocateDirect(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH));
    private final ByteBuffer sendView = send.byteBuffer().duplicate();
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    final AtomicLong datagramsReceived = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong heartbeatsReceived = new AtomicLong();
    final AtomicLong heartbeatBytesReceived = new AtomicLong();
    final AtomicLong acksSent = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    private volatile long slowestRecords;
    private volatile long fastestRecords;
    private volatile boolean inStep;
    private volatile boolean running = true;
    private long nodeDigest;
    private Thread thread;

    /**
     * @param count           peers to play, ids 2 to {@code count + 1}.
     * @param nodeKeySeed     node 1's 32-byte seed (its key id 1).
     * @param heartbeatMillis how often each peer sends node 1 a HEARTBEAT.
     * @param macEngine       computes the peers' link MACs as a node would ({@link NativeHmacSha256#engine()}); null
     *                        for BouncyCastle.
     */
    SimulatedPeers(
        final int count, final byte[] nodeKeySeed, final long heartbeatMillis, final HmacSha256Tag.Engine macEngine)
        throws IOException
    {
        this.count = count;
        this.nodeKey = NodeKey.fromSeed(1, nodeKeySeed).peerKey();
        this.heartbeatNanos = heartbeatMillis * 1_000_000L;
        channels = new DatagramChannel[count];
        verifiers = new FrameVerifier[count];
        links = new PeerLink[count];
        signers = new FrameSigner[count];
        streams = new StreamReceiveState[count];
        ackPending = new boolean[count];
        records = new long[count];
        selector = Selector.open();
        for (int i = 0; i < count; i++)
        {
            final int id = i + 2;
            channels[i] = DatagramChannel.open();
            channels[i].setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channels[i].bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channels[i].configureBlocking(false);
            channels[i].register(selector, SelectionKey.OP_READ, i);
            links[i] = new PeerLink(id, new NodeKey[]{ NodeKey.fromSeed(1, seed(id)) }, 1, new PeerKey[]{ nodeKey }, new ReplayWindow(), macEngine);
            verifiers[i] = new FrameVerifier(id).addLink(links[i]);
            signers[i] = new FrameSigner(id, 1, System.currentTimeMillis() << 20);
            streams[i] = new StreamReceiveState();
        }
    }

    /** Peer {@code id}'s 32-byte seed: {@code id} in the first four bytes, little-endian, then zeros. */
    static byte[] seed(final int id)
    {
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        seed[0] = (byte)id;
        seed[1] = (byte)(id >>> 8);
        seed[2] = (byte)(id >>> 16);
        seed[3] = (byte)(id >>> 24);
        seed[31] = 1;
        return seed;
    }

    /** The [peer] sections node 1's config needs for these peers. */
    String peerSections() throws IOException
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            final int id = i + 2;
            final InetSocketAddress local = (InetSocketAddress)channels[i].getLocalAddress();
            text.append("[peer ").append(id).append("]\naddress = 127.0.0.1:").append(local.getPort()).append('\n')
                .append("key = ").append(KeyText.encode(NodeKey.fromSeed(1, seed(id)).publicKey())).append("\n\n");
        }
        return text.toString();
    }

    /** Start playing the peers against node 1 at {@code node}. */
    SimulatedPeers start(final InetSocketAddress node)
    {
        thread = new Thread(() -> run(node), "simulated-peers");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** State node 1's own digest back (in step: node 1 sends empty pages) or 0 (node 1 pages through its list). */
    void inStep(final boolean inStep)
    {
        this.inStep = inStep;
    }

    /** Records of node 1's stream the slowest peer has received. */
    long slowestRecords()
    {
        return slowestRecords;
    }

    /** Records of node 1's stream the fastest peer has received. */
    long fastestRecords()
    {
        return fastestRecords;
    }

    private void run(final InetSocketAddress node)
    {
        long nextHeartbeat = System.nanoTime();
        try
        {
            while (running)
            {
                selector.select(1);
                for (final SelectionKey key : selector.selectedKeys())
                {
                    drain((Integer)key.attachment(), node);
                }
                selector.selectedKeys().clear();
                long slowest = Long.MAX_VALUE;
                long fastest = 0;
                for (int i = 0; i < count; i++)
                {
                    if (ackPending[i])
                    {
                        ackPending[i] = false;
                        sendAck(i, node);
                    }
                    slowest = Math.min(slowest, records[i]);
                    fastest = Math.max(fastest, records[i]);
                }
                slowestRecords = slowest;
                fastestRecords = fastest;
                if (System.nanoTime() >= nextHeartbeat)
                {
                    nextHeartbeat = System.nanoTime() + heartbeatNanos;
                    for (int i = 0; i < count; i++)
                    {
                        sendHeartbeat(i, node);
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private void drain(final int i, final InetSocketAddress node) throws IOException
    {
        final ByteBuffer view = receive.byteBuffer();
        while (true)
        {
            view.clear();
            if (null == channels[i].receive(view))
            {
                return;
            }
            final int length = view.position();
            datagramsReceived.incrementAndGet();
            bytesReceived.addAndGet(length);
            if (verifiers[i].verify(receive, 0, length) != RejectReason.NONE)
            {
                rejected.incrementAndGet();
                continue;
            }
            header.wrap(receive, 0);
            switch (header.type())
            {
                case FrameType.BATCH -> onBatch(i);
                case FrameType.HEARTBEAT -> onHeartbeat(i, length);
                default ->
                {
                }
            }
        }
    }

    private void onBatch(final int i)
    {
        batch.wrap(receive, 0);
        final long sequence = batch.streamSequence();
        if (streams[i].isNew(sequence) && streams[i].onBatch(sequence))
        {
            records[i] += batch.recordCount();
        }
        ackPending[i] = true;
    }

    private void onHeartbeat(final int i, final int length)
    {
        heartbeatsReceived.incrementAndGet();
        heartbeatBytesReceived.addAndGet(length);
        heartbeat.wrap(receive, 0);
        nodeDigest = heartbeat.digest();
        final StreamReceiveState stream = streams[i];
        if (stream.skipTo(heartbeat.streamOldestRetained()) || heartbeat.streamNextSequence() - 1 > stream.cumulative())
        {
            ackPending[i] = true;
        }
    }

    private void sendAck(final int i, final InetSocketAddress node) throws IOException
    {
        ack.begin(send, 0).streamSenderId(1).cumulative(streams[i].cumulative()).selectiveBitmap(streams[i].selectiveBitmap())
            .receiveWindow(AckFrameFlyweight.MAX_RECEIVE_WINDOW);
        transmit(i, AckFrameFlyweight.UNSEALED_LENGTH, node);
        acksSent.incrementAndGet();
    }

    private void sendHeartbeat(final int i, final InetSocketAddress node) throws IOException
    {
        final long now = System.currentTimeMillis();
        heartbeat.begin(send, 0, 1, 1, now, now << 16).page(inStep ? nodeDigest : 0, 0, HeartbeatFrameFlyweight.END_OF_LIST);
        transmit(i, heartbeat.unsealedLength(), node);
    }

    private void transmit(final int i, final int unsealedLength, final InetSocketAddress node) throws IOException
    {
        final int length = signers[i].stamp(send, 0, unsealedLength);
        links[i].seal(send, 0, length);
        sendView.limit(length).position(0);
        channels[i].send(sendView, node);
    }

    public void close()
    {
        running = false;
        if (null != thread)
        {
            try
            {
                thread.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        CloseHelper.quietClose(selector);
        Arrays.stream(channels).forEach(CloseHelper::quietClose);
    }
}
