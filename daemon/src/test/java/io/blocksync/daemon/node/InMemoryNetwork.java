package io.blocksync.daemon.node;

import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.FrameType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A network of {@link Transport}s in memory for the protocol engine's tests: a datagram sent now is delivered
 * {@code latency} later on the shared manual clock, or dropped, duplicated or delayed past later ones (reordered)
 * as a {@link Random} from a fixed seed decides, or dropped by a test's {@link Filter}. No threads: a receiver sees
 * a datagram once the clock has reached its delivery time. Every datagram sent is logged for assertions.
 */
final class InMemoryNetwork
{
    private final NanoClock clock;
    private final long seed;
    private final Random random;
    private final Map<InetSocketAddress, Endpoint> endpoints = new HashMap<>();
    private final List<Sent> log = new ArrayList<>();
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private Filter filter = (from, to, type, frame) -> false;
    private double dropRate;
    private double duplicateRate;
    private long latencyNanos = 1_000_000;
    private long reorderSpreadNanos;
    private double reorderRate;
    private long reorderDelayNanos;
    private boolean logging = true;
    private final Map<InetSocketAddress, Long> extraLatencyTo = new HashMap<>();
    private long transmitted;
    private long order;

    InMemoryNetwork(final NanoClock clock, final long seed)
    {
        this.clock = clock;
        this.seed = seed;
        this.random = new Random(seed);
    }

    long seed()
    {
        return seed;
    }

    /** Random loss: each datagram is dropped with this probability, duplicated with that one. */
    InMemoryNetwork loss(final double dropRate, final double duplicateRate)
    {
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        return this;
    }

    /** Every datagram takes {@code latencyNanos} plus a uniform extra up to {@code reorderSpreadNanos}. */
    InMemoryNetwork latency(final long latencyNanos, final long reorderSpreadNanos)
    {
        this.latencyNanos = latencyNanos;
        this.reorderSpreadNanos = reorderSpreadNanos;
        return this;
    }

    /** Datagrams to {@code to} take {@code extraNanos} longer than the others: a far or slow peer. */
    InMemoryNetwork extraLatencyTo(final InetSocketAddress to, final long extraNanos)
    {
        extraLatencyTo.put(to, extraNanos);
        return this;
    }

    /** Reordering: each datagram is held back by a uniform extra delay up to {@code delayNanos} with this probability. */
    InMemoryNetwork reorder(final double rate, final long delayNanos)
    {
        this.reorderRate = rate;
        this.reorderDelayNanos = delayNanos;
        return this;
    }

    /** Whether every datagram is kept for {@link #sent()}; a long run turns it off to bound its memory. */
    InMemoryNetwork logging(final boolean logging)
    {
        this.logging = logging;
        return this;
    }

    /** Datagrams handed to the network so far, delivered or not. */
    long transmitted()
    {
        return transmitted;
    }

    /** Drop what the filter says (a partition, one lost ACK, ...), before random loss. */
    void filter(final Filter filter)
    {
        this.filter = filter;
    }

    /** Drop everything between {@code a} and {@code b}, both ways: a cut link (replaces any filter set before). */
    void cut(final InetSocketAddress a, final InetSocketAddress b)
    {
        filter((from, to, type, frame) -> from.equals(a) && to.equals(b) || from.equals(b) && to.equals(a));
    }

    Endpoint endpoint(final InetSocketAddress address)
    {
        return endpoints.computeIfAbsent(address, Endpoint::new);
    }

    /** Every datagram sent so far, in order, whether delivered or not. */
    List<Sent> sent()
    {
        return log;
    }

    /** Times (clock nanos) BATCH {@code streamSequence} was sent from one address to another. */
    List<Long> batchSendTimes(final InetSocketAddress from, final InetSocketAddress to, final long streamSequence)
    {
        final List<Long> times = new ArrayList<>();
        for (final Sent sent : log)
        {
            if (sent.type == FrameType.BATCH && sent.from.equals(from) && sent.to.equals(to) && sent.streamSequence == streamSequence)
            {
                times.add(sent.atNanos);
            }
        }
        return times;
    }

    /** Stream sequences of the BATCH frames sent from one address to another, in order. */
    List<Long> batchesSent(final InetSocketAddress from, final InetSocketAddress to)
    {
        final List<Long> sequences = new ArrayList<>();
        for (final Sent sent : log)
        {
            if (sent.type == FrameType.BATCH && sent.from.equals(from) && sent.to.equals(to))
            {
                sequences.add(sent.streamSequence);
            }
        }
        return sequences;
    }

    private void transmit(final InetSocketAddress from, final InetSocketAddress to, final byte[] bytes)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(bytes);
        header.wrap(frame, 0);
        final int type = header.type();
        final long streamSequence = type == FrameType.BATCH ? batch.wrap(frame, 0).streamSequence() : -1;
        final long now = clock.nanoTime();
        transmitted++;
        if (logging)
        {
            log.add(new Sent(now, from, to, type, streamSequence));
        }

        final Endpoint target = endpoints.get(to);
        if (null == target || filter.drop(from, to, type, frame) || random.nextDouble() < dropRate)
        {
            return;
        }
        final int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            long extra = reorderSpreadNanos == 0 ? 0 : (long)(random.nextDouble() * reorderSpreadNanos);
            if (reorderRate > 0 && random.nextDouble() < reorderRate)
            {
                extra += (long)(random.nextDouble() * reorderDelayNanos);
            }
            extra += extraLatencyTo.getOrDefault(to, 0L);
            target.inbox.add(new InFlight(now + latencyNanos + extra, order++, from, bytes));
        }
    }

    /** Decides whether the network loses a datagram; sees its frame (sealed, not verified). */
    @FunctionalInterface
    interface Filter
    {
        boolean drop(InetSocketAddress from, InetSocketAddress to, int frameType, DirectBuffer frame);
    }

    record Sent(long atNanos, InetSocketAddress from, InetSocketAddress to, int type, long streamSequence)
    {
    }

    private record InFlight(long deliverAtNanos, long order, InetSocketAddress from, byte[] bytes)
    {
    }

    /** One node's socket on this network. */
    final class Endpoint implements Transport
    {
        private final InetSocketAddress address;
        private final PriorityQueue<InFlight> inbox = new PriorityQueue<>(
            (a, b) -> a.deliverAtNanos != b.deliverAtNanos ? Long.compare(a.deliverAtNanos, b.deliverAtNanos) : Long.compare(a.order, b.order));
        private final UnsafeBuffer receiveBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH + 64));
        private SocketAddress lastSource;

        private Endpoint(final InetSocketAddress address)
        {
            this.address = address;
        }

        InetSocketAddress address()
        {
            return address;
        }

        public int receive()
        {
            final InFlight next = inbox.peek();
            if (null == next || next.deliverAtNanos > clock.nanoTime())
            {
                return -1;
            }
            inbox.poll();
            receiveBuffer.putBytes(0, next.bytes);
            lastSource = next.from;
            return next.bytes.length;
        }

        /** What a socket held when its process ended is gone with it. */
        void discardInbox()
        {
            inbox.clear();
        }

        public UnsafeBuffer receiveBuffer()
        {
            return receiveBuffer;
        }

        public SocketAddress lastSource()
        {
            return lastSource;
        }

        public boolean send(final ByteBuffer view, final int offset, final int length, final InetSocketAddress to)
        {
            final byte[] bytes = new byte[length];
            new UnsafeBuffer(view).getBytes(offset, bytes);
            transmit(address, to, bytes);
            return true;
        }

        /** The test drives the clock; there is nothing to wait for. */
        public void awaitReadable(final long timeoutMillis)
        {
        }

        public void wakeup()
        {
        }

        public void close()
        {
            inbox.clear();
        }
    }
}
