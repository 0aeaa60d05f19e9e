package io.blocksync.daemon.config;

import java.net.InetSocketAddress;

/**
 * [http]: the local status page and Prometheus endpoint. Absent: no HTTP server. Present: {@code listen} is required
 * and must be a loopback address ({@code 127.0.0.1:PORT}, {@code [::1]:PORT}) unless {@code allow-remote = yes}: the
 * pages carry no secrets but name every peer and count every refusal, and the server has no authentication, so
 * anything wider is a choice the operator writes down.
 */
final class HttpSection
{
    static final String NAME = "http";

    private HttpSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config)
    {
        final InetSocketAddress listen = reader.required("listen", Values.endpoint());
        final boolean allowRemote = "yes".equals(reader.value("allow-remote", Values.oneOf("yes", "no"), "no"));
        reader.finish();
        if (null == listen)
        {
            return;
        }

        if (!listen.getAddress().isLoopbackAddress() && !allowRemote)
        {
            reader.errorAt("listen: " + EndpointText.format(listen) + " is not a loopback address; the status page has " +
                "no authentication: use 127.0.0.1:PORT or [::1]:PORT, or set allow-remote = yes", "listen");
            return;
        }
        if (listen.getAddress().isAnyLocalAddress())
        {
            reader.warningAt("listen: " + EndpointText.format(listen) + " serves the status page on every address of " +
                "this host, without authentication", "listen");
        }
        config.httpListen = listen;
    }
}
