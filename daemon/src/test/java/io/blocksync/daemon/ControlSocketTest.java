package io.blocksync.daemon;

import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlServer;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control socket serves its clients concurrently and within limits: an idle or misbehaving client never
 * blocks another's {@code ban}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ControlSocketTest
{
    @TempDir
    Path dir;

    private InProcessCluster cluster;
    private final List<SocketChannel> clients = new ArrayList<>();

    @BeforeEach
    void startNode() throws Exception
    {
        cluster = new InProcessCluster(dir, 2, "", 1);
    }

    @AfterEach
    void stopNode() throws IOException
    {
        for (final SocketChannel client : clients)
        {
            client.close();
        }
        cluster.close();
    }

    @Test
    void aSecondClientsBanIsAnsweredWhileAFirstClientSitsIdle() throws Exception
    {
        final SocketChannel idle = connect();
        write(idle, "ban 198.51.100.7");

        final long startNanos = System.nanoTime();
        assertEquals(List.of("ok ban 198.51.100.8"), ControlClient.exchange(stateDir(), List.of("ban 198.51.100.8 60 ssh 0 0")));
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(millis < ControlServer.IDLE_TIMEOUT_MILLIS, "answered without waiting for the idle client: " + millis + " ms");
    }

    @Test
    void anOverLongLineIsRefusedNamingTheLimitAndItsConnectionClosed() throws Exception
    {
        final SocketChannel client = connect();
        write(client, "ban " + "9".repeat(ControlServer.MAX_LINE_BYTES * 2) + " 60 ssh 0 0\n\n");

        assertEquals(List.of("error line longer than 1024 bytes; the limit is 1024 bytes, closing the connection"), readToEnd(client));
        assertEquals(List.of("ok pong node 1"), ControlClient.exchange(stateDir(), List.of("ping")));
    }

    @Test
    void oneConnectionMoreThanTheCapIsToldBusyAndTheOthersStillServed() throws Exception
    {
        final List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++)
        {
            idle.add(connect());
        }
        // Connections are accepted in order, so these eight hold every slot before the ninth is accepted.
        final SocketChannel extra = connect();
        assertEquals(List.of("error busy: 8 control connections are open; try again"), readToEnd(extra));

        idle.get(0).close();
        Poll.until("a slot to free up", Duration.ofSeconds(10), () ->
        {
            try
            {
                return ControlClient.exchange(stateDir(), List.of("ping")).equals(List.of("ok pong node 1"));
            }
            catch (final IOException ex)
            {
                return false;
            }
        }, cluster::log);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception
    {
        final SocketChannel idle = connect();
        final long startNanos = System.nanoTime();

        assertEquals(List.of(), readToEnd(idle), "closed without a reply");
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(millis >= ControlServer.IDLE_TIMEOUT_MILLIS - 100, "closed after " + millis + " ms");
    }

    private Path stateDir()
    {
        return cluster.files.stateDir(1);
    }

    private SocketChannel connect() throws IOException
    {
        final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        clients.add(channel);
        channel.connect(UnixDomainSocketAddress.of(stateDir().resolve(ControlServer.SOCKET_FILE_NAME)));
        return channel;
    }

    private static void write(final SocketChannel channel, final String text) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
    }

    /** Blocking: the class's timeout bounds it. */
    private static List<String> readToEnd(final SocketChannel channel) throws IOException
    {
        final InputStream in = Channels.newInputStream(channel);
        final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
