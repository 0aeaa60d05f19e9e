package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LAPI's stream as CrowdSec 1.4.6 sends it (replies recorded from Debian's crowdsec), Go durations, the mapping to
 * bans, and the alert the pusher sends.
 */
class CrowdSecDecisionTest
{
    /** Recorded: `cscli decisions add --range ... --reason crowdsecurity/ssh-bf` and `--ip 192.0.2.7`, then a delete. */
    private static final String STREAM = "{\"deleted\":[{\"duration\":\"-155.36426ms\",\"id\":1,\"origin\":\"cscli\"," +
        "\"scenario\":\"manual 'ban' from 'bstest'\",\"scope\":\"Ip\",\"type\":\"ban\",\"value\":\"192.0.2.7\"}]," +
        "\"new\":[{\"duration\":\"1h29m59.600227876s\",\"id\":2,\"origin\":\"cscli\",\"scenario\":\"crowdsecurity/ssh-bf\"," +
        "\"scope\":\"Range\",\"type\":\"ban\",\"value\":\"198.51.100.0/24\"},{\"duration\":\"3h59m58.60022493s\",\"id\":3," +
        "\"origin\":\"cscli\",\"scenario\":\"manual 'ban' from 'bstest'\",\"scope\":\"Ip\",\"type\":\"ban\",\"value\":\"192.0.2.7\"}]}";

    @Test
    void goDurationsAsCrowdSecWritesThem()
    {
        assertEquals(14_398_800, GoDuration.parseMillis("3h59m58.8s"));
        assertEquals(5_399_600, GoDuration.parseMillis("1h29m59.600227876s"));
        assertEquals(-155, GoDuration.parseMillis("-155.36426ms"));
        assertEquals(0, GoDuration.parseMillis("0s"));
        assertEquals(0, GoDuration.parseMillis("0"));
        assertEquals(1, GoDuration.parseMillis("1500us"));
        assertEquals(86_400_000L * 3650, GoDuration.parseMillis("87600h"));
        for (final String bad : List.of("", "4", "h", "4x", "1.2.3s", "-"))
        {
            assertThrows(IllegalArgumentException.class, () -> GoDuration.parseMillis(bad), bad);
        }
    }

    @Test
    void theStreamMapsToBansWithTheScenarioOrTheOriginAsReason()
    {
        final CrowdSecDecision.Stream stream = CrowdSecDecision.Stream.parse(STREAM);
        assertEquals(1, stream.deleted().size());
        assertEquals(2, stream.added().size());
        final CrowdSecDecision range = stream.added().get(0);
        final IpPrefix prefix = new IpPrefix();
        assertNull(range.unsupported());
        assertNull(range.prefix(prefix, 32, 128));
        assertEquals("198.51.100.0/24", prefix.toString());
        assertEquals("crowdsecurity/ssh-bf", range.reason().text());
        assertEquals(5_400, range.banSeconds(0, 0xFFFF_FFFFL), "rounded up: never ends before CrowdSec's");
        assertEquals(3_600, range.banSeconds(3_600, 0xFFFF_FFFFL), "max-duration clamps");
        final CrowdSecDecision host = stream.added().get(1);
        assertEquals("cscli", host.reason().text(), "cscli's scenario is no reason: the origin is");
        assertEquals(14_399, host.banSeconds(0, 0xFFFF_FFFFL));
        assertEquals(0, stream.deleted().get(0).banSeconds(0, 0xFFFF_FFFFL));
        // A duration beyond what a long holds in milliseconds is clamped to the longest ban, never wrapped to 1 s.
        final CrowdSecDecision huge = new CrowdSecDecision(Map.of("id", 2L, "origin", "crowdsec", "scenario", "x",
            "scope", "Ip", "type", "ban", "value", "192.0.2.2", "duration", "3000000000000h"));
        assertEquals(0xFFFF_FFFFL, huge.banSeconds(0, 0xFFFF_FFFFL));

        final CrowdSecDecision.Stream empty = CrowdSecDecision.Stream.parse("{\"deleted\":null,\"new\":null}");
        assertTrue(empty.added().isEmpty() && empty.deleted().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> CrowdSecDecision.Stream.parse("[1]"));
        assertThrows(IllegalArgumentException.class, () -> CrowdSecDecision.Stream.parse("{\"new\":[{\"id\":1}"));
    }

    /** Review finding 15: the hand-written reader took these; each is refused with one line naming the place. */
    @Test
    void malformedRepliesAreRefusedWithOneLineNamingWhere()
    {
        final String good = "\"scope\":\"Ip\",\"type\":\"ban\",\"value\":\"192.0.2.1\",\"duration\":\"1h\"";
        for (final String bad : List.of(
            "{\"new\":[{\"id\":1.5," + good + "}]}",
            "{\"new\":[{\"id\":1e3," + good + "}]}",
            "{\"new\":[{\"id\":2.0," + good + "}]}",
            "{\"new\":[{\"id\":1,\"scenario\":\"\\u+04a\"," + good + "}]}",
            "{\"new\":[{\"id\":1,\"scenario\":\"\\u-04a\"," + good + "}]}",
            "{\"new\":[{\"id\":1,\"scenario\":\"\\u12\"," + good + "}]}",
            "{\"new\":[{\"id\":\"1\"," + good + "}]}",
            "{\"new\":[{" + good + "}]}",
            "{\"new\":[{\"id\":1,\"value\":5,\"scope\":\"Ip\"}]}",
            "{\"new\":[{\"id\":1,\"id\":2," + good + "}]}",
            "{\"new\":[],\"deleted\":[]} trailing",
            "{'new':[]}",
            "{\"new\":[]} // comment",
            "{\"new\":[{\"id\":NaN," + good + "}]}",
            "{\"new\":[{\"id\":1," + good,
            "[".repeat(70) + "]".repeat(70)))
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CrowdSecDecision.Stream.parse(bad), bad);
            assertTrue(null != refused.getMessage() && !refused.getMessage().contains("\n"), bad + ": " + refused.getMessage());
        }
        final IllegalArgumentException floatId = assertThrows(IllegalArgumentException.class,
            () -> CrowdSecDecision.Stream.parse("{\"new\":[{\"id\":1.5," + good + "}]}"));
        assertEquals("the decision at $.new[0]: its id '1.5' is not an integer", floatId.getMessage());
        final IllegalArgumentException escape = assertThrows(IllegalArgumentException.class,
            () -> CrowdSecDecision.Stream.parse("{\"new\":[{\"id\":1,\"scenario\":\"\\u+04a\"}]}"));
        assertTrue(escape.getMessage().startsWith("bad JSON: ") && escape.getMessage().contains("$.new[0].scenario"), escape.getMessage());
        // Escapes that are right are taken.
        assertEquals("s\u00e9", CrowdSecDecision.Stream.parse("{\"new\":[{\"id\":1,\"scenario\":\"s\\u00E9\"," + good + "}]}")
            .added().get(0).scenario());
    }

    @Test
    void onlyIpAndRangeBansAreTakenAndLongReasonsAreCut()
    {
        final String long50 = "crowdsecurity/" + "x".repeat(36);
        assertEquals("scope 'Country' (only Ip and Range are firewall bans)", decision("Country", "ban", "x").unsupported());
        assertEquals("type 'captcha' (only ban is a firewall ban)", decision("ip", "captcha", "x").unsupported());
        assertEquals(long50.substring(0, ReasonCode.MAX_LENGTH), decision("Ip", "ban", long50).reason().text());
        assertEquals("crowdsec", decision("", "a b", "Ip", "ban", "192.0.2.1").reason().text());
        assertTrue(decision("Ip", "ban", "blocksync/sshd").isPushedByBlockSync());
        final IpPrefix prefix = new IpPrefix();
        assertTrue(null != decision("cscli", "s", "Ip", "ban", "host.example").prefix(prefix, 32, 128),
            "a name is refused, never resolved");
    }

    @Test
    void theAlertCarriesTheFieldsTheSwaggerRequires()
    {
        final Ban ban = new Ban().action(BanAction.BAN).durationSeconds(3_600).reason(ReasonCode.of("nginx-http-auth")).originNodeId(2);
        assertNull(io.blocksync.codec.AddressText.parse("203.0.113.9", ban.prefix(), 32, 128));
        final Object alert = LapiJson.parse(CrowdSecPusher.alert(ban, ban.prefix().toString(), CrowdSecPusher.duration(ban)));
        final Map<?, ?> fields = (Map<?, ?>)alert;
        for (final String key : List.of("scenario", "scenario_hash", "scenario_version", "message", "events_count", "start_at",
            "stop_at", "capacity", "leakspeed", "simulated", "events", "source"))
        {
            assertTrue(fields.containsKey(key), key + " in " + alert);
        }
        final Map<?, ?> decision = (Map<?, ?>)((List<?>)fields.get("decisions")).get(0);
        assertEquals(Map.of("duration", "3600s", "origin", "crowdsec", "scenario", "blocksync/nginx-http-auth", "scope", "Ip",
            "type", "ban", "value", "203.0.113.9"), decision);
        assertEquals("87600h", CrowdSecPusher.duration(new Ban().durationSeconds(Ban.PERMANENT)));
    }

    private static CrowdSecDecision decision(final String scope, final String type, final String scenario)
    {
        return decision("crowdsec", scenario, scope, type, "192.0.2.1");
    }

    private static CrowdSecDecision decision(
        final String origin, final String scenario, final String scope, final String type, final String value)
    {
        return new CrowdSecDecision(Map.of("id", 1L, "origin", origin, "scenario", scenario, "scope", scope, "type", type,
            "value", value, "duration", "1m"));
    }
}
