package io.blocksync.daemon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Both {@code check-config} and {@code run} refuse a configuration others can change, with one line on stderr and
 * exit code 2, before anything is started.
 */
class StrictModesCliTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        System.setErr(savedErr);
    }

    @ParameterizedTest
    @ValueSource(strings = { "check-config", "run" })
    void shouldRefuseAWorldWritableConfig(final String command) throws Exception
    {
        final Path stateDir = dir.resolve("state");
        final Path config = dir.resolve("node.conf");
        Files.writeString(config, "[node]\nid = 1\nlisten = 127.0.0.1:0\nstate-dir = " + stateDir +
            "\nkey = base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertEquals(BlockSyncCli.EXIT_USAGE, BlockSyncCli.run(command, "-c", config.toString()));
        assertEquals(config + ": refused: " + config + " is world-writable (mode 0666); chmod go-w " + config + "\n",
            err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(stateDir), "nothing may start from a refused config");
    }
}
