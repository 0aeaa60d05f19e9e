package io.blocksync.daemon.feed.crowdsec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A CrowdSec local API on 127.0.0.1 (JDK HTTP server) that answers the bridge's calls with what a test queues: the
 * stream's answers in order (then empty ones), a login token, alerts taken (201) unless the test refuses them (400,
 * as the LAPI refuses a body it cannot bind), deletions taken. It records every request.
 */
final class FakeLapi implements AutoCloseable
{
    static final String EMPTY_STREAM = "{\"new\":null,\"deleted\":null}";

    final List<String> streamQueries = new CopyOnWriteArrayList<>();
    final List<String> alertBodies = new CopyOnWriteArrayList<>();
    final List<String> deleteQueries = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<byte[]> answers = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private volatile Predicate<String> refuseAlert = body -> false;

    FakeLapi() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/decisions/stream", exchange ->
        {
            streamQueries.add(exchange.getRequestURI().getRawQuery());
            final byte[] answer = answers.poll();
            reply(exchange, 200, null == answer ? EMPTY_STREAM.getBytes(StandardCharsets.UTF_8) : answer);
        });
        server.createContext("/v1/watchers/login", exchange ->
            reply(exchange, 200, "{\"code\":200,\"expire\":\"2030-01-01T00:00:00Z\",\"token\":\"t0k3n\"}".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/v1/alerts", exchange ->
        {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (refuseAlert.test(body))
            {
                reply(exchange, 400, "{\"message\":\"validation failure list:\\nbad\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            alertBodies.add(body);
            reply(exchange, 201, "[\"1\"]".getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/v1/decisions", exchange ->
        {
            deleteQueries.add(exchange.getRequestURI().getRawQuery());
            reply(exchange, 200, "{\"nbDeleted\":\"1\"}".getBytes(StandardCharsets.UTF_8));
        });
        server.start();
    }

    String url()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(final String json)
    {
        answers.add(json.getBytes(StandardCharsets.UTF_8));
    }

    void refuseAlerts(final Predicate<String> refuse)
    {
        refuseAlert = refuse;
    }

    String alerts()
    {
        return String.join("\n", alertBodies);
    }

    private static void reply(final HttpExchange exchange, final int status, final byte[] body) throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(body);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
