package io.blocksync.daemon.config;

import io.blocksync.codec.NodeKey;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Helpers for configuration tests: fixed keys, a valid [node] section to build on, and error assertions.
 * Texts may write $KEY1, $KEY2 and $KEY3 for the keys of nodes 1-3: node N's private key where it stands in a
 * [node] section, its public key in a [peer] section.
 */
final class ConfigTesting
{
    static final Path SOURCE = Path.of("test.conf");
    static final byte[] KEY1 = filled(1);
    static final byte[] KEY2 = filled(2);
    static final byte[] KEY3 = filled(3);

    /**
     * Lines 1-5; a test appends from line 6 on.
     */
    static final String NODE = """
        [node]
        id = 1
        listen = 192.0.2.1:7701
        state-dir = /var/lib/blocksync
        key = $KEY1
        """;

    private ConfigTesting()
    {
    }

    static byte[] filled(final int value)
    {
        final byte[] key = new byte[32];
        Arrays.fill(key, (byte)value);

        return key;
    }

    /** The 64-byte public key of a private key (seed). */
    static byte[] publicOf(final byte[] seed)
    {
        return NodeKey.fromSeed(1, seed).publicKey();
    }

    static String withKeys(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() * 2);
        boolean inNode = false;
        for (final String line : text.split("\n", -1))
        {
            final String trimmed = line.replace("\uFEFF", "").strip();
            if (trimmed.startsWith("["))
            {
                inNode = trimmed.startsWith("[node");
            }
            out.append(inNode ? line
                .replace("$KEY1", KeyText.encode(KEY1))
                .replace("$KEY2", KeyText.encode(KEY2))
                .replace("$KEY3", KeyText.encode(KEY3)) : line
                .replace("$KEY1", KeyText.encode(publicOf(KEY1)))
                .replace("$KEY2", KeyText.encode(publicOf(KEY2)))
                .replace("$KEY3", KeyText.encode(publicOf(KEY3)))).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    static NodeConfig parse(final String text) throws ConfigException
    {
        return ConfigReader.parse(SOURCE, withKeys(text));
    }

    static List<String> errors(final String text)
    {
        return assertThrows(ConfigException.class, () -> parse(text)).errors();
    }

    static void assertErrors(final String text, final String... expected)
    {
        assertEquals(List.of(expected), errors(text));
    }
}
