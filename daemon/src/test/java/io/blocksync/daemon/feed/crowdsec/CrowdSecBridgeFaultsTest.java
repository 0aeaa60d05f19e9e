package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.node.LocalRequestAnswers;
import io.blocksync.daemon.node.TestKeys;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.testkit.Poll;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge against a local API that misbehaves (a {@link FakeLapi} on 127.0.0.1), one test per fault the session 6
 * review found: a reply too long (6), a round that throws an error (6), an alert refused for ever (10), the start-up
 * answer not taken whole (11), values that would break log lines (13); and the bans held from before the start pushed
 * once (issue 14), and a deleted decision sent as a lift only if still ours (5). Each fails on the code before its fix.
 */
class CrowdSecBridgeFaultsTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_REFUSALS = CrowdSecPusher.MAX_REFUSALS;
    private static final String KEY = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String PEER_KEY = "base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<LocalRequest> requests = new CopyOnWriteArrayList<>();
    private FakeLapi lapi;
    private NodeCounters counters;
    private CrowdSecBridge bridge;

    @BeforeEach
    void startLapi() throws Exception
    {
        lapi = new FakeLapi();
        counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersManager.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersManager.COUNTER_LENGTH, 64))));
    }

    @AfterEach
    void stop()
    {
        if (null != bridge)
        {
            bridge.close();
        }
        lapi.close();
    }

    @Test
    void finding6AReplyLongerThanTheBoundIsRefusedCountedAndTheNextAnswerIsTaken() throws Exception
    {
        final StringBuilder big = new StringBuilder("{\"new\":[");
        for (int i = 0; i < 100; i++)
        {
            big.append(i == 0 ? "" : ",").append(decision(i + 1, "192.0.2." + (i + 1), "crowdsecurity/ssh-bf"));
        }
        lapi.answer(big.append("],\"deleted\":null}").toString());
        lapi.answer("{\"new\":[" + decision(500, "192.0.2.200", "crowdsecurity/ssh-bf") + "],\"deleted\":[]}");
        start(false, 4_096, request -> answer(request, BanOutcome.APPLIED));

        Poll.until("the second answer taken", WAIT, () -> requests.size() == 1, () -> log + " " + lapi.streamQueries);
        assertEquals(1, requests.get(0).size(), "only the short answer's decision: " + requests.get(0).item(0));
        assertEquals("192.0.2.200", requests.get(0).prefix(0).toString());
        assertEquals(1, counters.crowdsecRepliesRefused.get());
        assertTrue(log.stream().anyMatch(line -> line.contains("GET /v1/decisions/stream: the reply is longer than 4096 bytes; refused")), log.toString());
        assertEquals(List.of("startup=true", "startup=true"), lapi.streamQueries.subList(0, 2), "the refused start-up answer is asked again");
    }

    @Test
    void finding6AnErrorThrownByARoundIsLoggedOnceAndTheThreadGoesOn() throws Exception
    {
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        final int[] rounds = new int[1];
        final BridgeThread thread = new BridgeThread(bridge, "faulty")
        {
            @Override
            void round()
            {
                if (++rounds[0] <= 2)
                {
                    throw new AssertionError("a fault of ours");
                }
            }

            @Override
            long pauseNanos()
            {
                return millisToNanos(20);
            }
        };
        try (thread)
        {
            thread.start();
            Poll.until("a third round", WAIT, () -> rounds[0] >= 3, () -> rounds[0] + " " + log);
            assertTrue(thread.thread().isAlive());
        }
        assertEquals(2, counters.crowdsecErrors.get());
        assertEquals(1, log.stream().filter(line -> line.contains("java.lang.AssertionError: a fault of ours")).count(), log.toString());
        assertTrue(log.stream().anyMatch(line -> line.contains("faulty: the local API answers again")), log.toString());
    }

    @Test
    void finding10AnAlertTheLapiRefusesForEverIsDroppedAndCountedAndLaterOnesGoOn() throws Exception
    {
        lapi.refuseAlerts(body -> body.contains("192.0.2.66"));
        start(true, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        bridge.outbox().onBan(ban("192.0.2.66", "sshd", 2));
        bridge.outbox().onBan(ban("192.0.2.67", "sshd", 2));
        Poll.until("192.0.2.67 pushed", WAIT, () -> lapi.alerts().contains("\"192.0.2.67\""), () -> lapi.alerts() + "\n" + log);
        bridge.outbox().onBan(ban("192.0.2.68", "sshd", 2));
        Poll.until("192.0.2.68 pushed and counted", WAIT, () -> lapi.alerts().contains("\"192.0.2.68\"") &&
            counters.crowdsecDecisionsPushed.get() == 2, () -> lapi.alerts() + "\n" + log);
        assertFalse(lapi.alerts().contains("192.0.2.66"));
        assertEquals(1, counters.crowdsecPushesDropped.get());
        assertEquals(2, counters.crowdsecDecisionsPushed.get());
        assertTrue(log.stream().anyMatch(line -> line.contains("dropped (crowdsec_pushes_dropped)") && line.contains("192.0.2.66")), log.toString());
    }

    @Test
    void finding11TheStartUpAnswerIsAskedAgainUntilTheLoopTookAllOfIt() throws Exception
    {
        final String first = "{\"new\":[" + decision(1, "192.0.2.10", "crowdsecurity/ssh-bf") + "," +
            decision(2, "192.0.2.11", "crowdsecurity/ssh-bf") + "],\"deleted\":null}";
        lapi.answer(first);
        lapi.answer(first);
        final int[] calls = new int[1];
        start(false, LapiClient.MAX_BODY_BYTES, request ->
        {
            // The loop is too slow for the first answer (never answers it here); then it keeps up.
            if (++calls[0] > 1)
            {
                answer(request, BanOutcome.APPLIED);
            }
        });
        bridge.bouncer.loopWaitMillis(300);
        Poll.until("three stream requests", WAIT, () -> lapi.streamQueries.size() >= 3, () -> lapi.streamQueries + " " + log);
        assertEquals(List.of("startup=true", "startup=true", "startup=false"), lapi.streamQueries.subList(0, 3));
        assertEquals(2, requests.get(1).size());
    }

    @Test
    void finding13ValuesWithLineBreaksNeverBreakALogLine() throws Exception
    {
        final String forged = "\\nban 203.0.113.1 reason forged 1h origin node9 (1 hits)\\r\\u2028";
        lapi.answer("{\"new\":[{\"id\":1,\"origin\":\"cscli\",\"scenario\":\"x" + forged + "\",\"scope\":\"Country" + forged +
            "\",\"type\":\"ban\",\"value\":\"192.0.2.1" + forged + "\",\"duration\":\"1h\"}],\"deleted\":null}");
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        Poll.until("the decision left out and logged", WAIT,
            () -> counters.crowdsecDecisionsSkipped.get() == 1 && log.stream().anyMatch(line -> line.contains("left out")), log::toString);
        assertTrue(log.stream().anyMatch(line -> line.contains("\\u000aban 203.0.113.1 reason forged")), log.toString());
        for (final String line : log)
        {
            assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x2028), "a control character in: " + line);
        }
    }

    @Test
    void heldBansArePushedOnceAtStartExceptCrowdSecsOwnAndThoseTheLapiHolds() throws Exception
    {
        final long now = System.currentTimeMillis();
        try (BanStore store = BanStore.openForDaemon(dir.resolve("state"), 1_024))
        {
            store.put(held("192.0.2.30", "crowdsecurity/ssh-bf", 1, now + 3_600_000));
            store.put(held("198.51.100.0/24", "nginx-http-auth", 2, now + 3_600_000));
            store.put(held("192.0.2.31", "sshd", 1, now + 3_600_000));
            store.put(held("192.0.2.32", "sshd", 1, now - 1_000));
            store.put(held("192.0.2.33", "sshd", 1, Ban.PERMANENT));
        }
        // CrowdSec holds .30 (its own decision) and .31 (pushed by this node before the restart).
        lapi.answer("{\"new\":[" + decision(1, "192.0.2.30", "crowdsecurity/ssh-bf") + "," +
            decision(2, "192.0.2.31", "blocksync/sshd") + "],\"deleted\":null}");
        start(true, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.DUPLICATE));
        Poll.until("the held bans pushed", WAIT, () -> counters.crowdsecDecisionsPushed.get() >= 2, () -> lapi.alerts() + "\n" + log);
        final String alerts = lapi.alerts();
        assertTrue(alerts.contains("\"value\":\"198.51.100.0/24\"") && alerts.contains("\"scenario\":\"blocksync/nginx-http-auth\""), alerts);
        assertTrue(alerts.contains("\"value\":\"192.0.2.33\"") && alerts.contains("\"duration\":\"87600h\""), alerts);
        for (final String not : List.of("192.0.2.30", "192.0.2.31", "192.0.2.32"))
        {
            assertFalse(alerts.contains(not), not + " pushed: " + alerts);
        }
        assertEquals(2, counters.crowdsecDecisionsPushed.get());
    }

    @Test
    void finding5ADeletedDecisionIsSentAsALiftOnlyIfStillOurs() throws Exception
    {
        lapi.answer("{\"new\":[" + decision(7, "192.0.2.40", "crowdsecurity/ssh-bf") + "],\"deleted\":null}");
        lapi.answer("{\"new\":null,\"deleted\":[" + decision(7, "192.0.2.40", "crowdsecurity/ssh-bf") + "]}");
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, requests.size() == 1 ? BanOutcome.APPLIED : BanOutcome.NOT_BANNED));
        Poll.until("the lift", WAIT, () -> requests.size() == 2, () -> requests + " " + log);
        final LocalRequest lift = requests.get(1);
        assertTrue(lift.isLiftIfOurs(0));
        assertEquals(BanAction.UNBAN, lift.item(0).action());
        assertEquals(ReasonCode.of("crowdsecurity/ssh-bf").id(), lift.item(0).reason());
        assertEquals(1, counters.crowdsecLiftsNotOurs.get(), "the prefix held no ban of ours: counted");
    }

    @Test
    void review7Finding7ALiftNamesTheOriginSequenceOfTheBanItsDecisionMade() throws Exception
    {
        lapi.answer("{\"new\":[" + decision(7, "192.0.2.42", "crowdsecurity/ssh-bf") + "],\"deleted\":null}");
        lapi.answer("{\"new\":null,\"deleted\":[" + decision(7, "192.0.2.42", "crowdsecurity/ssh-bf") + "]}");
        start(false, LapiClient.MAX_BODY_BYTES, request ->
        {
            if (1 == requests.size())
            {
                // The loop numbers the ban it makes; the lift must name exactly that one.
                request.item(0).originSequence(4_242);
            }
            answer(request, BanOutcome.APPLIED);
        });
        Poll.until("the lift", WAIT, () -> requests.size() == 2, () -> requests + " " + log);
        final LocalRequest lift = requests.get(1);
        assertTrue(lift.isLiftIfOurs(0));
        assertEquals(4_242, lift.liftSequence(0), "the lift is bound to the decision's ban");
    }

    @Test
    void review7Finding2DecisionsGoToTheLoopInSlicesWhileTheReplyIsStillComing() throws Exception
    {
        final boolean[] sliceBeforeTheEnd = new boolean[1];
        lapi.answer(exchange ->
        {
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream out = exchange.getResponseBody())
            {
                out.write(("{\"new\":[" + decision(1, "192.0.2.1", "crowdsecurity/ssh-bf") + "," +
                    decision(2, "192.0.2.2", "crowdsecurity/ssh-bf") + ",").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                // The rest of the reply only once the loop has the first slice (or after 5 s, for the code before).
                final long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (requests.isEmpty() && System.nanoTime() < end)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
                sliceBeforeTheEnd[0] = !requests.isEmpty();
                out.write((decision(3, "192.0.2.3", "crowdsecurity/ssh-bf") + "],\"deleted\":null}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        bridge.bouncer.sliceItems(2);
        Poll.until("both slices taken", WAIT, () -> requests.size() == 2, () -> requests + " " + log);
        assertTrue(sliceBeforeTheEnd[0], "the first slice reached the loop before the reply's end");
        assertEquals(2, requests.get(0).size());
        assertEquals("192.0.2.3", requests.get(1).prefix(0).toString());
    }

    @Test
    void review7Finding2AStringLongerThanTheCapIsRefusedAndUnknownNamesAreSkipped() throws Exception
    {
        lapi.answer("{\"new\":[{\"id\":1,\"scenario\":\"" + "x".repeat(LapiJson.MAX_TOKEN_CHARS + 1) + "\",\"scope\":\"Ip\"," +
            "\"type\":\"ban\",\"value\":\"192.0.2.9\",\"duration\":\"1h\"}],\"deleted\":null}");
        lapi.answer("{\"x\":[" + "[[],[[]],{\"a\":[1,2]}],".repeat(1_000) + "0],\"new\":[" + decision(500, "192.0.2.200", "crowdsecurity/ssh-bf") + "]}");
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        Poll.until("the second answer taken", WAIT, () -> requests.size() == 1, () -> log + " " + lapi.streamQueries);
        assertEquals("192.0.2.200", requests.get(0).prefix(0).toString());
        assertEquals(1, counters.crowdsecRepliesRefused.get());
        assertTrue(log.stream().anyMatch(line -> line.contains("a string or literal longer than 4096 characters")), log.toString());
    }

    @Test
    void review7Finding2TheBodyBoundIsAnEighthOfTheHeap()
    {
        assertEquals(8L << 20, LapiClient.maxBodyBytes(64L << 20), "-Xmx64m, the launcher's");
        assertEquals(1L << 20, LapiClient.maxBodyBytes(4L << 20), "at least 1 MiB");
        assertEquals(LapiClient.maxBodyBytes(Runtime.getRuntime().maxMemory()), LapiClient.MAX_BODY_BYTES);
    }

    @Test
    void review7Finding2AnOutOfMemoryErrorEndsTheThread() throws Exception
    {
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        final int[] rounds = new int[1];
        final java.util.concurrent.atomic.AtomicReference<Throwable> uncaught = new java.util.concurrent.atomic.AtomicReference<>();
        final BridgeThread thread = new BridgeThread(bridge, "oom")
        {
            @Override
            void round()
            {
                rounds[0]++;
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            long pauseNanos()
            {
                return millisToNanos(20);
            }
        };
        thread.thread().setUncaughtExceptionHandler((t, ex) -> uncaught.set(ex));
        try (thread)
        {
            thread.start();
            Poll.until("the thread ended", WAIT, () -> !thread.thread().isAlive(), () -> rounds[0] + " " + log);
        }
        assertEquals(1, rounds[0]);
        assertTrue(uncaught.get() instanceof OutOfMemoryError, String.valueOf(uncaught.get()));
    }

    @Test
    void review7Finding6A5xxIsRetriedNeverDropped() throws Exception
    {
        final int[] refused = new int[1];
        lapi.refuseAlerts(500, body -> body.contains("192.0.2.66") && ++refused[0] <= MAX_REFUSALS);
        start(true, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        bridge.outbox().onBan(ban("192.0.2.66", "sshd", 2));
        Poll.until("192.0.2.66 pushed after three 500s", Duration.ofSeconds(90), () -> lapi.alerts().contains("\"192.0.2.66\""),
            () -> refused[0] + " " + lapi.alerts() + "\n" + log);
        assertEquals(0, counters.crowdsecPushesDropped.get());
        assertEquals(MAX_REFUSALS + 1, refused[0]);
    }

    @Test
    void review7Finding5AFailedDeltaIsFollowedByAFullAnswerThatLiftsWhatItNoLongerShows() throws Exception
    {
        lapi.answer("{\"new\":[" + decision(7, "192.0.2.40", "crowdsecurity/ssh-bf") + "," +
            decision(8, "192.0.2.41", "crowdsecurity/ssh-bf") + "],\"deleted\":null}");
        // The delta that deleted decision 7 does not arrive whole; the LAPI will not send it again.
        lapi.answer("{\"deleted\":[" + decision(7, "192.0.2.40", "crowdsecurity/ssh-bf"));
        lapi.answer("{\"new\":[" + decision(8, "192.0.2.41", "crowdsecurity/ssh-bf") + "],\"deleted\":null}");
        start(false, LapiClient.MAX_BODY_BYTES, request -> answer(request, BanOutcome.APPLIED));
        Poll.until("the lift of 192.0.2.40", WAIT, () -> requests.size() >= 2, () -> requests + " " + lapi.streamQueries + " " + log);
        assertEquals(List.of("startup=true", "startup=false", "startup=true"), lapi.streamQueries.subList(0, 3));
        final LocalRequest resync = requests.get(1);
        assertEquals(2, resync.size(), "the ban of 192.0.2.41 again, the lift of 192.0.2.40");
        assertEquals("192.0.2.40", resync.prefix(1).toString());
        assertTrue(resync.isLiftIfOurs(1));
        assertEquals(ReasonCode.of("crowdsecurity/ssh-bf").id(), resync.item(1).reason());
    }

    @Test
    void review7Finding4AReplyTricklingItsBodyIsCutAtTheDeadline() throws Exception
    {
        lapi.answer(exchange ->
        {
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream out = exchange.getResponseBody())
            {
                out.write("{\"new\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (int i = 0; i < 600; i++)
                {
                    out.write(' ');
                    out.flush();
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
                }
            }
        });
        lapi.answer("{\"new\":[" + decision(500, "192.0.2.200", "crowdsecurity/ssh-bf") + "],\"deleted\":[]}");
        start(false, LapiClient.MAX_BODY_BYTES, Duration.ofSeconds(1), request -> answer(request, BanOutcome.APPLIED));
        Poll.until("the trickle cut and the next answer taken", WAIT, () -> requests.size() == 1, () -> log + " " + lapi.streamQueries);
        assertTrue(log.stream().anyMatch(line -> line.contains("the reply did not come within 1000 ms")), log.toString());
    }

    @Test
    void review7Finding13ABanPushedLiveBeforeTheHeldBansIsNotPushedAgain() throws Exception
    {
        final long now = System.currentTimeMillis();
        try (BanStore store = BanStore.openForDaemon(dir.resolve("state"), 1_024))
        {
            store.put(held("192.0.2.31", "sshd", 1, now + 3_600_000));
            store.put(held("192.0.2.34", "sshd", 1, now + 3_600_000));
        }
        final String first = "{\"new\":[" + decision(1, "192.0.2.30", "crowdsecurity/ssh-bf") + "],\"deleted\":null}";
        lapi.answer(first);
        lapi.answer(first);
        lapi.answer(first);
        // The loop takes nothing until 192.0.2.31 is pushed live: the start-up answer is not taken before that.
        start(true, LapiClient.MAX_BODY_BYTES, request ->
        {
            if (lapi.alerts().contains("BlockSync ban 192.0.2.31 reason"))
            {
                answer(request, BanOutcome.APPLIED);
            }
        });
        bridge.bouncer.loopWaitMillis(300);
        bridge.outbox().onBan(held("192.0.2.31", "sshd", 1, now + 3_600_000));
        Poll.until("the held bans pushed", WAIT, () -> lapi.alerts().contains("\"192.0.2.34\"") && bridge.isStartupTaken(),
            () -> lapi.alerts() + "\n" + log);
        final String alerts = lapi.alerts();
        assertEquals(1, alerts.split("BlockSync ban 192.0.2.31 reason", -1).length - 1, alerts);
        assertTrue(bridge.alreadyPushed.isEmpty(), "freed after the held push: " + bridge.alreadyPushed);
    }

    private void start(final boolean push, final long maxBody, final java.util.function.Consumer<LocalRequest> loop) throws Exception
    {
        start(push, maxBody, LapiClient.TIMEOUT, loop);
    }

    private void start(final boolean push, final long maxBody, final Duration timeout, final java.util.function.Consumer<LocalRequest> loop)
        throws Exception
    {
        final Path key = write("bouncer.key", "0123456789abcdef\n");
        final Path machine = write("machine.yaml", "url: " + lapi.url() + "\nlogin: blocksync\npassword: secret\n");
        final Path config = write("node.conf", "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = state\nkey = " + KEY +
            "\n\n[firewall]\nbackend = log\n\n[crowdsec]\nlapi-url = " + lapi.url() + "\napi-key-file = " + key +
            "\npoll-interval = 100ms\npush = " + (push ? "yes\nmachine-credentials-file = " + machine : "no") +
            "\n\n[peer 2]\naddress = 127.0.0.1:7702\nkey = " + TestKeys.publicText(PEER_KEY) + "\n");
        final NodeConfig node = ConfigReader.read(config);
        final Predicate<LocalRequest> submit = request ->
        {
            requests.add(request);
            loop.accept(request);
            return true;
        };
        bridge = new CrowdSecBridge(node, counters, log::add, submit, new LapiClient(node.crowdsec().lapiUrl(), maxBody, timeout));
        bridge.start();
    }

    private Path write(final String name, final String text) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void answer(final LocalRequest request, final int outcome)
    {
        LocalRequestAnswers.answer(request, index -> outcome);
    }

    private static String decision(final long id, final String value, final String scenario)
    {
        return "{\"duration\":\"3h59m58.8s\",\"id\":" + id + ",\"origin\":\"crowdsec\",\"scenario\":\"" + scenario +
            "\",\"scope\":\"" + (value.contains("/") ? "Range" : "Ip") + "\",\"type\":\"ban\",\"value\":\"" + value + "\"}";
    }

    private static Ban ban(final String address, final String reason, final int origin)
    {
        final Ban ban = new Ban().action(BanAction.BAN).durationSeconds(3_600).reason(ReasonCode.of(reason)).originNodeId(origin);
        assertTrue(null == AddressText.parse(address, ban.prefix(), 32, 128));
        return ban;
    }

    private static Ban held(final String prefix, final String reason, final int origin, final long expiresAt)
    {
        return ban(prefix, reason, origin).expiresAtMillis(expiresAt).durationSeconds(Ban.PERMANENT == expiresAt ? Ban.PERMANENT : 3_600);
    }
}
