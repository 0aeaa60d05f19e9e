package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static io.blocksync.daemon.config.ConfigTesting.KEY1;
import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.withKeys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * key-file: found relative to the configuration file, read, decoded, and checked for who else can read it.
 */
class KeyFileTest
{
    private static final String NODE_WITH_KEY_FILE = NODE.replace("key = $KEY1", "key-file = node.key");

    @TempDir
    Path directory;

    private Path write(final String name, final String content, final String permissions) throws IOException
    {
        final Path file = directory.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));

        return file;
    }

    private Path config(final String text) throws IOException
    {
        return write("node.conf", withKeys(text), "rw-------");
    }

    private List<String> errors(final Path file)
    {
        return assertThrows(ConfigException.class, () -> ConfigReader.read(file)).errors();
    }

    @Test
    void shouldReadAPrivateKeyFileNextToTheConfig() throws Exception
    {
        write("node.key", KeyText.encode(KEY1) + "\n", "rw-------");

        final NodeConfig config = ConfigReader.read(config(NODE_WITH_KEY_FILE));

        assertArrayEquals(ConfigTesting.publicOf(KEY1), config.keys()[0].publicKey());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void shouldWarnWhenGroupOrOthersCanReadTheKeyFile() throws Exception
    {
        final Path key = write("node.key", KeyText.encode(KEY1), "rw-r-----");
        final Path file = config(NODE_WITH_KEY_FILE);

        final NodeConfig config = ConfigReader.read(file);

        assertArrayEquals(ConfigTesting.publicOf(KEY1), config.keys()[0].publicKey());
        assertEquals(List.of(file + ":5:12: warning: key-file: " + key + " is readable by group/others (mode 0640); " +
            "a key file is " + FileModes.KEY_FILE_RULE + ": chmod 600 " + key), config.warnings());
    }

    @Test
    void shouldReportAMissingKeyFileAtItsValue() throws IOException
    {
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(
            List.of(file + ":5:12: key-file: " + directory.resolve("node.key") + ": cannot read: no such file"),
            errors(file));
    }

    @Test
    void shouldReportAKeyFileThatIsADirectory() throws IOException
    {
        Files.createDirectory(directory.resolve("node.key"));
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + directory.resolve("node.key") +
            ": cannot read: it is a directory"), errors(file));
    }

    @Test
    void shouldReportAnUnreadableKeyFile() throws IOException
    {
        final Path key = write("node.key", KeyText.encode(KEY1), "---------");
        assumeFalse(Files.isReadable(key), "running with privileges that read any file");
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + key + ": cannot read: permission denied"), errors(file));
    }

    @Test
    void shouldReportWhatIsWrongWithTheKeyFilesContents() throws IOException
    {
        final Path key = write("node.key", "base64:c2hvcnQ=\n", "rw-------");
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + key +
            ": decodes to 5 bytes; a private key is 32 (blocksync keygen --out FILE makes one)"), errors(file));

        write("node.key", KeyText.encode(KEY1) + "\n" + KeyText.encode(KEY1) + "\n", "rw-------");
        assertEquals(List.of(file + ":5:12: key-file: " + key + ": expected one line of base64, found several"),
            errors(file));
    }

    @Test
    void shouldResolveAKeyFileInAnotherDirectory() throws Exception
    {
        Files.createDirectory(directory.resolve("keys"));
        write("keys/peer2.key", KeyText.encode(ConfigTesting.publicOf(ConfigTesting.KEY2)), "r--------");

        final NodeConfig config = ConfigReader.read(
            config(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey-file = ./keys/../keys/peer2.key\n"));

        assertArrayEquals(ConfigTesting.publicOf(ConfigTesting.KEY2), config.peers().get(0).keys()[0].publicKey());
    }

    @Test
    void shouldWarnOnceWhenAConfigWithInlineKeysIsReadableByOthers() throws Exception
    {
        final Path file = write("node.conf",
            withKeys(NODE + "[peer 2]\naddress = 192.0.2.2:7702\nkey = $KEY2\n"), "rw-r--r--");

        final NodeConfig config = ConfigReader.read(file);

        assertEquals(List.of(file + ":5:7: warning: key: " + file + " holds a private key and is readable by group/others " +
            "(mode 0644); chmod 600 it or move the keys to key-files"), config.warnings());
    }

    @Test
    void shouldNotWarnAboutAPrivateConfigWithInlineKeys() throws Exception
    {
        assertEquals(List.of(), ConfigReader.read(config(NODE)).warnings());
    }
}
