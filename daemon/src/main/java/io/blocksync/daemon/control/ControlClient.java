package io.blocksync.daemon.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to a running daemon over its control socket.
 */
public final class ControlClient
{
    private ControlClient()
    {
    }

    /**
     * Send request lines and return the daemon's reply lines.
     *
     * @throws IOException with an operator-facing message when no daemon listens there.
     */
    public static List<String> exchange(final Path stateDir, final List<String> requestLines) throws IOException
    {
        final Path socket = stateDir.resolve(ControlServer.SOCKET_FILE_NAME);
        if (!Files.exists(socket))
        {
            throw new IOException("no control socket at " + socket + ": is `blocksync run` running with this config?");
        }

        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            try
            {
                channel.connect(UnixDomainSocketAddress.of(socket));
            }
            catch (final IOException ex)
            {
                throw new IOException("cannot reach the daemon at " + socket + " (" + ex.getMessage() +
                    "): is `blocksync run` running with this config?", ex);
            }

            final StringBuilder request = new StringBuilder();
            for (final String line : requestLines)
            {
                request.append(line).append('\n');
            }
            request.append('\n');
            final ByteBuffer bytes = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }

            final BufferedReader reader = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            final List<String> replies = new ArrayList<>();
            for (String line = reader.readLine(); null != line; line = reader.readLine())
            {
                replies.add(line);
            }
            return replies;
        }
    }
}
