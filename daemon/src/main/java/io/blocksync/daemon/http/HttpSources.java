package io.blocksync.daemon.http;

import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.status.EnforcementLatency;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.firewall.Firewall;

/**
 * What the HTTP pages read, all of it safe from any thread without the loop: the config, the status file (header and
 * counters, mapped), the firewall's thread-safe failure views, the enforcement latency histogram, and the node's
 * counters, for the server's own ({@code http_requests}, {@code http_request_failures}).
 */
public record HttpSources(
    NodeConfig config, StatusFile status, Firewall firewall, EnforcementLatency latency, NodeCounters counters)
{
}
