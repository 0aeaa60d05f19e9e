package io.blocksync.daemon.control;

import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.firewall.Firewall;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local control channel: a UNIX domain socket in the state directory, readable and writable by the owner only.
 * One thread accepts connections and serves each on a thread of its own: it parses the request lines (see
 * {@link ControlProtocol}), hands the decisions to the loop as one {@link LocalRequest} and writes back one result
 * line per request line. All parsing and allocation happen here, off the loop. Listings ({@code bans},
 * {@code counters}) are answered on the connection's thread alone, streamed row by row ({@link ControlListings}).
 * <p>
 * <b>Limits</b>, so that no client can block another: at most {@link #MAX_CONNECTIONS} connections are served at
 * once (one more is answered {@code error busy ...} and closed); a connection that sends nothing for
 * {@link #IDLE_TIMEOUT_MILLIS} is closed; a line longer than {@link #MAX_LINE_BYTES} is answered
 * {@code error line longer than 1024 bytes} and the connection closed; the loop's answer is awaited at most
 * {@link #LOOP_TIMEOUT_MILLIS}, then the firewall's confirmation of the request's bans at most
 * {@link BanReplies#ENFORCE_WAIT_MILLIS} ({@link BanReplies}).
 */
public final class ControlServer implements AutoCloseable
{
    public static final String SOCKET_FILE_NAME = "control.sock";
    /** How long a connection waits for the loop to decide its request; the client waits a little longer. */
    public static final long LOOP_TIMEOUT_MILLIS = 20_000;
    /** One request holds its lines, decisions and replies in memory at once; clients send more in several. */
    public static final int MAX_LINES_PER_REQUEST = 20_000;
    /** Connections served at once; each may hold a request of {@link #MAX_LINES_PER_REQUEST} lines. */
    public static final int MAX_CONNECTIONS = 8;
    /** A connection that sends nothing for this long (between any two bytes) is closed. */
    public static final long IDLE_TIMEOUT_MILLIS = 10_000;
    /** Longest request line, in bytes; a ban of the longest IPv6 prefix with every field is under 150. */
    public static final int MAX_LINE_BYTES = 1024;
    private static final long STOP_JOIN_MILLIS = 1_000;

    private final Path socketPath;
    private final Queue<LocalRequest> requests;
    private final Runnable wakeLoop;
    private final ControlRequests parser;
    private final BanReplies banReplies;
    private final ControlListings listings;
    private final ControlFlush flush;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final Semaphore connectionSlots = new Semaphore(MAX_CONNECTIONS);
    private final Set<LineChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionCount = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param config   the node's state dir (for the socket), id, default ban prefix lengths, default and longest ban.
     * @param requests where decisions go to the loop.
     * @param wakeLoop wakes the loop after a request is queued.
     * @param policy   the node's guard rails, for operator-facing reasons when a ban is refused.
     * @param firewall read from the connections' threads (any-thread views): whether bans are enforced, failures.
     */
    public ControlServer(
        final NodeConfig config,
        final Queue<LocalRequest> requests,
        final Runnable wakeLoop,
        final BanPolicy policy,
        final Firewall firewall) throws IOException
    {
        this.socketPath = config.stateDir().resolve(SOCKET_FILE_NAME);
        this.requests = requests;
        this.wakeLoop = wakeLoop;
        this.parser = new ControlRequests(config, firewall);
        this.banReplies = new BanReplies(firewall, policy);
        this.listings = new ControlListings(config.stateDir(), firewall);
        this.flush = new ControlFlush(config.stateDir(), config.nodeId(), requests, wakeLoop);

        // The state dir lock guarantees no live daemon owns a socket left here: it is a leftover from a crash.
        Files.deleteIfExists(socketPath);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            server.bind(UnixDomainSocketAddress.of(socketPath));
        }
        catch (final IOException ex)
        {
            server.close();
            throw new IOException("cannot create control socket " + socketPath + ": " + ex.getMessage() +
                (socketPath.toString().length() > 100 ? " (UNIX socket paths are limited to about 100 bytes: use a shorter state-dir)" : ""), ex);
        }
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        thread = new Thread(this::acceptLoop, "blocksync-control");
        thread.setDaemon(true);
        thread.start();
    }

    public Path socketPath()
    {
        return socketPath;
    }

    /** Stop accepting, close every open connection, and wait for the accepting thread at most 1 s. */
    public void close() throws IOException
    {
        running = false;
        server.close();
        for (final LineChannel connection : open)
        {
            connection.close();
        }
        try
        {
            thread.join(STOP_JOIN_MILLIS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socketPath);
    }

    private void acceptLoop()
    {
        while (running)
        {
            try
            {
                final SocketChannel accepted = server.accept();
                final LineChannel connection = new LineChannel(accepted, IDLE_TIMEOUT_MILLIS, MAX_LINE_BYTES);
                if (!connectionSlots.tryAcquire())
                {
                    refuseBusy(connection);
                    continue;
                }
                open.add(connection);
                final Thread handler = new Thread(() -> serveAndClose(connection),
                    "blocksync-control-" + connectionCount.incrementAndGet());
                handler.setDaemon(true);
                handler.start();
            }
            catch (final IOException | RuntimeException | Error ex)
            {
                // One bad connection (even out of memory) must not take the control channel down with it.
                if (!running)
                {
                    return;
                }
            }
        }
    }

    private static void refuseBusy(final LineChannel connection)
    {
        reply(connection, ControlProtocol.ERROR + " busy: " + MAX_CONNECTIONS + " control connections are open; try again");
        closeQuietly(connection);
    }

    private void serveAndClose(final LineChannel connection)
    {
        try
        {
            serve(connection);
        }
        catch (final LineChannel.LineTooLongException ex)
        {
            reply(connection, ControlProtocol.ERROR + " " + ex.getMessage() + "; the limit is " + MAX_LINE_BYTES +
                " bytes, closing the connection");
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // A client that stalls (read timeout) or vanishes loses only its own connection.
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            closeQuietly(connection);
            open.remove(connection);
            connectionSlots.release();
        }
    }

    private static void reply(final LineChannel connection, final String reply)
    {
        try
        {
            connection.write(reply + "\n");
        }
        catch (final IOException ex)
        {
            // The client went away first: nothing to tell it.
        }
    }

    private static void closeQuietly(final LineChannel connection)
    {
        try
        {
            connection.close();
        }
        catch (final IOException ex)
        {
            // Closing a socket we are done with: nothing left to do.
        }
    }

    private void serve(final LineChannel connection) throws IOException, InterruptedException
    {
        final List<String> lines = new ArrayList<>();
        for (String line = connection.readLine(); null != line && !line.isEmpty(); line = connection.readLine())
        {
            if (lines.size() == MAX_LINES_PER_REQUEST)
            {
                connection.write(ControlProtocol.ERROR + " more than " + MAX_LINES_PER_REQUEST +
                    " lines in one request; send them in several\n");
                return;
            }
            lines.add(line);
        }
        if (!lines.isEmpty() && ControlFlush.isFlush(lines.get(0)))
        {
            connection.write((lines.size() == 1 ? flush.answer(lines.get(0)) :
                ControlProtocol.ERROR + " " + lines.get(0).trim() + " must be the only line of its request") + "\n");
            return;
        }
        if (!lines.isEmpty() && ControlListings.isListing(lines.get(0)))
        {
            if (lines.size() == 1)
            {
                listings.answer(lines.get(0), connection);
            }
            else
            {
                connection.write(ControlProtocol.ERROR + " " + lines.get(0).trim() + " must be the only line of its request\n");
            }
            return;
        }

        final String[] replies = new String[lines.size()];
        final LocalRequest request = new LocalRequest(lines.size());
        final int[] itemOfLine = new int[lines.size()];
        final IpPrefix prefix = new IpPrefix();
        for (int i = 0; i < lines.size(); i++)
        {
            replies[i] = parser.parse(lines.get(i), request, prefix);
            itemOfLine[i] = null == replies[i] ? request.size() - 1 : -1;
        }

        if (request.size() > 0)
        {
            requests.add(request);
            wakeLoop.run();
            if (!request.await(LOOP_TIMEOUT_MILLIS))
            {
                replies[0] = ControlProtocol.ERROR + " the node did not answer within " + LOOP_TIMEOUT_MILLIS / 1000 + " s";
            }
            else
            {
                final long enforceDeadlineNanos =
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BanReplies.ENFORCE_WAIT_MILLIS);
                for (int i = 0; i < lines.size(); i++)
                {
                    if (itemOfLine[i] >= 0)
                    {
                        replies[i] = banReplies.describe(request, itemOfLine[i], enforceDeadlineNanos);
                    }
                }
            }
        }

        final StringBuilder out = new StringBuilder();
        for (final String reply : replies)
        {
            out.append(null == reply ? ControlProtocol.ERROR + " no answer" : reply).append('\n');
        }
        connection.write(out.toString());
    }
}
