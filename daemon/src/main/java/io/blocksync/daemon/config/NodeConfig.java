package io.blocksync.daemon.config;

import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated configuration file: this node, its guard rails for bans, its firewall backend, its allow-list,
 * protocol timing and its peers. Immutable; see docs/CONFIG.md for the meaning of each value.
 */
public final class NodeConfig
{
    public static final int DEFAULT_KEY_ID = 1;
    public static final long DEFAULT_BAN_SECONDS = 3600;
    public static final long DEFAULT_MAX_BAN_SECONDS = 30 * 86_400;
    public static final int DEFAULT_IPV4_BAN_PREFIX = 32;
    public static final int DEFAULT_IPV6_BAN_PREFIX = 64;
    public static final int DEFAULT_MIN_PREFIX_IPV4 = 16;
    public static final int DEFAULT_MIN_PREFIX_IPV6 = 32;
    public static final int DEFAULT_STORE_CAPACITY = 100_000;
    public static final int DEFAULT_ORIGIN_RATE_PER_SECOND = 1000;
    /** Default {@code [bans] origin-quota}, percent of the store's capacity. */
    public static final int DEFAULT_ORIGIN_QUOTA_PERCENT = 50;
    public static final String DEFAULT_FIREWALL_BACKEND = "log";
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;
    public static final long DEFAULT_RETRANSMIT_INITIAL_MS = 200;
    public static final long DEFAULT_RETRANSMIT_MAX_MS = 5000;
    public static final int DEFAULT_SEND_WINDOW = 1024;
    /**
     * Default {@code [protocol] snapshot-chunk-budget}: SNAPSHOT_CHUNK frames one peer may be sent per heartbeat
     * interval. At ~12 records a chunk and the default 1 s interval, ~98,000 records/s from one peer: a
     * 1,000,000-ban join needs about 10 s of budget, within its 20 s goal (4,096 needed 20.4 s, so the budget alone
     * missed it), at twice the work a peer flooding requests could cause per interval before (8,192 chunks of up to
     * 1,200 bytes: ~10 MB a second). PERFORMANCE.md, "Issue 13 ... (session 8, sync13)".
     */
    public static final int DEFAULT_SNAPSHOT_CHUNK_BUDGET = 8_192;
    public static final long DEFAULT_PEER_SUSPECT_AFTER_MS = 3000;
    public static final long DEFAULT_PEER_DOWN_AFTER_MS = 10_000;
    public static final long DEFAULT_MAX_CLOCK_SKEW_MS = 300_000;
    public static final long DEFAULT_CLOCK_WARNING_MS = 30_000;
    public static final int DEFAULT_TRACKED_SOURCES = 65_536;
    /** {@code [node] signer-threads} at most, and so the signer frontiers DecisionSigning's ring keeps. */
    public static final int MAX_SIGNER_THREADS = 8;
    /**
     * {@code [node] signer-threads} when unset and the JVM sees two CPUs or more: a bulk import's origin signs
     * (~50 µs a decision under C1) at twice the rate of one thread, which its loop (11-13 µs a decision to one peer)
     * keeps up with; a third would share the same two cores with the loop, the firewall worker and GC (PERFORMANCE.md,
     * "Issue 13: several signer threads").
     */
    public static final int DEFAULT_SIGNER_THREADS = 2;

    private final Path source;
    private final int nodeId;
    private final InetSocketAddress listen;
    private final Path stateDir;
    private final boolean stateSync;
    private final int signerThreads;
    private final NodeKey[] keys;
    private final long defaultBanSeconds;
    private final long maxBanSeconds;
    private final int ipv4BanPrefix;
    private final int ipv6BanPrefix;
    private final int minPrefixIpv4;
    private final int minPrefixIpv6;
    private final int storeCapacity;
    private final int originRatePerSecond;
    private final int originQuotaPercent;
    private final long originBurst;
    private final String firewallBackend;
    private final List<IpPrefix> allowList;
    private final long heartbeatIntervalMs;
    private final int snapshotChunkBudget;
    private final long retransmitInitialMs;
    private final long retransmitMaxMs;
    private final int sendWindow;
    private final long peerSuspectAfterMs;
    private final long peerDownAfterMs;
    private final long maxClockSkewMs;
    private final long clockWarningMs;
    private final List<PeerConfig> peers;
    private final List<SourceConfig> sources;
    private final List<RuleConfig> rules;
    private final int trackedSources;
    private final FirewallConfig firewall;
    private final InetSocketAddress httpListen;
    private final MulticastConfig multicast;
    private final CrowdSecConfig crowdsec;
    private final List<String> warnings;

    NodeConfig(final Builder builder, final List<String> warnings)
    {
        source = builder.source;
        nodeId = builder.nodeId;
        listen = builder.listen;
        stateDir = builder.stateDir;
        stateSync = builder.stateSync;
        signerThreads = builder.signerThreads;
        keys = builder.keys.toArray(new NodeKey[0]);
        defaultBanSeconds = builder.defaultBanSeconds;
        maxBanSeconds = builder.maxBanSeconds;
        ipv4BanPrefix = builder.ipv4BanPrefix;
        ipv6BanPrefix = builder.ipv6BanPrefix;
        minPrefixIpv4 = builder.minPrefixIpv4;
        minPrefixIpv6 = builder.minPrefixIpv6;
        storeCapacity = builder.storeCapacity;
        originRatePerSecond = builder.originRatePerSecond;
        originQuotaPercent = builder.originQuotaPercent;
        originBurst = builder.originBurst;
        firewallBackend = builder.firewallBackend;
        allowList = copyOf(builder.allowList);
        heartbeatIntervalMs = builder.heartbeatIntervalMs;
        snapshotChunkBudget = builder.snapshotChunkBudget;
        retransmitInitialMs = builder.retransmitInitialMs;
        retransmitMaxMs = builder.retransmitMaxMs;
        sendWindow = builder.sendWindow;
        peerSuspectAfterMs = builder.peerSuspectAfterMs;
        peerDownAfterMs = builder.peerDownAfterMs;
        maxClockSkewMs = builder.maxClockSkewMs;
        clockWarningMs = builder.clockWarningMs;
        peers = List.copyOf(builder.peers);
        sources = List.copyOf(builder.sources);
        rules = List.copyOf(builder.rules);
        trackedSources = builder.trackedSources;
        firewall = builder.firewall;
        httpListen = builder.httpListen;
        multicast = builder.multicast;
        crowdsec = builder.crowdsec;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * @return the file this was read from; relative paths in it were resolved against its directory.
     */
    public Path source()
    {
        return source;
    }

    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return the literal address and port to bind the UDP socket to.
     */
    public InetSocketAddress listen()
    {
        return listen;
    }

    /**
     * @return absolute, normalised directory for the ban store and other state.
     */
    public Path stateDir()
    {
        return stateDir;
    }

    /**
     * {@code [node] state-sync}: true ({@code always}, the default) when ACKs and {@code ok}s wait until the state
     * files are synced to disk; false ({@code never}) when they rely on the kernel writing them back in time.
     */
    public boolean stateSync()
    {
        return stateSync;
    }

    /**
     * {@code [node] signer-threads}: threads that sign this node's own decisions, 1 to {@link #MAX_SIGNER_THREADS};
     * 0 when unset ({@link #signerThreads(int)} picks then).
     */
    public int signerThreadsSetting()
    {
        return signerThreads;
    }

    /**
     * Threads that sign this node's own decisions, given the CPUs the JVM may use; 0 when the loop signs them
     * itself. On one CPU the loop signs whatever is set: a thread there adds two wake-ups a burst and no throughput
     * (PERFORMANCE.md, issue 13, sign13: lone bans waited 24-133 ms in 5 of 13 one-CPU runs with a signer thread).
     * Else the setting, or {@link #DEFAULT_SIGNER_THREADS} when unset.
     */
    public int signerThreads(final int processors)
    {
        if (processors <= 1)
        {
            return 0;
        }
        return 0 == signerThreads ? DEFAULT_SIGNER_THREADS : signerThreads;
    }

    /** The id of this node's current key ({@code key-id}), the one it sends and signs with. */
    public int keyId()
    {
        return keys[0].keyId();
    }

    /**
     * @return this node's private keys, one or two: the current one ({@code key-id}), then the next one
     * ({@code next-key-id}) when configured; a fresh array of shared instances (secrets: never log them).
     */
    public NodeKey[] keys()
    {
        return keys.clone();
    }

    /**
     * @return seconds, or {@link Durations#PERMANENT}.
     */
    public long defaultBanSeconds()
    {
        return defaultBanSeconds;
    }

    /**
     * @return longest ban accepted from anyone in seconds (longer ones are clamped), or {@link Durations#PERMANENT}
     * when permanent bans are accepted.
     */
    public long maxBanSeconds()
    {
        return maxBanSeconds;
    }

    public int ipv4BanPrefix()
    {
        return ipv4BanPrefix;
    }

    public int ipv6BanPrefix()
    {
        return ipv6BanPrefix;
    }

    public int minPrefixIpv4()
    {
        return minPrefixIpv4;
    }

    public int minPrefixIpv6()
    {
        return minPrefixIpv6;
    }

    public int storeCapacity()
    {
        return storeCapacity;
    }

    public int originRatePerSecond()
    {
        return originRatePerSecond;
    }

    /** {@code [bans] origin-quota}: the share of {@link #storeCapacity()}, in percent, one peer origin may hold. */
    public int originQuotaPercent()
    {
        return originQuotaPercent;
    }

    /**
     * {@code [bans] origin-burst}: records a peer may have charged at once beyond {@link #originRatePerSecond()};
     * 0 (the default) for the entries one origin may hold ({@link #storeCapacity()} × {@link #originQuotaPercent()}).
     */
    public long originBurst()
    {
        return originBurst;
    }

    public String firewallBackend()
    {
        return firewallBackend;
    }

    /**
     * @return the configured prefixes that are never banned, in file order; fresh copies, since
     * {@link IpPrefix} is mutable.
     */
    public List<IpPrefix> allowList()
    {
        return copyOf(allowList);
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    /** {@code [protocol] snapshot-chunk-budget}: SNAPSHOT_CHUNK frames one peer may be sent per heartbeat interval. */
    public int snapshotChunkBudget()
    {
        return snapshotChunkBudget;
    }

    public long retransmitInitialMs()
    {
        return retransmitInitialMs;
    }

    public long retransmitMaxMs()
    {
        return retransmitMaxMs;
    }

    public int sendWindow()
    {
        return sendWindow;
    }

    public long peerSuspectAfterMs()
    {
        return peerSuspectAfterMs;
    }

    public long peerDownAfterMs()
    {
        return peerDownAfterMs;
    }

    /** How far ahead of this node's clock a peer's origin time may be; a record stamped later is refused. */
    public long maxClockSkewMs()
    {
        return maxClockSkewMs;
    }

    /** How far a peer's clock, from its heartbeats, may be off ours before a warning is logged, ms. */
    public long clockWarningMs()
    {
        return clockWarningMs;
    }

    /**
     * @return the peers in file order.
     */
    public List<PeerConfig> peers()
    {
        return peers;
    }

    /**
     * @return [http] listen: where the status page and /metrics are served; null when there is no [http] section.
     */
    public InetSocketAddress httpListen()
    {
        return httpListen;
    }

    /**
     * @return [multicast]: the LAN group this node joins and multicasts its decisions to; null when there is no
     * [multicast] section.
     */
    public MulticastConfig multicast()
    {
        return multicast;
    }

    /**
     * @return the [crowdsec] section; null when there is none (the node does not talk to CrowdSec).
     */
    public CrowdSecConfig crowdsec()
    {
        return crowdsec;
    }

    /**
     * @return the [firewall] section: backend and its settings.
     */
    public FirewallConfig firewall()
    {
        return firewall;
    }

    /**
     * @return the [source NAME] sections in file order.
     */
    public List<SourceConfig> sources()
    {
        return sources;
    }

    /**
     * @return the [rule NAME] sections in file order.
     */
    public List<RuleConfig> rules()
    {
        return rules;
    }

    /**
     * @return how many (rule, source address) hit counters the detector keeps at most ([bans] tracked-sources).
     */
    public int trackedSources()
    {
        return trackedSources;
    }

    /**
     * @return problems that do not stop the node, formatted {@code FILE:LINE:COLUMN: warning: message}.
     */
    public List<String> warnings()
    {
        return warnings;
    }

    /**
     * The key is left out on purpose: this text ends up in logs.
     */
    @Override
    public String toString()
    {
        return "node " + nodeId + " at " + EndpointText.format(listen) + " from " + source + ", " + peers.size() +
            " peers, firewall " + firewallBackend;
    }

    private static List<IpPrefix> copyOf(final List<IpPrefix> prefixes)
    {
        final List<IpPrefix> copies = new ArrayList<>(prefixes.size());
        for (final IpPrefix prefix : prefixes)
        {
            copies.add(new IpPrefix().set(prefix));
        }

        return List.copyOf(copies);
    }

    /**
     * Values gathered by the binders, starting at the defaults.
     */
    static final class Builder
    {
        final Path source;
        int nodeId;
        InetSocketAddress listen;
        Path stateDir;
        boolean stateSync = true;
        int signerThreads;
        List<NodeKey> keys;
        long defaultBanSeconds = DEFAULT_BAN_SECONDS;
        long maxBanSeconds = DEFAULT_MAX_BAN_SECONDS;
        int ipv4BanPrefix = DEFAULT_IPV4_BAN_PREFIX;
        int ipv6BanPrefix = DEFAULT_IPV6_BAN_PREFIX;
        int minPrefixIpv4 = DEFAULT_MIN_PREFIX_IPV4;
        int minPrefixIpv6 = DEFAULT_MIN_PREFIX_IPV6;
        int storeCapacity = DEFAULT_STORE_CAPACITY;
        int originRatePerSecond = DEFAULT_ORIGIN_RATE_PER_SECOND;
        int originQuotaPercent = DEFAULT_ORIGIN_QUOTA_PERCENT;
        long originBurst;
        String firewallBackend = DEFAULT_FIREWALL_BACKEND;
        final List<IpPrefix> allowList = new ArrayList<>();
        long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
        int snapshotChunkBudget = DEFAULT_SNAPSHOT_CHUNK_BUDGET;
        long retransmitInitialMs = DEFAULT_RETRANSMIT_INITIAL_MS;
        long retransmitMaxMs = DEFAULT_RETRANSMIT_MAX_MS;
        int sendWindow = DEFAULT_SEND_WINDOW;
        long peerSuspectAfterMs = DEFAULT_PEER_SUSPECT_AFTER_MS;
        long peerDownAfterMs = DEFAULT_PEER_DOWN_AFTER_MS;
        long maxClockSkewMs = DEFAULT_MAX_CLOCK_SKEW_MS;
        long clockWarningMs = DEFAULT_CLOCK_WARNING_MS;
        final List<PeerConfig> peers = new ArrayList<>();
        final List<SourceConfig> sources = new ArrayList<>();
        final List<RuleConfig> rules = new ArrayList<>();
        int trackedSources = DEFAULT_TRACKED_SOURCES;
        FirewallConfig firewall = FirewallConfig.log();
        InetSocketAddress httpListen;
        MulticastConfig multicast;
        CrowdSecConfig crowdsec;

        Builder(final Path source)
        {
            this.source = source;
        }
    }
}
