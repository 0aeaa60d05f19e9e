package io.blocksync.daemon.config;

/**
 * [protocol]: heartbeat and retransmission timing, the per-peer send window and snapshot chunk budget, when a silent peer counts as
 * suspect or down, how far ahead of this node's clock a peer's decision may be stamped, and how far off a peer's clock
 * may be before a warning.
 */
final class ProtocolSection
{
    static final String NAME = "protocol";

    private static final long ONE_MINUTE_MS = 60_000;
    private static final long ONE_HOUR_MS = 3_600_000;
    private static final long ONE_DAY_MS = 86_400_000;
    private static final int MAX_SEND_WINDOW = 65_536;
    // At least one full receive window of chunks; at most ~79 MB of datagrams per interval to one peer.
    private static final int MIN_SNAPSHOT_CHUNK_BUDGET = 64;
    private static final int MAX_SNAPSHOT_CHUNK_BUDGET = 65_536;

    private ProtocolSection()
    {
    }

    static void bind(final SectionReader reader, final NodeConfig.Builder config)
    {
        config.heartbeatIntervalMs =
            reader.value("heartbeat-interval", Values.millis(10, ONE_HOUR_MS), config.heartbeatIntervalMs);
        config.retransmitInitialMs =
            reader.value("retransmit-initial", Values.millis(1, ONE_MINUTE_MS), config.retransmitInitialMs);
        config.retransmitMaxMs = reader.value("retransmit-max", Values.millis(1, ONE_HOUR_MS), config.retransmitMaxMs);
        config.sendWindow = reader.value("send-window", Values.integer(1, MAX_SEND_WINDOW), config.sendWindow);
        config.snapshotChunkBudget = reader.value("snapshot-chunk-budget",
            Values.integer(MIN_SNAPSHOT_CHUNK_BUDGET, MAX_SNAPSHOT_CHUNK_BUDGET), config.snapshotChunkBudget);
        config.peerSuspectAfterMs =
            reader.value("peer-suspect-after", Values.millis(1, ONE_DAY_MS), config.peerSuspectAfterMs);
        config.peerDownAfterMs = reader.value("peer-down-after", Values.millis(1, ONE_DAY_MS), config.peerDownAfterMs);
        config.maxClockSkewMs = reader.value("max-clock-skew", Values.millis(1_000, ONE_DAY_MS), config.maxClockSkewMs);
        config.clockWarningMs = reader.value("clock-warning", Values.millis(1_000, ONE_DAY_MS), config.clockWarningMs);
        reader.finish();

        if (!reader.allValuesValid())
        {
            return;
        }

        if (config.retransmitMaxMs < config.retransmitInitialMs)
        {
            reader.errorAt("retransmit-max (" + Durations.formatMillis(config.retransmitMaxMs) +
                ") is shorter than retransmit-initial (" + Durations.formatMillis(config.retransmitInitialMs) + ")",
                "retransmit-max", "retransmit-initial");
        }

        if (config.peerSuspectAfterMs <= config.heartbeatIntervalMs)
        {
            reader.errorAt("peer-suspect-after (" + Durations.formatMillis(config.peerSuspectAfterMs) +
                ") must be longer than heartbeat-interval (" + Durations.formatMillis(config.heartbeatIntervalMs) +
                "), or every peer would be suspect between two heartbeats", "peer-suspect-after", "heartbeat-interval");
        }

        if (config.peerDownAfterMs <= config.peerSuspectAfterMs)
        {
            reader.errorAt("peer-down-after (" + Durations.formatMillis(config.peerDownAfterMs) +
                ") must be longer than peer-suspect-after (" + Durations.formatMillis(config.peerSuspectAfterMs) + ")",
                "peer-down-after", "peer-suspect-after");
        }
    }
}
