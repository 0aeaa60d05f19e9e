package io.blocksync.bench;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The attacker of {@link EndToEndLatencyRun}, run inside the attacker's network namespace. For each stdin line
 * {@code SOURCE TARGET PORT} it sends one TCP SYN from SOURCE (bound; the address must be on an interface) to
 * TARGET:PORT with a non-blocking connect, drops the socket at once, and answers {@code sent SOURCE EPOCH_NANOS}, the
 * wall-clock time taken just before {@code connect()}; or {@code error SOURCE message}. It prints {@code ready} first.
 * One long-lived process, so no process start sits between the timestamp and the packet.
 */
public final class EndToEndAttacker
{
    private EndToEndAttacker()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        out.println("ready");
        String line;
        while (null != (line = in.readLine()))
        {
            final String[] words = line.trim().split(" ");
            if (words.length != 3)
            {
                out.println("error " + line + " expected: SOURCE TARGET PORT");
                continue;
            }
            try
            {
                out.println("sent " + words[0] + " " + knock(address(words[0]), address(words[1]), Integer.parseInt(words[2])));
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                out.println("error " + words[0] + " " + ex);
            }
        }
    }

    private static long knock(final InetAddress source, final InetAddress target, final int port) throws IOException
    {
        final StandardProtocolFamily family = source.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        try (SocketChannel channel = SocketChannel.open(family))
        {
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(source, 0));
            final Instant before = Instant.now();
            // The kernel sends the SYN inside connect(); closing the pending socket afterwards sends nothing more.
            channel.connect(new InetSocketAddress(target, port));
            return before.getEpochSecond() * 1_000_000_000L + before.getNano();
        }
    }

    /** A literal address only: never a name lookup. */
    private static InetAddress address(final String text) throws IOException
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        final byte[] address = prefix.copyAddress();
        return InetAddress.getByAddress(4 == prefix.family() ? Arrays.copyOf(address, 4) : address);
    }
}
