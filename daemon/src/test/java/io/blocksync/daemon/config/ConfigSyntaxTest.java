package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.blocksync.daemon.config.ConfigTesting.KEY1;
import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.assertErrors;
import static io.blocksync.daemon.config.ConfigTesting.parse;
import static io.blocksync.daemon.config.ConfigTesting.withKeys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigSyntaxTest
{
    @Test
    void shouldSkipCommentsAndBlankLinesAndStripTrailingComments() throws ConfigException
    {
        final NodeConfig config = parse("""
            # a comment on its own line

               # an indented one
            [node]   # after a header
            id = 7   # after a value
            listen = 192.0.2.1:7701
            state-dir = /srv/block#sync
            \tkey-id = 9\t# tab-indented, tab before the comment
            key = $KEY1 # the key
            """);

        assertEquals(7, config.nodeId());
        assertEquals(Path.of("/srv/block#sync"), config.stateDir());
        assertEquals(9, config.keyId());
        assertArrayEquals(ConfigTesting.publicOf(KEY1), config.keys()[0].publicKey());
    }

    @Test
    void shouldKeepSpacesInsideValues() throws ConfigException
    {
        final NodeConfig config = parse(NODE.replace("/var/lib/blocksync", "/srv/block sync  "));

        assertEquals(Path.of("/srv/block sync"), config.stateDir());
    }

    @Test
    void shouldReadCrLfLineEndsAndAByteOrderMark() throws ConfigException
    {
        final String text = "\uFEFF" + withKeys(NODE).replace("\n", "\r\n");

        assertEquals(1, ConfigReader.parse(ConfigTesting.SOURCE, text).nodeId());
        assertErrors("\uFEFF" + NODE.replace("id = 1", "id = x").replace("\n", "\r\n"),
            "test.conf:2:6: id: 'x' is not a whole number; expected 1-2147483647");
    }

    @Test
    void shouldReportEverySyntaxErrorWithItsPosition()
    {
        assertErrors("""
                [node
                id = 1
                [bans] extra
                capacity 5
                 = 3
                origin-rate =
                bad key = 1
                []
                ipv4-prefix = 24
                [bans x y]
                """,
            "test.conf:1:1: section header is missing its closing ']'",
            "test.conf:1:1: missing section [node]; it needs id, listen, state-dir and key or key-file",
            "test.conf:3:8: unexpected text after ']'",
            "test.conf:4:1: expected 'key = value', a [section] header or a # comment",
            "test.conf:5:2: missing key name before '='",
            "test.conf:6:14: missing value for 'origin-rate'",
            "test.conf:7:1: 'bad key' is not a key name; keys are lowercase letters, digits and '-'",
            "test.conf:8:1: empty section name; expected e.g. [node] or [peer 2]",
            "test.conf:10:9: unexpected 'y' in section header; expected [name] or [peer ID]");
    }

    @Test
    void shouldRefuseKeysOutsideAnySection()
    {
        assertErrors("capacity = 5\n" + NODE,
            "test.conf:1:1: 'capacity' is outside any section; put it under a header such as [node]");
    }

    @Test
    void shouldRefuseControlCharacters()
    {
        assertErrors(NODE + "[bans]\ncapacity = 5\u0000\n",
            "test.conf:7:13: control character U+0000 is not allowed");
    }

    @Test
    void shouldAllowBlanksInsideTheHeaderBrackets() throws ConfigException
    {
        final NodeConfig config = parse(NODE + """
            [ bans ]
            capacity = 5
            [\tpeer   2 ]
            address = 192.0.2.2:7702
            key = $KEY2
            """);

        assertEquals(5, config.storeCapacity());
        assertEquals(2, config.peers().get(0).nodeId());
    }

    @Test
    void shouldAcceptAnEmptyLastLineWithoutNewline() throws ConfigException
    {
        assertEquals(1, parse(NODE.strip()).nodeId());
    }
}
