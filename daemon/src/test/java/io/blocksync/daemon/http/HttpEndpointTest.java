package io.blocksync.daemon.http;

import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.cli.BlockSyncCli;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * [http] on a running two-node cluster: /metrics scraped and read by a strict Prometheus text parser, with the
 * enforcement latency histogram fed by a real firewall backend (the control script backend) and the per-peer RTT and
 * lag gauges; /status's JSON keys; 404 and 405.
 */
class HttpEndpointTest
{
    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void metricsParseAsPrometheusTextWithTheLatencyHistogramAndPeerGaugesAndStatusHasItsKeys() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2,
            "[firewall]\nbackend = control\nscript = control.sh\n\n[protocol]\nheartbeat-interval = 100ms\n");
        final Path script = dir.resolve("control.sh");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = add ] && echo 1\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        final int port = freeTcpPort();
        Files.writeString(cluster.configFile(1), "\n[http]\nlisten = 127.0.0.1:" + port + "\n", StandardOpenOption.APPEND);

        final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        final EventLog log = new EventLog(logBytes);
        final Node one = Node.start(ConfigReader.read(cluster.configFile(1)), log);
        final Node two = Node.start(ConfigReader.read(cluster.configFile(2)), log);
        try
        {
            final String base = "http://127.0.0.1:" + port;
            // RTT is sampled only from batches acknowledged without a retransmission (Karn): on a loaded machine the
            // first may be retransmitted, so another ban goes out at each scrape until a sample is there.
            final int[] bans = { 0 };
            final PrometheusText metrics = waitFor(base + "/metrics", text ->
            {
                final PrometheusText parsed = PrometheusText.parse(text);
                final Double enforced = parsed.value("blocksync_ban_enforce_latency_seconds_count", Map.of());
                final Double stored = parsed.value("blocksync_store_entries", Map.of());
                final boolean ready = null != enforced && enforced >= 1 && null != stored && stored >= 1 &&
                    null != parsed.value("blocksync_peer_rtt_seconds", Map.of("peer", "2"));
                if (!ready && (null == enforced || enforced < 1 || null == parsed.value("blocksync_peer_rtt_seconds",
                    Map.of("peer", "2"))))
                {
                    bans[0]++;
                    assertEquals(0, BlockSyncCli.run("ban", "-c", cluster.configFile(1).toString(), "198.51.100." + bans[0]));
                }
                return ready;
            }, logBytes);

            assertEquals("histogram", metrics.types.get("blocksync_ban_enforce_latency_seconds"));
            assertEquals("counter", metrics.types.get("blocksync_bans_applied_total"));
            assertEquals("gauge", metrics.types.get("blocksync_store_entries"));
            assertEquals(1.0, metrics.value("blocksync_peer_up", Map.of("peer", "2", "name", "node2")));
            assertNotNull(metrics.value("blocksync_peer_lag_batches", Map.of("peer", "2")));
            assertTrue(metrics.value("blocksync_peer_rtt_seconds", Map.of("peer", "2")) > 0);
            assertEquals(1.0, metrics.value("blocksync_node_info", Map.of("node", "1", "firewall_backend", "control")));
            assertTrue(metrics.value("blocksync_http_requests_total", Map.of()) >= 1);
            final double sumSeconds = metrics.value("blocksync_ban_enforce_latency_seconds_sum", Map.of());
            assertTrue(sumSeconds >= 0 && sumSeconds < 60, "latency sum " + sumSeconds);

            final HttpResponse<String> status = get(base + "/status");
            assertEquals(200, status.statusCode());
            assertEquals("application/json", status.headers().firstValue("Content-Type").orElse(null));
            for (final String key : List.of("\"node\":1", "\"pid\":", "\"started\":", "\"alive\":", "\"peers\":[{\"id\":2",
                "\"name\":\"node2\"", "\"address\":\"127.0.0.1:", "\"state\":", "\"last_heard\":", "\"rtt_ms\":",
                "\"lag_batches\":", "\"sources\":[]", "\"firewall\":{\"backend\":\"control\",\"healthy\":true",
                "\"failures\":{\"apply\":{\"count\":0,\"last_message\":null}", "\"enforce_latency\":{\"count\":",
                "\"counters\":{\"datagrams_received\":", "\"bans_applied\":"))
            {
                assertTrue(status.body().contains(key), key + " missing from " + status.body());
            }

            assertEquals(404, get(base + "/nothing").statusCode());
            final HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
        finally
        {
            two.close();
            one.close();
            log.close();
        }
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("node 1: serving /status and /metrics on http://127.0.0.1:" + port),
            logBytes.toString(StandardCharsets.UTF_8));
    }

    /**
     * Node 2 never starts: node 1's batches to it are never acknowledged and no HEARTBEAT ever comes. The lag and the
     * clock offset are no sample at all, not a stream position minus an unset 0 and not a measured 0.
     */
    @Test
    void beforeAPeerAnswersItsLagAndClockOffsetAreAbsent() throws Exception
    {
        final LoopbackCluster cluster = LoopbackCluster.write(dir, 2, "[protocol]\nheartbeat-interval = 100ms\n");
        final int port = freeTcpPort();
        Files.writeString(cluster.configFile(1), "\n[http]\nlisten = 127.0.0.1:" + port + "\n", StandardOpenOption.APPEND);
        final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        final EventLog log = new EventLog(logBytes);
        final Node one = Node.start(ConfigReader.read(cluster.configFile(1)), log);
        try
        {
            final String base = "http://127.0.0.1:" + port;
            final PrometheusText before = PrometheusText.parse(get(base + "/metrics").body());
            final Double lagBefore = before.value("blocksync_peer_lag_batches", Map.of("peer", "2"));
            assertTrue(null == lagBefore || lagBefore == 0, "lag before anything was sent: " + lagBefore);

            assertEquals(0, BlockSyncCli.run("ban", "-c", cluster.configFile(1).toString(), "198.51.100.1"));
            final PrometheusText metrics = waitFor(base + "/metrics", text ->
            {
                final Double sent = PrometheusText.parse(text).value("blocksync_datagrams_sent_total", Map.of());
                return null != sent && sent >= 3;
            }, logBytes);
            final Double lag = metrics.value("blocksync_peer_lag_batches", Map.of("peer", "2"));
            assertEquals(null, lag, "no ACK from peer 2 yet, so no lag sample (not a stream position minus 0)");
            assertEquals(null, metrics.value("blocksync_peer_clock_offset_seconds", Map.of("peer", "2")),
                "no HEARTBEAT from peer 2, so no offset sample");
            assertEquals(null, metrics.value("blocksync_peer_rtt_seconds", Map.of("peer", "2")));
            assertEquals(0.0, metrics.value("blocksync_peer_up", Map.of("peer", "2")));

            final String status = get(base + "/status").body();
            assertTrue(status.contains("\"clock_offset_ms\":null") && status.contains("\"lag_batches\":null"), status);

            // The resource first, then the method: an unknown path is 404 whatever the method.
            assertEquals(404, send(base + "/nope", "DELETE").statusCode());
            assertEquals(404, send(base + "/nope", "POST").statusCode());
            final HttpResponse<String> delete = send(base + "/status", "DELETE");
            assertEquals(405, delete.statusCode());
            assertEquals("GET, HEAD", delete.headers().firstValue("Allow").orElse(null));
        }
        finally
        {
            one.close();
            log.close();
        }
    }

    private HttpResponse<String> send(final String url, final String method) throws Exception
    {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText waitFor(final String url, final Predicate<String> ready, final ByteArrayOutputStream log)
    {
        final String[] last = { "(nothing)" };
        Poll.until("a latency sample and a peer RTT in " + url, Duration.ofMillis(DEADLINE_MILLIS), () ->
            {
                final HttpResponse<String> response = get(url);
                assertEquals(200, response.statusCode());
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    response.headers().toString());
                last[0] = response.body();
                return ready.test(last[0]);
            },
            () -> "last scrape:\n" + last[0] + "\nlog:\n" + log.toString(StandardCharsets.UTF_8));
        return PrometheusText.parse(last[0]);
    }

    private HttpResponse<String> get(final String url) throws Exception
    {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static int freeTcpPort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
