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

    @Test
    void theControlSocketRefusesZeroNegativeOverflowingAndOverlongDurationsWithTheSameLineAsEveryOtherDoor() throws Exception
    {
        final String forms = "; accepted: 1s to 30d (max-duration), e.g. 30s, 15m, 1h, 1h30m";
        final List<String> replies = ControlClient.exchange(stateDir(), List.of(
            "ban 198.51.100.20 0 ssh 0 0",
            "ban 198.51.100.21 -60 ssh 0 0",
            "ban 198.51.100.22 200000w ssh 0 0",
            "ban 198.51.100.23 4294967296 ssh 0 0",
            "ban 198.51.100.24 31d ssh 0 0",
            "ban 198.51.100.25 permanent ssh 0 0",
            "ban 198.51.100.26 1h30m ssh 0 0",
            "ban 198.51.100.27 default ssh 0 0",
            "ban 198.51.100.28 60 ssh 6 99999"));

        assertEquals(List.of(
            "error 198.51.100.20: '0': a ban must last at least 1s" + forms,
            "error 198.51.100.21: '-60': a ban cannot last a negative time" + forms,
            "error 198.51.100.22: '200000w': longer than the 49710d6h28m15s (about 136 years) a ban record can hold" + forms,
            "error 198.51.100.23: '4294967296': longer than the 49710d6h28m15s (about 136 years) a ban record can hold" + forms,
            "error 198.51.100.24: '31d': longer than max-duration (30d)" + forms,
            "error 198.51.100.25: 'permanent': bans without end are off here (max-duration is 30d)" + forms,
            "ok ban 198.51.100.26",
            "ok ban 198.51.100.27",
            "error 198.51.100.28: protocol must be a number 0-255 and port 0-65535"), replies);
    }

    @Test
    void enforcementAndFirewallFailuresAreAnsweredWithoutTheLoop() throws Exception
    {
        assertEquals(List.of("ok ban 198.51.100.30"), ControlClient.exchange(stateDir(), List.of("ban 198.51.100.30 60 ssh 0 0")));

        // The in-process node's log backend is a dry run: it holds every ban it is given and never fails.
        assertEquals(List.of("ok enforced 198.51.100.30 true", "ok firewall log partial 0", "error usage: firewall KIND " +
                "(apply, partial, check, drift or cleanup)", "error unknown request 'enforce'"),
            ControlClient.exchange(stateDir(), List.of("enforced 198.51.100.30", "firewall partial", "firewall", "enforce x")));
    }

    /** A flush or listing after another line is misplaced, not unknown: each line still gets its own reply. */
    @Test
    void aFlushOrListingAfterTheFirstLineIsToldItMustBeTheOnlyLine() throws Exception
    {
        assertEquals(List.of("ok pong node 1", "error flush sshd must be the only line of its request",
                "error bans must be the only line of its request", "error unknown request 'flsh'"),
            ControlClient.exchange(stateDir(), List.of("ping", "flush sshd", "bans", "flsh sshd")));
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
