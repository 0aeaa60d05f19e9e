package io.blocksync.daemon.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * [crowdsec]: BlockSync as a bouncer of a CrowdSec local API (LAPI), and optionally pushing its own decisions into it.
 * The secrets are read when the configuration is (so {@code check-config} finds a missing or empty file) and never
 * printed: {@link #toString()} names the files only.
 *
 * @param lapiUrl            the LAPI's base URL, {@code http://127.0.0.1:8080} (CrowdSec's {@code api.server.listen_uri}).
 * @param apiKeyFile         the file holding the bouncer's API key ({@code cscli bouncers add NAME -o raw}).
 * @param apiKey             its content, trimmed.
 * @param pollIntervalMillis how often {@code GET /v1/decisions/stream} is asked, ms.
 * @param machine            the machine that pushes this node's bans as alerts ({@code POST /v1/alerts}); null
 *                           when {@code push} is off.
 */
public record CrowdSecConfig(URI lapiUrl, Path apiKeyFile, String apiKey, long pollIntervalMillis, Machine machine)
{
    /**
     * @param file     the machine credentials file ({@code cscli machines add NAME --auto -f FILE}).
     * @param login    its {@code login}.
     * @param password its {@code password}.
     */
    public record Machine(Path file, String login, String password)
    {
        @Override
        public String toString()
        {
            return "Machine[file=" + file + ", login=" + login + "]";
        }
    }

    /** The default poll of the decision stream: CrowdSec's own bouncers poll every 10 s. */
    public static final long DEFAULT_POLL_INTERVAL_MILLIS = 1_000;

    /** Whether bans of this node and its peers are pushed into the LAPI ({@code push = yes}). */
    public boolean push()
    {
        return null != machine;
    }

    @Override
    public String toString()
    {
        return "CrowdSecConfig[lapiUrl=" + lapiUrl + ", apiKeyFile=" + apiKeyFile + ", pollIntervalMillis=" +
            pollIntervalMillis + ", machine=" + machine + "]";
    }
}
