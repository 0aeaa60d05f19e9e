package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes the bans this node applies and lifts (its own and its peers') into the local API, on the thread
 * {@code crowdsec-push-ID}, as a machine does: {@code POST /v1/watchers/login} for a JWT, then per batch of up to
 * {@value #BATCH} bans one {@code POST /v1/alerts} (an alert per ban, each with one decision: origin
 * {@value #ORIGIN}, which {@code cscli decisions list} shows without {@code -a}, scenario
 * {@code blocksync/REASON}), and per lifted ban {@code DELETE /v1/decisions?ip=|range=...&scenario=blocksync/REASON}
 * (only decisions this bridge pushed match). Bans that came from CrowdSec are not pushed back.
 */
final class CrowdSecPusher extends BridgeThread
{
    static final int BATCH = 100;
    static final String ORIGIN = "crowdsec";
    /** What a permanent ban is pushed as: Go durations have no "forever". */
    static final String PERMANENT_DURATION = "87600h";

    private final PushOutbox outbox;
    private final Ban ban = new Ban();
    private final List<String> pendingAlerts = new ArrayList<>();
    private final List<String> pendingDeletes = new ArrayList<>();
    private String token;

    CrowdSecPusher(final CrowdSecBridge bridge, final PushOutbox outbox)
    {
        super(bridge, "crowdsec-push-" + bridge.node.nodeId());
        this.outbox = outbox;
        outbox.consumer(thread());
    }

    @Override
    long pauseNanos()
    {
        // Woken by the loop for each change; the timeout only paces retries while the LAPI is down.
        return millisToNanos(Math.max(1_000, bridge.config.pollIntervalMillis()));
    }

    @Override
    void round() throws IOException
    {
        while (true)
        {
            while (pendingAlerts.size() < BATCH && pendingDeletes.size() < BATCH)
            {
                final int kind = outbox.poll(ban);
                if (0 == kind)
                {
                    break;
                }
                final String prefix = ban.prefix().toString();
                if (ban.originNodeId() == bridge.node.nodeId() && bridge.fromCrowdSec.isCrowdSecs(prefix, ban.reason()))
                {
                    continue;
                }
                if (kind > 0)
                {
                    pendingAlerts.add(alert(ban, prefix));
                }
                else
                {
                    pendingDeletes.add((isHost(ban) ? "ip=" : "range=") + encode(prefix) + "&scenario=" +
                        encode(CrowdSecDecision.PUSHED_SCENARIO_PREFIX + ban.reasonText()));
                }
            }
            if (pendingAlerts.isEmpty() && pendingDeletes.isEmpty())
            {
                return;
            }
            flush();
        }
    }

    private void flush() throws IOException
    {
        if (!pendingAlerts.isEmpty())
        {
            final String body = "[" + String.join(",", pendingAlerts) + "]";
            authorized(() -> bridge.client.postAlerts(token, body));
            bridge.counters.crowdsecDecisionsPushed.getAndAdd(pendingAlerts.size());
            pendingAlerts.clear();
        }
        while (!pendingDeletes.isEmpty())
        {
            final String query = pendingDeletes.get(0);
            authorized(() -> bridge.client.deleteDecisions(token, query));
            bridge.counters.crowdsecDecisionsPushed.increment();
            pendingDeletes.remove(0);
        }
    }

    private interface Call
    {
        void run() throws IOException;
    }

    /** Log in when there is no token yet, and once more when the LAPI says it expired (401). */
    private void authorized(final Call call) throws IOException
    {
        if (null == token)
        {
            token = bridge.client.login(bridge.config.machine().login(), bridge.config.machine().password());
        }
        try
        {
            call.run();
        }
        catch (final LapiClient.LapiStatusException ex)
        {
            if (401 != ex.status())
            {
                throw ex;
            }
            token = bridge.client.login(bridge.config.machine().login(), bridge.config.machine().password());
            call.run();
        }
    }

    /** One alert with one decision, the fields CrowdSec's swagger requires ("Alert", "Decision"). */
    static String alert(final Ban ban, final String prefix)
    {
        final String scenario = JsonWriter.string(CrowdSecDecision.PUSHED_SCENARIO_PREFIX + ban.reasonText());
        final String scope = isHost(ban) ? "\"Ip\"" : "\"Range\"";
        final String value = JsonWriter.string(isHost(ban) ? prefix.substring(0, slashOrEnd(prefix)) : prefix);
        final String now = JsonWriter.string(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        final String duration = JsonWriter.string(duration(ban));
        return "{\"scenario\":" + scenario + ",\"scenario_hash\":\"\",\"scenario_version\":\"\",\"message\":" +
            JsonWriter.string("BlockSync ban " + prefix + " reason " + ban.reasonText() + " origin node" + ban.originNodeId()) +
            ",\"events_count\":1,\"start_at\":" + now + ",\"stop_at\":" + now + ",\"capacity\":0,\"leakspeed\":\"0\"," +
            "\"simulated\":false,\"events\":[],\"source\":{\"scope\":" + scope + ",\"value\":" + value + "}," +
            "\"decisions\":[{\"duration\":" + duration + ",\"origin\":\"" + ORIGIN + "\",\"scenario\":" + scenario +
            ",\"scope\":" + scope + ",\"type\":\"ban\",\"value\":" + value + "}]}";
    }

    /** What is left of the ban when it was applied, in seconds as Go reads durations. */
    static String duration(final Ban ban)
    {
        if (Ban.PERMANENT == ban.durationSeconds())
        {
            return PERMANENT_DURATION;
        }
        long seconds = ban.durationSeconds();
        if (ban.expiresAtMillis() > 0 && ban.appliedAtMillis() > 0)
        {
            seconds = Math.max(1, Math.min(seconds, (ban.expiresAtMillis() - ban.appliedAtMillis() + 999) / 1000));
        }
        return seconds + "s";
    }

    private static boolean isHost(final Ban ban)
    {
        final int hostLength = ban.prefix().family() == AddressFamily.IPV4 ? 32 : 128;
        return ban.prefix().prefixLength() == hostLength;
    }

    private static int slashOrEnd(final String prefix)
    {
        final int slash = prefix.indexOf('/');
        return slash < 0 ? prefix.length() : slash;
    }

    private static String encode(final String text)
    {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
