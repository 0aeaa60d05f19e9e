package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.store.BanStore;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * <p>
 * Once the bouncer's start-up answer is taken, the live bans the store held from before are pushed too (read from a
 * reader handle of the store, as {@code blocksync bans} does, never the loop's), except CrowdSec's own, those the
 * LAPI still holds from an earlier push and those pushed live before. A ban or lift the LAPI refuses
 * {@value #MAX_REFUSALS} times in a row (status 400, 413 or 422: the content) is dropped and counted in
 * {@code crowdsec_pushes_dropped} (a refused batch is sent again one alert at a time, to find which), so one bad ban
 * never holds up the ones after it. Any other failure (5xx, no connection, a timeout) is the LAPI's state: the same
 * push is retried with backoff ({@code crowdsec_errors}), never dropped.
 */
final class CrowdSecPusher extends BridgeThread
{
    static final int BATCH = 100;
    static final int MAX_REFUSALS = 3;
    static final String ORIGIN = "crowdsec";
    /** What a permanent ban is pushed as: Go durations have no "forever". */
    static final String PERMANENT_DURATION = "87600h";

    private final PushOutbox outbox;
    private final Ban ban = new Ban();
    private final List<String> pendingAlerts = new ArrayList<>();
    private final List<String> pendingDeletes = new ArrayList<>();
    private String token;
    private boolean heldBansPushed;
    private boolean oneByOne;
    private int refusals;

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
        if (!heldBansPushed && bridge.isStartupTaken())
        {
            pushHeldBans();
        }
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
                if (isCrowdSecs(ban, prefix))
                {
                    continue;
                }
                if (kind > 0)
                {
                    if (!heldBansPushed)
                    {
                        // Pushed live before the held bans: the held-ban push must not push it again (finding 13).
                        bridge.alreadyPushed.add(key(ban, prefix));
                    }
                    pendingAlerts.add(alert(ban, prefix, duration(ban)));
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

    private boolean isCrowdSecs(final Ban ban, final String prefix)
    {
        return ban.originNodeId() == bridge.node.nodeId() && bridge.fromCrowdSec.isCrowdSecs(prefix, ban.reason());
    }

    /**
     * The live bans of the store, pushed a batch at a time; a retry after a LAPI failure skips what was pushed. A store
     * that cannot be read is logged once and the push of held bans given up (the live pushes go on).
     */
    private void pushHeldBans() throws IOException
    {
        final BanStore reader;
        final long now;
        try
        {
            now = System.currentTimeMillis() + ProgressFile.readFrame(bridge.node.stateDir()).offsetMillis();
            reader = BanStore.openReader(bridge.node.stateDir(), message -> { });
        }
        catch (final IOException | RuntimeException ex)
        {
            heldBansPushed = true;
            bridge.log.accept("the bans held from before the start are not pushed: " + ex.getMessage());
            return;
        }
        try (reader)
        {
            reader.forEach((Ban held) ->
            {
                final String prefix = held.prefix().toString();
                if (!held.isActiveAt(now) || isCrowdSecs(held, prefix) || !bridge.alreadyPushed.add(key(held, prefix)))
                {
                    return;
                }
                final long left = Ban.PERMANENT == held.expiresAtMillis() ? -1 : Math.max(1, (held.expiresAtMillis() - now + 999) / 1000);
                pendingAlerts.add(alert(held, prefix, left < 0 ? PERMANENT_DURATION : left + "s"));
                if (pendingAlerts.size() >= BATCH)
                {
                    try
                    {
                        flush();
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        heldBansPushed = true;
        // Needed only for this push: a LAPI with many earlier pushes must not hold their keys for the node's life.
        bridge.alreadyPushed.clear();
        flush();
    }

    /** {@code VALUE SCENARIO} as the LAPI lists a pushed decision. */
    private static String key(final Ban ban, final String prefix)
    {
        return value(ban, prefix) + " " + CrowdSecDecision.PUSHED_SCENARIO_PREFIX + ban.reasonText();
    }

    private void flush() throws IOException
    {
        while (!pendingAlerts.isEmpty())
        {
            final List<String> batch = oneByOne ? pendingAlerts.subList(0, 1) : pendingAlerts;
            final String body = "[" + String.join(",", batch) + "]";
            if (send(() -> bridge.client.postAlerts(token, body), batch.size()))
            {
                bridge.counters.crowdsecDecisionsPushed.getAndAdd(batch.size());
            }
            else if (!oneByOne && batch.size() > 1)
            {
                // One of them is refused: find which, one alert at a time.
                oneByOne = true;
                continue;
            }
            else
            {
                dropped("ban " + body.substring(0, Math.min(body.length(), 200)));
            }
            batch.clear();
        }
        oneByOne = false;
        while (!pendingDeletes.isEmpty())
        {
            final String query = pendingDeletes.get(0);
            if (send(() -> bridge.client.deleteDecisions(token, query), 1))
            {
                bridge.counters.crowdsecDecisionsPushed.increment();
            }
            else
            {
                dropped("lift " + query);
            }
            pendingDeletes.remove(0);
        }
    }

    /**
     * @return true when sent; false when a batch of several is refused (the caller sends them one at a time), or one
     * refused {@value #MAX_REFUSALS} times in a row (the caller drops it).
     * @throws IOException for any other failure, and for a refusal short of the limit (the thread backs off).
     */
    private boolean send(final Call call, final int size) throws IOException
    {
        try
        {
            authorized(call);
            refusals = 0;
            return true;
        }
        catch (final LapiClient.LapiStatusException ex)
        {
            if (!refusesTheContent(ex.status()))
            {
                throw ex;
            }
            if (size > 1)
            {
                // A batch refused: which alert is refused is found one at a time, at once.
                return false;
            }
            if (++refusals < MAX_REFUSALS)
            {
                throw ex;
            }
            refusals = 0;
            return false;
        }
    }

    private void dropped(final String what)
    {
        bridge.counters.crowdsecPushesDropped.increment();
        bridge.log.accept("the local API refused " + MAX_REFUSALS + " times, dropped (crowdsec_pushes_dropped): " + what);
    }

    private static boolean refusesTheContent(final int status)
    {
        // 5xx is the LAPI's trouble (its database down, a restart), not the content's: retried, never dropped.
        return 400 == status || 413 == status || 422 == status;
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
    static String alert(final Ban ban, final String prefix, final String goDuration)
    {
        final String scenario = JsonWriter.string(CrowdSecDecision.PUSHED_SCENARIO_PREFIX + ban.reasonText());
        final String scope = isHost(ban) ? "\"Ip\"" : "\"Range\"";
        final String value = JsonWriter.string(value(ban, prefix));
        final String now = JsonWriter.string(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        final String duration = JsonWriter.string(goDuration);
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

    /** The decision's value: a lone address without its length, else the prefix. */
    private static String value(final Ban ban, final String prefix)
    {
        return isHost(ban) ? prefix.substring(0, slashOrEnd(prefix)) : prefix;
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
