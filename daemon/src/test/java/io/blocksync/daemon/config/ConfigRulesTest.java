package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.assertErrors;
import static io.blocksync.daemon.config.ConfigTesting.errors;
import static io.blocksync.daemon.config.ConfigTesting.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One rule per test: the position and the wording of what the operator reads.
 */
class ConfigRulesTest
{
    private static final String BANS_KEYS = "default-duration, max-duration, ipv4-prefix, ipv6-prefix, " +
        "min-prefix-ipv4, min-prefix-ipv6, capacity, origin-quota, origin-rate, origin-burst, tracked-sources";

    @Test
    void shouldNameAnUnknownSectionAndSuggestTheNearestOne()
    {
        assertErrors(NODE + "[Bans]\ncapacity = 5\n[metrics]\nport = 9100\n",
            "test.conf:6:2: unknown section [Bans] (did you mean [bans]?); accepted sections: " +
                "[node], [bans], [firewall], [allow], [protocol], [http], [crowdsec], [peer ID], [source NAME], [rule NAME], [multicast]",
            "test.conf:8:2: unknown section [metrics]; accepted sections: " +
                "[node], [bans], [firewall], [allow], [protocol], [http], [crowdsec], [peer ID], [source NAME], [rule NAME], [multicast]");
    }

    @Test
    void shouldNameAnUnknownKeyAndListTheAcceptedOnes()
    {
        assertErrors(NODE + "[bans]\ncapasity = 5\nbogus = 1\n",
            "test.conf:7:1: unknown key 'capasity' in [bans] (did you mean 'capacity'?); accepted keys: " + BANS_KEYS,
            "test.conf:8:1: unknown key 'bogus' in [bans]; accepted keys: " + BANS_KEYS);
    }

    @Test
    void shouldTreatKeysAsCaseSensitive()
    {
        assertErrors(NODE + "Key-Id = 2\n",
            "test.conf:6:1: unknown key 'Key-Id' in [node] (did you mean 'key-id'?); accepted keys: " +
                "id, listen, state-dir, state-sync, signer-threads, key-id, key, key-file, next-key-id, next-key, next-key-file");
    }

    @Test
    void shouldSuggestAKeyThatStartsWithWhatWasTyped()
    {
        assertErrors(NODE + "[protocol]\nheartbeat = 2s\n",
            "test.conf:7:1: unknown key 'heartbeat' in [protocol] (did you mean 'heartbeat-interval'?); " +
                "accepted keys: heartbeat-interval, retransmit-initial, retransmit-max, send-window, snapshot-chunk-budget, " +
                "peer-suspect-after, peer-down-after, max-clock-skew, clock-warning");
    }

    @Test
    void shouldPointAtTheSecondOccurrenceOfADuplicateKey()
    {
        assertErrors(NODE + "id = 2\n[bans]\ncapacity = 5\ncapacity = 6\ncapacity = 7\n",
            "test.conf:6:1: duplicate key 'id' in [node] (first set on line 2)",
            "test.conf:9:1: duplicate key 'capacity' in [bans] (first set on line 8)",
            "test.conf:10:1: duplicate key 'capacity' in [bans] (first set on line 8)");
    }

    @Test
    void shouldRefuseADuplicateSection()
    {
        assertErrors(NODE + "[bans]\ncapacity = 5\n[bans]\ncapacity = 6\n[node]\n",
            "test.conf:8:2: duplicate section [bans] (first on line 6)",
            "test.conf:10:2: duplicate section [node] (first on line 1)");
    }

    @Test
    void shouldRefuseAnArgumentOnASectionThatTakesNone()
    {
        assertErrors(NODE.replace("[node]", "[node 3]"),
            "test.conf:1:7: section [node] takes no argument; write [node]");
    }

    @Test
    void shouldReportMissingRequiredKeysAtTheSectionHeader()
    {
        assertErrors("# the node\n[node]\nkey-id = 2\n",
            "test.conf:2:2: missing required key 'id' in [node]",
            "test.conf:2:2: missing required key 'listen' in [node]",
            "test.conf:2:2: missing required key 'state-dir' in [node]",
            "test.conf:2:2: missing required key 'key' or 'key-file' in [node] (blocksync keygen makes a key)");
    }

    @Test
    void shouldReportAMissingNodeSectionAtTheStartOfTheFile()
    {
        final String expected =
            "test.conf:1:1: missing section [node]; it needs id, listen, state-dir and key or key-file";
        assertErrors("", expected);
        assertErrors("# nothing\n\n[bans]\ncapacity = 5\n", expected);
    }

    @Test
    void shouldCheckNodeValues()
    {
        assertErrors(NODE.replace("id = 1", "id = 0"), "test.conf:2:6: id: 0 is outside 1-2147483647");
        assertErrors(NODE.replace("id = 1", "id = 2147483648"),
            "test.conf:2:6: id: 2147483648 is outside 1-2147483647");
        assertErrors(NODE.replace("id = 1", "id = one"),
            "test.conf:2:6: id: 'one' is not a whole number; expected 1-2147483647");
        assertErrors(NODE + "key-id = 256\n", "test.conf:6:10: key-id: 256 is outside 0-255");
        assertErrors(NODE.replace("/var/lib/blocksync", "~/state"),
            "test.conf:4:13: state-dir: '~/state': '~' is not expanded; write the full path");
    }

    @Test
    void shouldCheckSignerThreadsAndPickTheirNumberFromTheCpus() throws Exception
    {
        assertErrors(NODE + "signer-threads = 0\n", "test.conf:6:18: signer-threads: 0 is outside 1-8");
        assertErrors(NODE + "signer-threads = 9\n", "test.conf:6:18: signer-threads: 9 is outside 1-8");
        assertErrors(NODE + "signer-threads = two\n",
            "test.conf:6:18: signer-threads: 'two' is not a whole number; expected 1-8");
        assertErrors(NODE + "signer-threads = -1\n", "test.conf:6:18: signer-threads: -1 is outside 1-8");

        final NodeConfig unset = parse(NODE);
        assertEquals(0, unset.signerThreadsSetting());
        assertEquals(0, unset.signerThreads(1), "one CPU: the loop signs");
        assertEquals(2, unset.signerThreads(2));
        assertEquals(2, unset.signerThreads(64));
        final NodeConfig four = parse(NODE + "signer-threads = 4\n");
        assertEquals(4, four.signerThreadsSetting());
        assertEquals(0, four.signerThreads(1), "one CPU: the loop signs whatever is set");
        assertEquals(4, four.signerThreads(2));
        assertEquals(1, parse(NODE + "signer-threads = 1\n").signerThreads(8));
    }

    @Test
    void shouldRefuseAHostNameAndSaySoWithoutLookingItUp()
    {
        assertErrors(NODE.replace("192.0.2.1:7701", "localhost:7701"),
            "test.conf:3:10: listen: 'localhost:7701': 'localhost' is a host name; write a literal IP address " +
                "such as 192.0.2.1:7701 (BlockSync never uses DNS)");
    }

    @Test
    void shouldCheckListenPortAndAddress()
    {
        assertErrors(NODE.replace("192.0.2.1:7701", "192.0.2.1:0"),
            "test.conf:3:10: listen: '192.0.2.1:0': port 0 is outside 1-65535");
        assertErrors(NODE.replace("192.0.2.1:7701", "192.0.2.1:65536"),
            "test.conf:3:10: listen: '192.0.2.1:65536': port 65536 is outside 1-65535");
        assertErrors(NODE.replace("192.0.2.1:7701", "192.0.2.1"),
            "test.conf:3:10: listen: '192.0.2.1': missing ':PORT', e.g. 192.0.2.1:7701");
        assertErrors(NODE.replace("192.0.2.1:7701", "2001:db8::1:7701"),
            "test.conf:3:10: listen: '2001:db8::1:7701': write an IPv6 address in brackets with the port after " +
                "them, e.g. [2001:db8::1]:7701");
        assertErrors(NODE.replace("192.0.2.1:7701", "192.0.2.256:7701"),
            "test.conf:3:10: listen: '192.0.2.256': octet 4 is 256, expected 0-255");
    }

    @Test
    void shouldCheckBanDurations()
    {
        assertErrors(NODE + "[bans]\ndefault-duration = 1x\n",
            "test.conf:7:20: default-duration: '1x': not a ban duration; accepted: permanent, 30s, 15m, 1h, 30d, 2w, 1h30m");
        assertErrors(NODE + "[bans]\ndefault-duration = 500ms\n",
            "test.conf:7:20: default-duration: '500ms': a ban lasts whole seconds, not milliseconds; accepted: " +
                "permanent, 30s, 15m, 1h, 30d, 2w, 1h30m");
        assertErrors(NODE + "[bans]\nmax-duration = 50000d\n",
            "test.conf:7:16: max-duration: '50000d': longer than the 49710d6h28m15s (about 136 years) a ban record " +
                "can hold; accepted: permanent, 30s, 15m, 1h, 30d, 2w, 1h30m");
        assertErrors(NODE + "[bans]\ndefault-duration = 0\n",
            "test.conf:7:20: default-duration: '0': a ban must last at least 1s; accepted: permanent, 30s, 15m, 1h, " +
                "30d, 2w, 1h30m");
        assertErrors(NODE + "[bans]\ndefault-duration = -1h\n",
            "test.conf:7:20: default-duration: '-1h': a ban cannot last a negative time; accepted: permanent, 30s, " +
                "15m, 1h, 30d, 2w, 1h30m");
    }

    @Test
    void shouldRefuseADefaultDurationLongerThanTheMaximum()
    {
        assertErrors(NODE + "[bans]\ndefault-duration = 60d\n",
            "test.conf:7:20: default-duration (60d) is longer than max-duration (30d)");
        assertErrors(NODE + "[bans]\nmax-duration = 10m\n",
            "test.conf:7:16: default-duration (1h) is longer than max-duration (10m)");
        assertErrors(NODE + "[bans]\ndefault-duration = permanent\n",
            "test.conf:7:20: default-duration (permanent) is longer than max-duration (30d)");
    }

    @Test
    void shouldSkipChecksBetweenKeysWhenAValueIsWrong()
    {
        assertErrors(NODE + "[bans]\ndefault-duration = 60d\nmax-duration = 1x\n",
            "test.conf:8:16: max-duration: '1x': not a ban duration; accepted: permanent, 30s, 15m, 1h, 30d, 2w, 1h30m");
        assertErrors(NODE + "[protocol]\nretransmit-initial = 10s\nretransmit-max = fast\n",
            "test.conf:8:18: retransmit-max: 'fast': expected a duration such as 200ms, 30s, 15m, 1h");
    }

    @Test
    void shouldAcceptPermanentBansWhenTheMaximumIsPermanent() throws ConfigException
    {
        final NodeConfig config = parse(NODE + "[bans]\ndefault-duration = permanent\nmax-duration = permanent\n");

        assertEquals(Durations.PERMANENT, config.defaultBanSeconds());
        assertEquals(Durations.PERMANENT, config.maxBanSeconds());
    }

    @Test
    void shouldCheckPrefixLengths()
    {
        assertErrors(NODE + "[bans]\nipv4-prefix = 33\nipv6-prefix = 0\nmin-prefix-ipv6 = 129\n",
            "test.conf:7:15: ipv4-prefix: 33 is outside 1-32",
            "test.conf:8:15: ipv6-prefix: 0 is outside 1-128",
            "test.conf:9:19: min-prefix-ipv6: 129 is outside 1-128");
        assertErrors(NODE + "[bans]\nipv4-prefix = 8\n",
            "test.conf:7:15: ipv4-prefix (/8) is shorter than min-prefix-ipv4 (/16), so this node's own bans " +
                "would be refused");
        assertErrors(NODE + "[bans]\nmin-prefix-ipv6 = 96\n",
            "test.conf:7:19: ipv6-prefix (/64) is shorter than min-prefix-ipv6 (/96), so this node's own bans " +
                "would be refused");
    }

    @Test
    void shouldCheckStoreSizeAndRate()
    {
        assertErrors(NODE + "[bans]\ncapacity = 0\norigin-rate = 1000001\n",
            "test.conf:7:12: capacity: 0 is outside 1-100000000",
            "test.conf:8:15: origin-rate: 1000001 is outside 1-1000000");
    }

    @Test
    void shouldCheckAllowPrefixesWithAddressText()
    {
        assertErrors(NODE + "[allow]\nprefix = 192.0.2.5/24\nprefix = example.com\nprefix = 2001:db8::/129\n",
            "test.conf:7:10: prefix: '192.0.2.5/24': host bits set (did you mean 192.0.2.0/24?)",
            "test.conf:8:10: prefix: 'example.com': not an IPv4 or IPv6 address",
            "test.conf:9:10: prefix: '2001:db8::/129': prefix length 129 exceeds 128");
    }

    @Test
    void shouldWarnAboutARepeatedAllowPrefix() throws ConfigException
    {
        final NodeConfig config = parse(NODE + "[allow]\nprefix = 192.0.2.0/24\nprefix = 192.0.2.0/24\n");

        assertEquals(1, config.allowList().size());
        assertEquals(List.of("test.conf:8:10: warning: prefix: 192.0.2.0/24 is already listed on line 7"),
            config.warnings());
    }

    @Test
    void shouldCheckProtocolDurations()
    {
        assertErrors(NODE + "[protocol]\nheartbeat-interval = 5ms\nretransmit-initial = 2m\nsend-window = 0\n",
            "test.conf:7:22: heartbeat-interval: '5ms' is outside 10ms-1h",
            "test.conf:8:22: retransmit-initial: '2m' is outside 1ms-1m",
            "test.conf:9:15: send-window: 0 is outside 1-65536");
    }

    @Test
    void shouldBoundTheSnapshotChunkBudget() throws Exception
    {
        // Review 7 finding 11: the default serves a 1,000,000-ban join in about 10 s of budget; at most ~79 MB/interval.
        assertEquals(NodeConfig.DEFAULT_SNAPSHOT_CHUNK_BUDGET, parse(NODE).snapshotChunkBudget());
        assertEquals(8_192, NodeConfig.DEFAULT_SNAPSHOT_CHUNK_BUDGET);
        assertEquals(64, parse(NODE + "[protocol]\nsnapshot-chunk-budget = 64\n").snapshotChunkBudget());
        assertEquals(65_536, parse(NODE + "[protocol]\nsnapshot-chunk-budget = 65536\n").snapshotChunkBudget());
        assertErrors(NODE + "[protocol]\nsnapshot-chunk-budget = 63\n",
            "test.conf:7:25: snapshot-chunk-budget: 63 is outside 64-65536");
        assertErrors(NODE + "[protocol]\nsnapshot-chunk-budget = 65537\n",
            "test.conf:7:25: snapshot-chunk-budget: 65537 is outside 64-65536");
    }

    @Test
    void shouldCheckProtocolTimingAgainstItself()
    {
        assertErrors(NODE + "[protocol]\nretransmit-max = 100ms\n",
            "test.conf:7:18: retransmit-max (100ms) is shorter than retransmit-initial (200ms)");
        assertErrors(NODE + "[protocol]\npeer-suspect-after = 1s\n",
            "test.conf:7:22: peer-suspect-after (1s) must be longer than heartbeat-interval (1s), or every peer " +
                "would be suspect between two heartbeats");
        assertErrors(NODE + "[protocol]\npeer-down-after = 2s\n",
            "test.conf:7:19: peer-down-after (2s) must be longer than peer-suspect-after (3s)");
    }

    @Test
    void shouldRefuseAnUnknownFirewallBackendWithoutFlaggingItsKeys()
    {
        assertErrors(NODE + "[firewall]\nbackend = npf\ntable = blocksync\n",
            "test.conf:7:11: backend: unknown firewall backend 'npf' (did you mean 'pf'?); this build supports: " +
            "log, nftables, ipset, pf, control, sshguard");
        assertErrors(NODE + "[firewall]\nbackend = lgo\n",
            "test.conf:7:11: backend: unknown firewall backend 'lgo' (did you mean 'log'?); this build supports: " +
            "log, nftables, ipset, pf, control, sshguard");
    }

    @Test
    void shouldRefuseKeysTheChosenBackendDoesNotHave()
    {
        assertErrors(NODE + "[firewall]\nbackend = log\ntable = blocksync\n",
            "test.conf:8:1: unknown key 'table' in [firewall]; accepted keys: backend, flush-delay, bulk-interval, max-batch, check-interval, full-check-interval");
        assertErrors(NODE + "[firewall]\nbackend = nftables\nset-prefix = x\n",
            "test.conf:8:1: unknown key 'set-prefix' in [firewall]; accepted keys: backend, flush-delay, bulk-interval, max-batch, check-interval, full-check-interval, mode, " +
            "table, priority, forward, restrict-port, kill-states, kernel-session");
        assertErrors(NODE + "[firewall]\nbackend = ipset\nmode = existing\n",
            "test.conf:8:8: mode existing needs set4, set6 or both: the sets bans are added to");
    }

    @Test
    void shouldRefuseAPeerWithTheNodesOwnId()
    {
        assertErrors(NODE + "[peer 1]\naddress = 192.0.2.2:7702\nkey = $KEY2\n",
            "test.conf:6:7: [peer 1] has this node's own id; every node needs an id of its own");
    }

    @Test
    void shouldRefuseABadOrMissingPeerId()
    {
        assertErrors(NODE + "[peer]\naddress = 192.0.2.2:7702\nkey = $KEY2\n",
            "test.conf:6:2: section [peer] needs the peer's node id, e.g. [peer 2]");
        assertErrors(NODE + "[peer two]\naddress = 192.0.2.2:7702\nkey = $KEY2\n",
            "test.conf:6:7: peer id: 'two' is not a whole number; expected 1-2147483647");
        assertErrors(NODE + "[peer 0]\naddress = 192.0.2.2:7702\nkey = $KEY2\n",
            "test.conf:6:7: peer id: 0 is outside 1-2147483647");
    }

    @Test
    void shouldStillCheckTheBodyOfAPeerWithABadId()
    {
        assertErrors(NODE + "[peer two]\naddress = 192.0.2.2\n",
            "test.conf:6:2: missing required key 'key' or 'key-file' in [peer two] (blocksync keygen makes a key)",
            "test.conf:6:7: peer id: 'two' is not a whole number; expected 1-2147483647",
            "test.conf:7:11: address: '192.0.2.2': missing ':PORT', e.g. 192.0.2.1:7701");
    }

    @Test
    void shouldRefuseTheSamePeerTwice()
    {
        assertErrors(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey = $KEY2\n[peer 2]\naddress = 192.0.2.3:7703\n",
            "test.conf:9:2: duplicate section [peer 2] (first on line 6)");
    }

    @Test
    void shouldRefuseTwoPeersAtOneAddress()
    {
        assertErrors(NODE + """
                [peer 2]
                address = 192.0.2.2:7702
                key = $KEY2
                [peer 3]
                address = 192.0.2.2:7702
                key = $KEY3
                """,
            "test.conf:10:11: address: 192.0.2.2:7702 is already the address of [peer 2] (line 6)");
    }

    @Test
    void shouldRefuseAPeerAtTheNodesOwnListenAddress()
    {
        assertErrors(NODE + "[peer 2]\naddress = 192.0.2.1:7701\nkey = $KEY2\n",
            "test.conf:7:11: address: 192.0.2.1:7701 is this node's own listen address");
    }

    @Test
    void shouldRefuseAnIpv6PeerWhenListeningOnIpv4()
    {
        assertErrors(NODE + "[peer 2]\naddress = [2001:db8::2]:7702\nkey = $KEY2\n",
            "test.conf:7:11: address: [2001:db8::2]:7702 is IPv6 but listen = 192.0.2.1:7701 is an IPv4 socket, " +
                "which cannot reach it; listen on [::]:7701 (IPv4 and IPv6) or give the peer's IPv4 address");
    }

    @Test
    void shouldAcceptIpv4AndIpv6PeersWhenListeningOnTheIpv6Wildcard() throws ConfigException
    {
        final NodeConfig config = parse(NODE.replace("192.0.2.1:7701", "[::]:7701") +
            "[peer 2]\naddress = [2001:db8::2]:7702\nkey = $KEY2\n[peer 3]\naddress = 192.0.2.3:7703\nkey = $KEY3\n");
        assertEquals(2, config.peers().size());
    }

    @Test
    void shouldRefuseTheUnspecifiedAddressForAPeer()
    {
        assertErrors(NODE + "[peer 2]\naddress = 0.0.0.0:7702\nkey = $KEY2\n",
            "test.conf:7:11: address: '0.0.0.0:7702' is the unspecified address; write the peer's own address");
    }

    @Test
    void shouldRefuseAMulticastGroupForAPeer()
    {
        assertErrors(NODE + "[peer 2]\naddress = 239.192.0.1:7702\nkey = $KEY2\n",
            "test.conf:7:11: address: '239.192.0.1:7702' is a multicast group; a [peer] is one node, whose unicast " +
                "datagrams are sealed under a key only the two share: write its own unicast address (a LAN group goes " +
                "in [multicast], its members listed as peers)");
    }

    @Test
    void shouldRefuseTwoPeersWithOneName()
    {
        assertErrors(NODE + """
                [peer 2]
                name = edge
                address = 192.0.2.2:7702
                key = $KEY2
                [peer 3]
                address = 192.0.2.3:7703
                key = $KEY3
                [peer 4]
                name = node3
                address = 192.0.2.4:7704
                key = $KEY3
                [peer 5]
                name = edge
                address = 192.0.2.5:7705
                key = $KEY3
                """,
            "test.conf:14:8: name: 'node3' is already the name of [peer 3] (line 10)",
            "test.conf:18:8: name: 'edge' is already the name of [peer 2] (line 6)");
    }

    @Test
    void shouldCheckPeerNamesAndKeyIds()
    {
        assertErrors(NODE + "[peer 2]\nname = edge one\naddress = 192.0.2.2:7702\nkey-id = -1\nkey = $KEY2\n",
            "test.conf:7:8: name: 'edge one': a name is at most 64 letters, digits, '.', '_' and '-'",
            "test.conf:9:10: key-id: -1 is outside 0-255");
    }

    @Test
    void shouldReportMissingPeerKeysAtThePeerHeader()
    {
        assertErrors(NODE + "[peer 2]\nname = edge\n",
            "test.conf:6:2: missing required key 'address' in [peer 2]",
            "test.conf:6:2: missing required key 'key' or 'key-file' in [peer 2] (blocksync keygen makes a key)");
    }

    @Test
    void shouldRefuseKeyAndKeyFileTogether()
    {
        assertErrors(NODE + "key-file = node.key\n",
            "test.conf:6:1: give either key or key-file, not both (key is set on line 5)");
        assertErrors(NODE + "[peer 2]\nkey-file = peer2.key\naddress = 192.0.2.2:7702\nkey = $KEY2\n",
            "test.conf:9:1: give either key or key-file, not both (key-file is set on line 7)");
    }

    @Test
    void shouldReportABadInlineKeyWithoutRepeatingIt()
    {
        final List<String> errors = errors(NODE.replace("key = $KEY1", "key = base64:c2VjcmV0LXNob3J0"));

        assertEquals(List.of(
            "test.conf:5:7: key: decodes to 12 bytes; a private key is 32 (blocksync keygen --out FILE makes one)"), errors);
    }

    @Test
    void shouldExplainThatAProtocolOneSecretIsNoPeerKey()
    {
        final String secret = KeyText.encode(ConfigTesting.KEY2);
        assertErrors(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey = " + secret + "\n",
            "test.conf:8:7: key: decodes to 32 bytes, a protocol-1 shared secret; a peer's key is now its 64-byte " +
            "public key, which blocksync keygen prints on that peer");
    }

    @Test
    void shouldRefuseAPublicKeyAsThisNodesKey()
    {
        assertErrors(NODE.replace("key = $KEY1", "key = " + KeyText.encode(ConfigTesting.publicOf(ConfigTesting.KEY1))),
            "test.conf:5:7: key: decodes to 64 bytes, a public key; this node's key is its 32-byte private key " +
            "(blocksync keygen --out FILE makes one)");
    }

    @Test
    void shouldRefuseAPeerKeyThatIsNoValidPoint()
    {
        final byte[] notAPoint = new byte[64];
        java.util.Arrays.fill(notAPoint, (byte)0xFF);
        assertErrors(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey = " + KeyText.encode(notAPoint) + "\n",
            "test.conf:8:7: key: the public key's Ed25519 half is not a valid key");
    }

    @Test
    void shouldReadANextKeyInBothSections() throws ConfigException
    {
        final NodeConfig config = parse(NODE + "next-key-id = 2\nnext-key = $KEY3\n" +
            "[peer 2]\naddress = 192.0.2.2:7702\nkey-id = 4\nkey = $KEY2\nnext-key-id = 5\nnext-key = $KEY3\n");

        assertEquals(2, config.keys().length);
        assertEquals(1, config.keys()[0].keyId());
        assertEquals(2, config.keys()[1].keyId());
        assertArrayEquals(ConfigTesting.publicOf(ConfigTesting.KEY3), config.keys()[1].publicKey());
        final PeerConfig peer = config.peers().get(0);
        assertEquals(4, peer.keys()[0].keyId());
        assertEquals(5, peer.keys()[1].keyId());
        assertArrayEquals(ConfigTesting.publicOf(ConfigTesting.KEY3), peer.keys()[1].publicKey());
    }

    @Test
    void shouldRefuseANextKeyWithoutItsOwnId()
    {
        assertErrors(NODE + "next-key = $KEY3\n",
            "test.conf:6:12: a next key needs next-key-id, the id peers will know it by");
        assertErrors(NODE + "next-key-id = 1\nnext-key = $KEY3\n",
            "test.conf:6:15: next-key-id: 1 is also key-id; the next key needs an id of its own");
        assertErrors(NODE + "next-key-id = 2\n",
            "test.conf:6:1: next-key-id is set but neither next-key nor next-key-file is");
    }

    @Test
    void shouldWarnWhenAPeerHoldsTheNodesOwnKey() throws ConfigException
    {
        final NodeConfig config = parse(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey = $KEY1\n");

        assertEquals(List.of("test.conf:8:7: warning: [peer 2] has this node's own public key; each node needs a " +
            "key pair of its own (was the wrong key pasted?)"), config.warnings());
    }

    @Test
    void shouldCollectEveryErrorInFileOrder()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigTesting.parse("""
            [protocol]
            send-window = lots
            [node]
            id = 1
            listen = db.example.net:7701
            key = $KEY1
            [bans]
            capacity = -5
            [peer 1]
            adress = 192.0.2.2:7702
            key = $KEY2
            """));

        final List<String> expected = List.of(
            "test.conf:2:15: send-window: 'lots' is not a whole number; expected 1-65536",
            "test.conf:3:2: missing required key 'state-dir' in [node]",
            "test.conf:5:10: listen: 'db.example.net:7701': 'db.example.net' is a host name; write a literal IP " +
                "address such as 192.0.2.1:7701 (BlockSync never uses DNS)",
            "test.conf:8:12: capacity: -5 is outside 1-100000000",
            "test.conf:9:2: missing required key 'address' in [peer 1]",
            "test.conf:9:7: [peer 1] has this node's own id; every node needs an id of its own",
            "test.conf:10:1: unknown key 'adress' in [peer 1] (did you mean 'address'?); accepted keys: name, " +
                "address, key-id, key, key-file, next-key-id, next-key, next-key-file");
        assertEquals(expected, ex.errors());
        assertEquals(String.join("\n", expected), ex.getMessage());
    }
}
