package io.blocksync.daemon.config;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.blocksync.daemon.config.ConfigTesting.KEY1;
import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.withKeys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * StrictModes as sshd has it: a configuration, key file, control script or source command that anyone but root and
 * the daemon's user could change, itself or through a directory above it, is refused with one line naming the file
 * and the reason; key files must be regular files of at most 4 KiB.
 */
class StrictModesTest
{
    private static final String NODE_WITH_KEY_FILE = NODE.replace("key = $KEY1", "key-file = keys/node.key");
    private static final String NOBODY = "nobody";

    @TempDir
    Path directory;

    private Path write(final String name, final String content, final String permissions) throws IOException
    {
        final Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));

        return file;
    }

    private Path config(final String text) throws IOException
    {
        return write("node.conf", withKeys(text), "rw-------");
    }

    private static List<String> errors(final Path file)
    {
        return assertThrows(ConfigException.class, () -> ConfigReader.read(file)).errors();
    }

    private static void chownToNobody(final Path file) throws IOException
    {
        assumeTrue(Tools.isRoot(), "giving a file to another user takes root");
        final UserPrincipal nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOBODY);
        Files.setOwner(file, nobody);
    }

    @Test
    void shouldRefuseAWorldWritableConfig() throws IOException
    {
        final Path file = write("node.conf", withKeys(NODE), "rw-rw-rw-");

        assertEquals(List.of(file + ": refused: " + file + " is world-writable (mode 0666); chmod go-w " + file),
            errors(file));
    }

    @Test
    void shouldRefuseAConfigInAGroupWritableDirectory() throws IOException
    {
        final Path etc = Files.createDirectory(directory.resolve("etc"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxrwxr-x"));
        final Path file = write("etc/node.conf", withKeys(NODE), "rw-------");

        assertEquals(List.of(file + ": refused: directory " + etc + " is group-writable (mode 0775); chmod go-w " +
            etc), errors(file));
    }

    @Test
    void shouldRefuseAKeyFileBelowAGroupWritableDirectory() throws IOException
    {
        final Path key = write("keys/node.key", KeyText.encode(KEY1), "rw-------");
        final Path keys = key.getParent();
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxrwx---"));
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + key + ": refused: directory " + keys +
            " is group-writable (mode 0770); chmod go-w " + keys), errors(file));
    }

    @Test
    void shouldRefuseAKeyFileOwnedByAnotherUser() throws IOException
    {
        final Path key = write("keys/node.key", KeyText.encode(KEY1), "rw-------");
        chownToNobody(key);
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + key + ": refused: " + key +
            " is owned by nobody (uid 65534), not by root; chown root " + key), errors(file));
    }

    @Test
    void shouldRefuseADeviceAsKeyFile() throws IOException
    {
        final Path file = config(NODE.replace("key = $KEY1", "key-file = /dev/zero"));

        assertEquals(List.of(file + ":5:12: key-file: /dev/zero: refused: it is a character device; a key file must " +
            "be a regular file"), errors(file));
    }

    @Test
    void shouldRefuseAFifoAsKeyFileWithoutWaitingForAWriter() throws Exception
    {
        assumeTrue(Tools.installed("mkfifo"), "mkfifo is not installed");
        final Path fifo = directory.resolve("node.fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        final Path file = config(NODE.replace("key = $KEY1", "key-file = node.fifo"));

        assertEquals(List.of(file + ":5:12: key-file: " + fifo + ": refused: it is a FIFO; a key file must be a " +
            "regular file"), errors(file));
    }

    @Test
    void shouldRefuseAnOversizedKeyFile() throws IOException
    {
        final Path key = write("keys/node.key", KeyText.encode(KEY1) + "\n" + " ".repeat(5000), "rw-------");
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + key + ": refused: larger than 4096 bytes; expected one " +
            "line of base64"), errors(file));
    }

    @Test
    void shouldRefuseAKeyFileReachedThroughALinkIntoAWorldWritableDirectory() throws IOException
    {
        final Path shared = Files.createDirectory(directory.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        final Path target = write("shared/node.key", KeyText.encode(KEY1), "rw-------");
        Files.createDirectory(directory.resolve("keys"));
        Files.createSymbolicLink(directory.resolve("keys/node.key"), target);
        final Path file = config(NODE_WITH_KEY_FILE);

        assertEquals(List.of(file + ":5:12: key-file: " + directory.resolve("keys/node.key") + ": refused: directory " +
            shared + " is world-writable (mode 0777); chmod go-w " + shared), errors(file));
    }

    @Test
    void shouldAcceptAnExistingKeyFileBelowAStickyWorldWritableDirectory() throws Exception
    {
        final Path tmp = Files.createDirectory(directory.resolve("tmp"));
        Files.setAttribute(tmp, "unix:mode", 01777);
        write("tmp/node.key", KeyText.encode(KEY1), "rw-------");

        final NodeConfig config = ConfigReader.read(config(NODE.replace("key = $KEY1", "key-file = tmp/node.key")));

        assertArrayEquals(ConfigTesting.publicOf(KEY1), config.keys()[0].publicKey());
    }

    @Test
    void shouldRefuseAControlScriptOwnedByAnotherUser() throws IOException
    {
        final Path script = write("control.sh", "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
        chownToNobody(script);
        final Path file = config(NODE + "[firewall]\nbackend = control\nscript = control.sh\n");

        assertEquals(List.of(file + ":8:10: script: " + script + ": refused: " + script +
            " is owned by nobody (uid 65534), not by root; chown root " + script), errors(file));
    }

    @Test
    void shouldRefuseAMissingControlScriptThatAnyoneCouldCreate() throws IOException
    {
        final Path shared = Files.createDirectory(directory.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        final Path file = config(NODE + "[firewall]\nbackend = control\nscript = shared/control.sh\n");

        assertEquals(List.of(file + ":8:10: script: " + shared.resolve("control.sh") + ": refused: directory " +
            shared + " is world-writable (mode 1777); chmod go-w " + shared), errors(file));
    }

    @Test
    void shouldRefuseASourceCommandInAWorldWritableDirectory() throws IOException
    {
        final Path bin = Files.createDirectory(directory.resolve("bin"));
        final Path capture = write("bin/capture", "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxrwxrwx"));
        final Path file = config(NODE + "[source capture]\ntype = pcap-pipe\ncommand = " + capture + " -i any\n");

        assertEquals(List.of(file + ":8:11: command: " + capture + ": refused: directory " + bin +
            " is world-writable (mode 0777); chmod go-w " + bin), errors(file));
    }

    @Test
    void shouldAcceptTrustedFilesAndProgramsFoundInPath() throws Exception
    {
        final Path script = write("control.sh", "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
        write("keys/node.key", KeyText.encode(KEY1), "rw-------");

        final NodeConfig config = ConfigReader.read(config(NODE_WITH_KEY_FILE +
            "[firewall]\nbackend = control\nscript = " + script + "\n" +
            "[source capture]\ntype = pcap-pipe\ncommand = sh -c true\n"));

        assertEquals(List.of(), config.warnings());
        assertEquals(null, StrictModes.programProblem("sh"));
    }
}
