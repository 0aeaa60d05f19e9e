package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Follows this host's interface addresses and tells an {@link OwnAddressListener} of every change.
 * <p>
 * On Linux it listens to rtnetlink ({@link AddressMonitorSocket}: RTM_NEWADDR/RTM_DELADDR of
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR), so a change is seen as the kernel makes it; the first set comes from
 * a dump asked for after subscribing, so nothing falls between the two. When the kernel drops notifications (socket
 * buffer full) or the socket fails, a new dump replaces the set ({@link #resyncs()}). Where rtnetlink is unavailable
 * (not Linux, the native library not loaded) it re-reads {@link java.net.NetworkInterface} every
 * {@code pollIntervalMillis} instead. {@link #start()} says which on the log.
 * <p>
 * {@link #start()} reads the first set on the caller's thread and calls the listener with it before returning; then
 * a daemon thread of its own follows changes. It wakes at most every {@link AddressMonitorSocket#DEFAULT_RECEIVE_TIMEOUT_MILLIS}
 * to see whether it should stop (rtnetlink) or once per poll interval (fallback): idle, it costs nothing measurable.
 */
public final class OwnAddressMonitor implements AutoCloseable
{
    /** Default re-read interval of the fallback. */
    public static final long DEFAULT_POLL_INTERVAL_MILLIS = 1000;

    private static final long FIRST_DUMP_TIMEOUT_MILLIS = 5_000;
    private static final long STOP_WAIT_MILLIS = 5_000;
    private static final long REOPEN_DELAY_MILLIS = 1_000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EBUSY = 16;

    private final String networkNamespace;
    private final long pollIntervalMillis;
    private final boolean forcePolling;
    private final OwnAddressListener listener;
    private final Consumer<String> log;
    private final OwnAddressSet addresses;
    private final AddressMessageDecoder decoder;
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(AddressMonitorSocket.RECOMMENDED_BUFFER_LENGTH);
    private final UnsafeBuffer view = new UnsafeBuffer(datagram);
    private final SourceThread thread;
    private final AtomicLong resyncs = new AtomicLong();
    private AddressMonitorSocket socket;
    private boolean dumping;
    private int dumpSequence;
    private int dumpError;
    private volatile boolean netlink;

    /**
     * @param name               names the thread ({@code blocksync-source-NAME}) and log lines.
     * @param networkNamespace   a namespace file ({@code /run/netns/NAME}) to follow instead of this process's, or
     *                           null; rtnetlink only (the fallback always reads this process's namespace).
     * @param pollIntervalMillis the fallback's re-read interval, at least 1.
     * @param forcePolling       true to use the fallback even where rtnetlink works (tests, odd kernels).
     * @param listener           hears of the addresses.
     * @param log                receives operator lines, from either thread.
     */
    public OwnAddressMonitor(
        final String name,
        final String networkNamespace,
        final long pollIntervalMillis,
        final boolean forcePolling,
        final OwnAddressListener listener,
        final Consumer<String> log)
    {
        if (pollIntervalMillis < 1)
        {
            throw new IllegalArgumentException("poll interval is " + pollIntervalMillis + " ms, expected at least 1");
        }
        this.networkNamespace = networkNamespace;
        this.pollIntervalMillis = pollIntervalMillis;
        this.forcePolling = forcePolling;
        this.listener = listener;
        this.log = log;
        this.addresses = new OwnAddressSet(null == networkNamespace);
        this.decoder = new AddressMessageDecoder(new AddressMessageHandler()
        {
            public void onAddress(
                final boolean added, final int interfaceIndex, final IpPrefix address, final int prefixLength, final int sequence)
            {
                onAddressMessage(added, interfaceIndex, address);
            }

            public void onDumpEnd(final int sequence, final int error)
            {
                onDumpEnded(sequence, error);
            }
        });
        this.thread = new SourceThread(name, this::run);
    }

    /**
     * Read the first set (the listener hears of it before this returns), then follow changes on a thread of its own.
     *
     * @throws IOException if neither rtnetlink nor {@link java.net.NetworkInterface} can list the addresses.
     */
    public void start() throws IOException
    {
        String why = forcePolling ? "polling was asked for" : null;
        if (null == why)
        {
            try
            {
                socket = AddressMonitorSocket.open(AddressMonitorSocket.DEFAULT_RECEIVE_TIMEOUT_MILLIS, networkNamespace);
                dumpAndWait();
                netlink = true;
            }
            catch (final IOException ex)
            {
                closeSocket();
                why = ex.getMessage();
            }
        }
        if (netlink)
        {
            log.accept("own addresses: followed live through rtnetlink (RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR)" +
                (null == networkNamespace ? "" : " in network namespace " + networkNamespace) + ", " +
                addresses.size() + " at start");
        }
        else
        {
            if (null != networkNamespace)
            {
                throw new IOException("cannot follow the addresses of network namespace " + networkNamespace + ": " + why);
            }
            addresses.replaceWith(OwnAddressSet.readInterfaces());
            log.accept("own addresses: re-read every " + pollIntervalMillis + " ms (NetworkInterface), rtnetlink " +
                "unavailable: " + why + "; " + addresses.size() + " at start");
        }
        addresses.publish(listener, true);
        thread.start();
    }

    /**
     * @return true when following rtnetlink, false when polling (or not started).
     */
    public boolean isNetlink()
    {
        return netlink;
    }

    /**
     * @return full re-reads after the kernel dropped notifications or the socket failed; any thread.
     */
    public long resyncs()
    {
        return resyncs.get();
    }

    /** Stop the thread (within its receive timeout) and close the socket. */
    @Override
    public void close()
    {
        if (!thread.stop(STOP_WAIT_MILLIS))
        {
            log.accept("own addresses: the monitor thread did not stop within " + STOP_WAIT_MILLIS + " ms");
            return;
        }
        closeSocket();
    }

    private void run()
    {
        while (thread.isRunning())
        {
            try
            {
                if (netlink)
                {
                    readNotifications();
                }
                else
                {
                    thread.idle(pollIntervalMillis);
                    addresses.replaceWith(OwnAddressSet.readInterfaces());
                    addresses.publish(listener, false);
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                log.accept("own addresses: " + ex.getMessage() + "; reading them again in " + REOPEN_DELAY_MILLIS + " ms");
                closeSocket();
                thread.idle(REOPEN_DELAY_MILLIS);
                reopen();
            }
        }
        closeSocket();
    }

    private void readNotifications() throws IOException
    {
        if (null == socket)
        {
            reopen();
            return;
        }
        final int length = receive();
        if (AddressMonitorSocket.RECEIVE_OVERRUN == length)
        {
            // Notifications were lost: only a full listing tells what is there now.
            resyncs.incrementAndGet();
            log.accept("own addresses: the kernel dropped address notifications (socket buffer full); listing them again");
            requestDump();
        }
        addresses.publish(listener, false);
    }

    private void reopen()
    {
        if (!thread.isRunning())
        {
            return;
        }
        try
        {
            closeSocket();
            socket = AddressMonitorSocket.open(AddressMonitorSocket.DEFAULT_RECEIVE_TIMEOUT_MILLIS, networkNamespace);
            resyncs.incrementAndGet();
            requestDump();
        }
        catch (final IOException ex)
        {
            closeSocket();
            log.accept("own addresses: cannot reopen the rtnetlink socket: " + ex.getMessage() + "; trying again in " +
                REOPEN_DELAY_MILLIS + " ms");
            thread.idle(REOPEN_DELAY_MILLIS);
        }
    }

    private void dumpAndWait() throws IOException
    {
        requestDump();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_DUMP_TIMEOUT_MILLIS);
        while (dumping && 0 == dumpError)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IOException("no answer to an RTM_GETADDR dump within " + FIRST_DUMP_TIMEOUT_MILLIS + " ms");
            }
            if (AddressMonitorSocket.RECEIVE_OVERRUN == receive())
            {
                requestDump();
            }
        }
        if (0 != dumpError)
        {
            throw new IOException("an RTM_GETADDR dump failed with errno " + dumpError);
        }
    }

    private int receive() throws IOException
    {
        datagram.clear();
        final int length = socket.receive(datagram);
        if (length > datagram.capacity())
        {
            // Cannot happen with rtnetlink's page-sized parts; a cut datagram lost messages, so list again.
            resyncs.incrementAndGet();
            requestDump();
            return 0;
        }
        if (length > 0)
        {
            decoder.onDatagram(view, 0, length);
        }
        return length;
    }

    private void requestDump() throws IOException
    {
        dumpSequence = dumpSequence == Integer.MAX_VALUE ? 1 : dumpSequence + 1;
        dumping = true;
        dumpError = 0;
        addresses.startCollecting();
        socket.requestDump(dumpSequence);
    }

    private void onAddressMessage(final boolean added, final int interfaceIndex, final IpPrefix address)
    {
        if (dumping)
        {
            addresses.collect(added, interfaceIndex, address);
        }
        else
        {
            addresses.apply(added, interfaceIndex, address);
        }
    }

    private void onDumpEnded(final int sequence, final int error)
    {
        if (!dumping || sequence != dumpSequence)
        {
            return;
        }
        if (EINTR == error || EAGAIN == error || EBUSY == error)
        {
            // The listing changed under the dump, or another dump was in progress: ask again.
            try
            {
                requestDump();
            }
            catch (final IOException ex)
            {
                dumpError = error;
                dumping = false;
            }
            return;
        }
        if (0 != error)
        {
            // Kept: the set as it was is better than none; the next overrun or reopen lists again.
            dumpError = error;
            dumping = false;
            log.accept("own addresses: an RTM_GETADDR dump failed with errno " + error);
            return;
        }
        dumping = false;
        addresses.finishCollecting();
    }

    private void closeSocket()
    {
        if (null != socket)
        {
            socket.close();
            socket = null;
        }
        dumping = false;
    }
}
