package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleAndSourceSectionTest
{
    private static final Path FILE = Path.of("/etc/blocksync/test.conf");
    private static final String NODE = "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = /var/lib/blocksync\n" +
        "key = base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";

    @Test
    void sourcesAndRulesBindWithDefaultsFromBans() throws Exception
    {
        final NodeConfig config = ConfigReader.parse(FILE, NODE +
            "[bans]\ndefault-duration = 2h\nipv6-prefix = 56\ntracked-sources = 4096\n" +
            "[source kernel]\ntype = nflog\ngroup = 5\n" +
            "[source pflog]\ntype = pflog-file\n" +
            "[source dump]\ntype = pcap-pipe\ncommand = tcpdump -i nflog:6 -U -w -\n" +
            "[source overload]\ntype = pf-table\ntable = bruteforce\ninterval = 30s\nexpire = 1h\n" +
            "[rule ssh]\nsource = kernel\nlog-prefix = \"bs-ssh\"\nprotocol = tcp\nport = 22\nnfail = 5\nwindow = 10m\nescalate = 2\n" +
            "[rule web]\naction = block\ndirection = in\nrule-number = 7\ninterface = vio0\nnfail = 20\nreason = http\nduration = 30m\n");

        assertEquals(4096, config.trackedSources());
        final List<SourceConfig> sources = config.sources();
        assertEquals(List.of("kernel", "pflog", "dump", "overload"), sources.stream().map(SourceConfig::name).toList());
        assertEquals(5, sources.get(0).group());
        assertEquals(Path.of("/var/log/pflog"), sources.get(1).path());
        assertEquals(List.of("tcpdump", "-i", "nflog:6", "-U", "-w", "-"), sources.get(2).command());
        assertEquals(30_000, sources.get(3).intervalMillis());
        assertEquals(3600, sources.get(3).expireSeconds());

        final RuleConfig ssh = config.rules().get(0);
        assertEquals("kernel", ssh.source());
        assertEquals("bs-ssh", ssh.logPrefix());
        assertEquals(6, ssh.protocol());
        assertEquals(22, ssh.port());
        assertEquals(5, ssh.nfail());
        assertEquals(600_000, ssh.windowMillis());
        assertEquals(7200, ssh.durationSeconds(), "default-duration from [bans]");
        assertEquals("ssh", ssh.reason().text(), "the rule's name is its reason by default");
        assertEquals(56, ssh.ipv6Prefix());
        assertEquals(2, ssh.escalate());

        final RuleConfig web = config.rules().get(1);
        assertEquals(1, web.action());
        assertEquals(1, web.direction());
        assertEquals(7, web.ruleNumber());
        assertEquals("vio0", web.ifname());
        assertEquals("http", web.reason().text());
        assertEquals(RuleConfig.ANY, web.port());
    }

    @Test
    void mistakesAreReportedWithTheirPosition()
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigReader.parse(FILE, NODE +
            "[source kernel]\ntype = nflg\n" +
            "[rule ssh]\nsource = kernal\nnfail = 5\nprotocol = tpc\n" +
            "[rule _bad]\nnfail = 1\n" +
            "[rule]\nnfail = 2\n"));
        final String all = String.join("\n", error.errors());
        assertTrue(all.contains("test.conf:7:8: type: 'nflg' is not a source type"), all);
        assertTrue(all.contains("test.conf:9:10: source: no [source kernal] in this file"), all);
        assertTrue(all.contains("test.conf:11:12: protocol: 'tpc' is not a protocol"), all);
        assertTrue(all.contains("rule '_bad' needs a reason"), all);
        assertTrue(all.contains("section [rule] needs a name"), all);
    }

    @Test
    void aRuleDurationOfZeroNegativeOverflowingOrBeyondMaxDurationIsRefusedWithTheAcceptedForms()
    {
        final String rule = "[source kernel]\ntype = nflog\ngroup = 5\n[rule ssh]\nsource = kernel\nnfail = 5\nduration = ";
        final String forms = "; accepted: 1s to 30d (max-duration), e.g. 30s, 15m, 1h, 1h30m";
        assertEquals("/etc/blocksync/test.conf:12:12: duration: '0': a ban must last at least 1s" + forms, ruleError(rule + "0\n"));
        assertEquals("/etc/blocksync/test.conf:12:12: duration: '-1h': a ban cannot last a negative time" + forms, ruleError(rule + "-1h\n"));
        assertEquals("/etc/blocksync/test.conf:12:12: duration: '200000w': longer than the 49710d6h28m15s (about 136 years) a ban " +
            "record can hold" + forms, ruleError(rule + "200000w\n"));
        assertEquals("/etc/blocksync/test.conf:12:12: duration: '60d': longer than max-duration (30d)" + forms, ruleError(rule + "60d\n"));
        assertEquals("/etc/blocksync/test.conf:12:12: duration: 'permanent': bans without end are off here (max-duration is 30d)" +
            forms, ruleError(rule + "permanent\n"));
    }

    @Test
    void aPermanentRuleIsAcceptedWhenMaxDurationIsPermanentAndStaysDistinctFromTheDefault() throws Exception
    {
        final NodeConfig config = ConfigReader.parse(FILE, NODE + "[bans]\nmax-duration = permanent\n" +
            "[source kernel]\ntype = nflog\ngroup = 5\n[rule ssh]\nsource = kernel\nnfail = 5\nduration = permanent\n" +
            "[rule web]\nsource = kernel\nnfail = 5\n");

        assertEquals(Durations.PERMANENT, config.rules().get(0).durationSeconds());
        assertEquals(3600, config.rules().get(1).durationSeconds(), "no duration: default-duration, 1h");
    }

    private static String ruleError(final String tail)
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigReader.parse(FILE, NODE + tail));
        return String.join("\n", error.errors());
    }
}
