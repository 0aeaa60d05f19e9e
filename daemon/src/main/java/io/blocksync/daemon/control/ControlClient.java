package io.blocksync.daemon.control;

import io.blocksync.daemon.config.FileProblems;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
        try (LineChannel connection = connect(socket))
        {
            final StringBuilder request = new StringBuilder();
            for (final String line : requestLines)
            {
                request.append(line).append('\n');
            }
            request.append('\n');
            connection.write(request);

            final List<String> replies = new ArrayList<>();
            for (String line = connection.readLine(); null != line; line = connection.readLine())
            {
                replies.add(line);
            }
            return replies;
        }
        catch (final SocketTimeoutException ex)
        {
            throw notAnswering(socket, ex);
        }
    }

    /**
     * Send one listing request ({@code bans}, {@code counters}: see {@link ControlProtocol}) and hand each row line to
     * {@code rows} as it arrives; only one line is held at a time, so any number of rows goes through a small heap.
     *
     * @param rows receives each row line, without its newline.
     * @return the closing line, which starts with {@code ok} or {@code error}.
     * @throws IOException as {@link #exchange}, and when the connection ends before the closing line.
     */
    public static String stream(final Path stateDir, final String requestLine, final Consumer<String> rows) throws IOException
    {
        final Path socket = stateDir.resolve(ControlServer.SOCKET_FILE_NAME);
        try (LineChannel connection = connect(socket))
        {
            connection.write(requestLine + "\n\n");
            for (String line = connection.readLine(); null != line; line = connection.readLine())
            {
                if (line.startsWith(ControlProtocol.OK) || line.startsWith(ControlProtocol.ERROR))
                {
                    return line;
                }
                rows.accept(line);
            }
            throw new IOException("the daemon at " + socket + " closed the connection before the end of the listing");
        }
        catch (final SocketTimeoutException ex)
        {
            throw notAnswering(socket, ex);
        }
    }

    static LineChannel connect(final Path socket) throws IOException
    {
        final boolean present;
        try
        {
            present = FileProblems.exists(socket);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot reach the daemon: " + ex.getMessage(), ex);
        }
        if (!present)
        {
            throw new IOException("no control socket at " + socket + ": is `blocksync run` running with this config?");
        }

        final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new LineChannel(channel, REPLY_TIMEOUT_MILLIS, MAX_REPLY_LINE_BYTES);
        }
        catch (final IOException ex)
        {
            channel.close();
            throw new IOException("cannot reach the daemon at " + socket + " (" + ex.getMessage() +
                "): is `blocksync run` running with this config?", ex);
        }
    }

    static IOException notAnswering(final Path socket, final SocketTimeoutException ex)
    {
        return new IOException("the daemon at " + socket + " did not answer within " + REPLY_TIMEOUT_MILLIS / 1000 +
            " s: is it stopped or stuck? (`blocksync status` reads its counters without it)", ex);
    }
}
