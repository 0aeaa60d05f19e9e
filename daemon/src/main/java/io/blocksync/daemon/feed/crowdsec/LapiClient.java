package io.blocksync.daemon.feed.crowdsec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Every failure is an {@link IOException} whose message names the request and the LAPI's status and body.
 */
final class LapiClient
{
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String USER_AGENT = "blocksync-crowdsec-bridge/1";

    private final HttpClient http;
    private final URI base;

    LapiClient(final URI base)
    {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** @return the stream's JSON: decisions added and deleted since this bouncer's last call (all live ones at startup). */
    String stream(final String apiKey, final boolean startup) throws IOException
    {
        final HttpRequest request = request("/v1/decisions/stream?startup=" + startup).header("X-Api-Key", apiKey).GET().build();
        return send(request, 200);
    }

    /** @return a JWT for the machine; it lasts an hour (LAPI's default), a 401 later means log in again. */
    String login(final String machineId, final String password) throws IOException
    {
        final String body = "{\"machine_id\":" + JsonWriter.string(machineId) + ",\"password\":" + JsonWriter.string(password) + "}";
        final String reply = send(request("/v1/watchers/login").POST(HttpRequest.BodyPublishers.ofString(body)).build(), 200);
        final Object token = JsonReader.parse(reply) instanceof Map<?, ?> fields ? fields.get("token") : null;
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
            .POST(HttpRequest.BodyPublishers.ofString(alertsJson)).build(), 201);
    }

    /** {@code DELETE /v1/decisions?QUERY}: the query's parameters already URL-encoded. */
    void deleteDecisions(final String token, final String query) throws IOException
    {
        send(request("/v1/decisions?" + query).header("Authorization", "Bearer " + token).DELETE().build(), 200);
    }

    private HttpRequest.Builder request(final String pathAndQuery)
    {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT)
            .header("User-Agent", USER_AGENT).header("Content-Type", "application/json");
    }

    private String send(final HttpRequest request, final int expected) throws IOException
    {
        final String what = request.method() + " " + request.uri().getRawPath();
        final HttpResponse<String> response;
        try
        {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", ex);
        }
        catch (final IOException ex)
        {
            throw new IOException(what + " to " + base + ": " + (null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage()), ex);
        }
        if (response.statusCode() != expected)
        {
            throw new LapiStatusException(what + " answered " + response.statusCode() + ": " + cut(response.body()), response.statusCode());
        }
        return response.body();
    }

    private static String cut(final String body)
    {
        final String line = null == body ? "" : body.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
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
