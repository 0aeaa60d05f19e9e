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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile Predicate<String> refuseAlert = body -> false;
    private volatile int refuseStatus = 400;

    /** A stream answer the test writes itself (headers, then the body in parts). */
    interface Answer
    {
        void write(HttpExchange exchange) throws IOException;
    }

    FakeLapi() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/decisions/stream", exchange ->
        {
            streamQueries.add(exchange.getRequestURI().getRawQuery());
            final Answer answer = answers.poll();
            if (null == answer)
            {
                reply(exchange, 200, EMPTY_STREAM.getBytes(StandardCharsets.UTF_8));
            }
            else
            {
                answer.write(exchange);
            }
        });
        server.createContext("/v1/watchers/login", exchange ->
            reply(exchange, 200, "{\"code\":200,\"expire\":\"2030-01-01T00:00:00Z\",\"token\":\"t0k3n\"}".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/v1/alerts", exchange ->
        {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (refuseAlert.test(body))
            {
                reply(exchange, refuseStatus, "{\"message\":\"validation failure list:\\nbad\"}".getBytes(StandardCharsets.UTF_8));
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
        // Several exchanges at once: a test's trickling answer must not hold up the next request.
        server.setExecutor(executor);
        server.start();
    }

    String url()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(final String json)
    {
        final byte[] body = json.getBytes(StandardCharsets.UTF_8);
        answers.add(exchange -> reply(exchange, 200, body));
    }

    void answer(final Answer answer)
    {
        answers.add(answer);
    }

    void refuseAlerts(final Predicate<String> refuse)
    {
        refuseAlerts(400, refuse);
    }

    /** @param status what a refused alert is answered with: 400 as the LAPI refuses a body, 5xx for its own trouble. */
    void refuseAlerts(final int status, final Predicate<String> refuse)
    {
        refuseStatus = status;
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
        executor.shutdownNow();
    }
}
