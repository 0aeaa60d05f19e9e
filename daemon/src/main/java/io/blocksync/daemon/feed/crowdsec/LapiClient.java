package io.blocksync.daemon.feed.crowdsec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The calls BlockSync makes to a CrowdSec local API (LAPI, CrowdSec's swagger {@code pkg/models/localapi_swagger.yaml}),
 * over the JDK's HTTP client, on the bridge's threads only (names in the URL are resolved there, never on the loop):
 * <ul>
 *   <li>bouncer: {@code GET /v1/decisions/stream?startup=true|false} with {@code X-Api-Key};</li>
 *   <li>machine (watcher): {@code POST /v1/watchers/login} for a JWT, then {@code POST /v1/alerts} and
 *   {@code DELETE /v1/decisions?...} with {@code Authorization: Bearer JWT}, as cscli and the agent do.</li>
 * </ul>
 * A reply body is read as it arrives, within a deadline ({@link DeadlineInputStream}), at most {@code maxBodyBytes} (a longer one is refused, {@link RefusedReply},
 * and the connection dropped), and parsed strictly ({@link LapiJson}). Every failure is an {@link IOException} whose
 * message names the request and the LAPI's status and body (made printable, {@link LogText}).
 */
final class LapiClient
{
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The slowest a reply body may come, past {@link #TIMEOUT}: 1 s more per this many bytes read. */
    static final long MIN_BYTES_PER_SECOND = 16 << 10;
    /**
     * The largest reply body taken: an eighth of the heap ({@code -Xmx}, {@link Runtime#maxMemory()}), at least
     * 1 MiB; 8 MiB under the launcher's {@code -Xmx64m}, ~40,000 decisions of ~200 bytes. The reply is never held
     * whole (it is parsed as it arrives, {@link CrowdSecDecision.Stream#parse(Reader, CrowdSecDecision.Sink)}); what
     * stays is ~300 bytes per live decision ({@link FromCrowdSec}), so the bound keeps that under a fifth of the heap.
     */
    static final long MAX_BODY_BYTES = maxBodyBytes(Runtime.getRuntime().maxMemory());
    private static final String USER_AGENT = "blocksync-crowdsec-bridge/1";

    private final HttpClient http;
    private final URI base;
    private final long maxBodyBytes;
    private final Duration timeout;

    LapiClient(final URI base)
    {
        this(base, MAX_BODY_BYTES, TIMEOUT);
    }

    /**
     * @param maxBodyBytes the longest reply body taken.
     * @param timeout      to connect, to the headers, and to the body (plus 1 s per {@link #MIN_BYTES_PER_SECOND}).
     */
    LapiClient(final URI base, final long maxBodyBytes, final Duration timeout)
    {
        this.base = base;
        this.maxBodyBytes = maxBodyBytes;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** @return the body bound for a heap of {@code heapBytes}: an eighth of it, at least 1 MiB. */
    static long maxBodyBytes(final long heapBytes)
    {
        return Math.max(1L << 20, heapBytes / 8);
    }

    /** A reply the bridge does not take: larger than the bound, or not the JSON the call expects. */
    static final class RefusedReply extends IOException
    {
        private static final long serialVersionUID = 1L;

        RefusedReply(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    /** What to make of a reply body, read from a stream that ends with an exception past the bound. */
    private interface BodyReader<T>
    {
        T read(Reader body) throws IOException, InterruptedException;
    }

    /**
     * Decisions added and deleted since this bouncer's last call (all live ones, and ended ones, at startup), each
     * handed to the sink as it is read.
     */
    void stream(final String apiKey, final boolean startup, final CrowdSecDecision.Sink sink) throws IOException
    {
        final HttpRequest request = request("/v1/decisions/stream?startup=" + startup).header("X-Api-Key", apiKey).GET().build();
        send(request, 200, body ->
        {
            CrowdSecDecision.Stream.parse(body, sink);
            return null;
        });
    }

    /** @return a JWT for the machine; it lasts an hour (LAPI's default), a 401 later means log in again. */
    String login(final String machineId, final String password) throws IOException
    {
        final String body = "{\"machine_id\":" + JsonWriter.string(machineId) + ",\"password\":" + JsonWriter.string(password) + "}";
        final Object reply = send(request("/v1/watchers/login").POST(HttpRequest.BodyPublishers.ofString(body)).build(), 200,
            LapiJson::parse);
        final Object token = reply instanceof Map<?, ?> fields ? fields.get("token") : null;
        if (!(token instanceof String text) || text.isEmpty())
        {
            throw new IOException("POST /v1/watchers/login: no token in the reply");
        }
        return text;
    }

    /** {@code POST /v1/alerts}: a JSON array of alerts, each with its decisions. */
    void postAlerts(final String token, final String alertsJson) throws IOException
    {
        send(request("/v1/alerts").header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(alertsJson)).build(), 201, LapiClient::drain);
    }

    /** {@code DELETE /v1/decisions?QUERY}: the query's parameters already URL-encoded. */
    void deleteDecisions(final String token, final String query) throws IOException
    {
        send(request("/v1/decisions?" + query).header("Authorization", "Bearer " + token).DELETE().build(), 200, LapiClient::drain);
    }

    /** A reply whose content the bridge does not use (the ids of the alerts made, the count deleted). */
    private static Object drain(final Reader body) throws IOException
    {
        body.transferTo(java.io.Writer.nullWriter());
        return null;
    }

    private HttpRequest.Builder request(final String pathAndQuery)
    {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
            .header("User-Agent", USER_AGENT).header("Content-Type", "application/json");
    }

    private <T> T send(final HttpRequest request, final int expected, final BodyReader<T> parser) throws IOException
    {
        try
        {
            return sendOrInterrupt(request, expected, parser);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException(request.method() + " " + request.uri().getRawPath() + ": interrupted", ex);
        }
    }

    private <T> T sendOrInterrupt(final HttpRequest request, final int expected, final BodyReader<T> parser)
        throws IOException, InterruptedException
    {
        final String what = request.method() + " " + request.uri().getRawPath();
        final HttpResponse<InputStream> response;
        try
        {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", ex);
        }
        catch (final IOException ex)
        {
            throw new IOException(what + " to " + base + ": " + LogText.printable(
                null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage()), ex);
        }
        try (InputStream raw = new DeadlineInputStream(response.body(), timeout.toNanos(), MIN_BYTES_PER_SECOND);
            Reader body = new InputStreamReader(new BoundedInputStream(raw, maxBodyBytes), StandardCharsets.UTF_8))
        {
            if (response.statusCode() != expected)
            {
                final char[] start = new char[300];
                final int read = Math.max(0, body.read(start));
                throw new LapiStatusException(what + " answered " + response.statusCode() + ": " +
                    LogText.printable(new String(start, 0, read).replaceAll("\\s+", " ").strip()), response.statusCode());
            }
            return parser.read(body);
        }
        catch (final BoundedInputStream.TooLong ex)
        {
            throw new RefusedReply(what + ": the reply is longer than " + maxBodyBytes + " bytes; refused", ex);
        }
        catch (final DeadlineInputStream.TooSlow ex)
        {
            throw new IOException(what + ": " + ex.getMessage(), ex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new RefusedReply(what + ": " + ex.getMessage(), ex);
        }
    }

    /** The LAPI answered with another status than the call expects (401: the key or the token is not valid). */
    static final class LapiStatusException extends IOException
    {
        private static final long serialVersionUID = 1L;
        private final int status;

        LapiStatusException(final String message, final int status)
        {
            super(message);
            this.status = status;
        }

        int status()
        {
            return status;
        }
    }
}
