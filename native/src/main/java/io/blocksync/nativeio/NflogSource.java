package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code nflog} source: reads one NFLOG group straight from the kernel through {@link NflogSocket}, as nft
 * {@code log group N prefix "..."} or iptables {@code -j NFLOG --nflog-group N} write it.
 * <p>
 * If the native library cannot load, the source says so once (pointing to {@link PcapPipeSource} with
 * {@code tcpdump -i nflog:N -U -w -}) and stays idle. If the group cannot be bound (no privilege, group held by
 * another process) it retries with {@link Backoff}, each attempt a failure and each success after the first a
 * restart. When the kernel drops messages because the socket buffer was full, one drop is counted per overrun.
 */
public final class NflogSource implements EventSource
{
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final String name;
    private final int group;
    private final int copyRange;
    private final String networkNamespace;
    private final boolean bindFamilies;
    private final Consumer<String> log;
    private final Backoff backoff;
    private final SourceCounters counters = new SourceCounters();
    private final NflogMessageDecoder decoder;
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(NflogSocket.RECOMMENDED_BUFFER_LENGTH);
    private final UnsafeBuffer view = new UnsafeBuffer(datagram);
    private final SourceThread thread;
    private volatile boolean bound;
    private volatile boolean unavailable;

    /**
     * @param name  for logs and status.
     * @param group NFLOG group 0 to 65535.
     * @param ring  receives events.
     * @param log   receives operator lines.
     */
    public NflogSource(final String name, final int group, final AttackEventRing ring, final Consumer<String> log)
    {
        this(new NflogSourceSettings().name(name).group(group), ring, log);
    }

    /**
     * @param settings what to read and how; read once, here.
     * @param ring     receives events.
     * @param log      receives operator lines.
     * @throws IllegalArgumentException if the group is outside 0 to 65535.
     */
    public NflogSource(final NflogSourceSettings settings, final AttackEventRing ring, final Consumer<String> log)
    {
        name = settings.name();
        group = settings.group();
        if (group < 0 || group > NflogSocket.MAX_GROUP)
        {
            throw new IllegalArgumentException(name + ": NFLOG group is " + group + ", expected 0 to " +
                NflogSocket.MAX_GROUP);
        }
        this.copyRange = settings.copyRange();
        this.networkNamespace = settings.networkNamespace();
        this.bindFamilies = settings.bindFamilies();
        this.log = log;
        this.backoff = null != settings.backoff() ?
            settings.backoff() : new Backoff(Backoff.DEFAULT_MIN_MILLIS, Backoff.DEFAULT_MAX_MILLIS);
        this.decoder = new NflogMessageDecoder(new RingEventPublisher(name, ring, counters, log));
        this.thread = new SourceThread(name, this::run);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void start()
    {
        thread.start();
    }

    @Override
    public void close()
    {
        // The reader wakes within the socket's receive timeout and closes the socket itself.
        thread.stop(STOP_WAIT_MILLIS);
    }

    @Override
    public SourceCounters counters()
    {
        return counters;
    }

    public int group()
    {
        return group;
    }

    /**
     * @return true while the group is bound and being read; packets logged before are not seen.
     */
    public boolean isBound()
    {
        return bound;
    }

    /**
     * @return true if the native library could not load and the source has given up.
     */
    public boolean isUnavailable()
    {
        return unavailable;
    }

    private void run()
    {
        if (!NativeLibrary.load(log))
        {
            unavailable = true;
            counters.incrementFailures();
            return;
        }

        boolean first = true;
        while (thread.isRunning())
        {
            final long started = System.nanoTime();
            try (NflogSocket socket = NflogSocket.open(
                group, copyRange, NflogSocket.DEFAULT_RECEIVE_TIMEOUT_MILLIS, networkNamespace, bindFamilies))
            {
                if (!first)
                {
                    counters.incrementRestarts();
                }
                first = false;
                bound = true;
                log.accept(name + ": reading NFLOG group " + group +
                    (null == networkNamespace ? "" : " in network namespace " + networkNamespace));
                read(socket);
            }
            catch (final IOException ex)
            {
                counters.incrementFailures();
                final long ranMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                final long delay = backoff.delayAfter(ranMillis);
                log.accept(name + ": " + ex.getMessage() + "; trying again in " + delay + " ms");
                bound = false;
                thread.idle(delay);
            }
            finally
            {
                bound = false;
            }
        }
    }

    private void read(final NflogSocket socket) throws IOException
    {
        while (thread.isRunning())
        {
            datagram.clear();
            final int length = socket.receive(datagram);
            if (length > 0)
            {
                final long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
                if (length > datagram.capacity())
                {
                    decoder.onTruncatedDatagram(length, datagram.capacity(), now);
                }
                else
                {
                    decoder.onDatagram(view, 0, length, now);
                }
            }
            else if (NflogSocket.RECEIVE_OVERRUN == length)
            {
                if (SourceCounters.isWorthLogging(counters.incrementDropped()))
                {
                    log.accept(name + ": the kernel dropped NFLOG messages of group " + group +
                        " (socket buffer full, " + counters.dropped() + " overruns so far)");
                }
            }
            else if (NflogSocket.RECEIVE_FOREIGN == length)
            {
                if (SourceCounters.isWorthLogging(counters.incrementMalformed()))
                {
                    log.accept(name + ": ignored a netlink message sent by a process, not the kernel (" +
                        counters.malformed() + " skipped so far)");
                }
            }
        }
    }
}
