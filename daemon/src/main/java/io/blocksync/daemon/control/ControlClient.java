package io.blocksync.daemon.control;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to a running daemon over its control socket. Every wait is bounded: a daemon that accepts the connection
 * but sends nothing for {@link #REPLY_TIMEOUT_MILLIS} (stopped with SIGSTOP, stuck) ends the exchange with an
 * {@link IOException} whose message is one line for the operator.
 */
public final class ControlClient
{
    /** The daemon answers within {@link ControlServer#LOOP_TIMEOUT_MILLIS}, with an error line if need be. */
    public static final long REPLY_TIMEOUT_MILLIS = ControlServer.LOOP_TIMEOUT_MILLIS + 10_000;
    private static final int MAX_REPLY_LINE_BYTES = 64 * 1024;

    private ControlClient()
    {
    }

    /**
     * Send request lines and return the daemon's reply lines.
     *
     * @throws IOException with an operator-facing message when no daemon listens there or it does not answer
     * within {@link #REPLY_TIMEOUT_MILLIS}.
     */
    public static List<String> exchange(final Path stateDir, final List<String> requestLines) throws IOException
    {
        final Path socket = stateDir.resolve(ControlServer.SOCKET_FILE_NAME);
        if (!Files.exists(socket))
        {
            throw new IOException("no control socket at " + socket + ": is `blocksync run` running with this config?");
        }

        final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.connect(UnixDomainSocketAddress.of(socket));
        }
        catch (final IOException ex)
        {
            channel.close();
            throw new IOException("cannot reach the daemon at " + socket + " (" + ex.getMessage() +
                "): is `blocksync run` running with this config?", ex);
        }

        try (LineChannel connection = new LineChannel(channel, REPLY_TIMEOUT_MILLIS, MAX_REPLY_LINE_BYTES))
        {
            final StringBuilder request = new StringBuilder();
            for (final String line : requestLines)
            {
                request.append(line).append('\n');
            }
            request.append('\n');
            connection.write(request.toString());

            final List<String> replies = new ArrayList<>();
            for (String line = connection.readLine(); null != line; line = connection.readLine())
            {
                replies.add(line);
            }
            return replies;
        }
        catch (final SocketTimeoutException ex)
        {
            throw new IOException("the daemon at " + socket + " did not answer within " + REPLY_TIMEOUT_MILLIS / 1000 +
                " s: is it stopped or stuck? (`blocksync status` reads its counters without it)", ex);
        }
    }
}
