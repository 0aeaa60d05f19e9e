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
 * @param push               whether bans of this node and its peers are pushed as alerts ({@code POST /v1/alerts}).
 * @param machineFile        the machine credentials file ({@code cscli machines add NAME --auto -f FILE}); null
 *                           when {@code push} is off.
 * @param machineLogin       its {@code login}; null when {@code push} is off.
 * @param machinePassword    its {@code password}; null when {@code push} is off.
 */
public record CrowdSecConfig(
    URI lapiUrl,
    Path apiKeyFile,
    String apiKey,
    long pollIntervalMillis,
    boolean push,
    Path machineFile,
    String machineLogin,
    String machinePassword)
{
    /** The default poll of the decision stream: CrowdSec's own bouncers poll every 10 s. */
    public static final long DEFAULT_POLL_INTERVAL_MILLIS = 1_000;

    @Override
    public String toString()
    {
        return "CrowdSecConfig[lapiUrl=" + lapiUrl + ", apiKeyFile=" + apiKeyFile + ", pollIntervalMillis=" +
            pollIntervalMillis + ", push=" + push + ", machineFile=" + machineFile + "]";
    }
}
