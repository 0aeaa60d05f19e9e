package io.blocksync.daemon.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The [http] server: {@code GET /status} (JSON) and {@code GET /metrics} (Prometheus text), on the JDK's
 * {@code com.sun.net.httpserver} with one thread of its own ({@code blocksync-http-ID}), never the loop's. Pages are
 * built from the status file's counters and the firewall's thread-safe views at each request. Any other path is
 * answered 404 whatever the method; a method other than GET or HEAD on these two, 405. Requests and failed requests are counted
 * ({@code http_requests}, {@code http_request_failures}).
 */
public final class StatusHttpServer implements AutoCloseable
{
    /** How long {@link #close()} lets a request in progress finish. */
    private static final int STOP_DELAY_SECONDS = 1;
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpSources sources;
    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusPage statusPage;
    private final MetricsPage metricsPage;

    private StatusHttpServer(final HttpSources sources, final HttpServer server, final ExecutorService executor)
    {
        this.sources = sources;
        this.server = server;
        this.executor = executor;
        final CounterSlots slots = new CounterSlots(sources.status().countersReader());
        this.statusPage = new StatusPage(sources, slots, System.currentTimeMillis());
        this.metricsPage = new MetricsPage(sources, slots);
    }

    /**
     * Bind and serve.
     *
     * @param listen from {@code [http] listen}.
     * @throws IOException naming the address when it cannot be bound (in use, not this host's).
     */
    public static StatusHttpServer start(final InetSocketAddress listen, final HttpSources sources) throws IOException
    {
        final HttpServer server;
        try
        {
            server = HttpServer.create(listen, 16);
        }
        catch (final IOException ex)
        {
            throw new IOException("[http] listen " + listen.getAddress().getHostAddress() + ":" + listen.getPort() +
                ": " + ex.getMessage(), ex);
        }
        final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "blocksync-http-" + sources.config().nodeId());
            thread.setDaemon(true);
            return thread;
        });
        final StatusHttpServer http = new StatusHttpServer(sources, server, executor);
        server.setExecutor(executor);
        server.createContext("/", http::handle);
        server.start();
        return http;
    }

    /** @return the bound address (the port, when {@code listen} asked for 0). */
    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    @Override
    public void close()
    {
        server.stop(STOP_DELAY_SECONDS);
        executor.shutdown();
        try
        {
            executor.awaitTermination(STOP_DELAY_SECONDS, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(final HttpExchange exchange)
    {
        sources.counters().httpRequests.increment();
        try (exchange)
        {
            // The resource first, then the method (RFC 9110 15.5.5, 15.5.6): DELETE /nope is 404, DELETE /status 405.
            final String path = exchange.getRequestURI().getPath();
            if (!"/status".equals(path) && !"/metrics".equals(path))
            {
                reply(exchange, 404, TEXT, "not found; try /status or /metrics\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, TEXT, "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final byte[] body;
            final String type;
            try
            {
                if ("/status".equals(path))
                {
                    type = "application/json";
                    body = (statusPage.render(System.currentTimeMillis()) + "\n").getBytes(StandardCharsets.UTF_8);
                }
                else
                {
                    final ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
                    metricsPage.write(out);
                    type = MetricsPage.CONTENT_TYPE;
                    body = out.toByteArray();
                }
            }
            catch (final RuntimeException ex)
            {
                // A page that cannot be built is the server's fault, said in one line; the server keeps serving.
                sources.counters().httpRequestFailures.increment();
                reply(exchange, 500, TEXT, ("error: " + ex + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            reply(exchange, 200, type, body);
        }
        catch (final IOException ex)
        {
            // The client went away: counted, never fatal to the server.
            sources.counters().httpRequestFailures.increment();
        }
    }

    private static void reply(final HttpExchange exchange, final int code, final String type, final byte[] body)
        throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", type);
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }
}
