package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.assertErrors;
import static io.blocksync.daemon.config.ConfigTesting.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * [crowdsec]: absent means no bridge; the URL, the key file and, with push, the machine file are checked when the
 * configuration is read, each error one line naming the key and the value.
 */
class CrowdSecSectionTest
{
    @TempDir
    Path dir;

    @Test
    void absentMeansNoBridge() throws Exception
    {
        assertNull(parse(NODE).crowdsec());
    }

    @Test
    void aBouncerNeedsTheUrlAndTheKeyFileAndPushTheMachineCredentials() throws Exception
    {
        final Path key = Files.writeString(dir.resolve("bouncer.key"), "6839c94476cb45cd0964e2e1992aaa36\n");
        final Path machine = Files.writeString(dir.resolve("machine.yaml"),
            "url: http://127.0.0.1:8080\nlogin: blocksync\npassword: 'p4ss w0rd'\n");
        final CrowdSecConfig bouncer = parse(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080/\napi-key-file = " + key + "\n").crowdsec();
        assertEquals(URI.create("http://127.0.0.1:8080"), bouncer.lapiUrl());
        assertEquals("6839c94476cb45cd0964e2e1992aaa36", bouncer.apiKey());
        assertEquals(1_000, bouncer.pollIntervalMillis());
        assertFalse(bouncer.push());
        assertFalse(bouncer.toString().contains("6839c944"), "the key is never printed: " + bouncer);

        final CrowdSecConfig both = parse(NODE + "[crowdsec]\nlapi-url = http://localhost:8080\napi-key-file = " + key +
            "\npoll-interval = 250ms\npush = yes\nmachine-credentials-file = " + machine + "\n").crowdsec();
        assertTrue(both.push());
        assertEquals(250, both.pollIntervalMillis());
        assertEquals("blocksync", both.machine().login());
        assertEquals("p4ss w0rd", both.machine().password());
    }

    @Test
    void eachWrongValueIsOneLineNamingTheKey() throws Exception
    {
        final Path key = Files.writeString(dir.resolve("bouncer.key"), "k\n");
        final Path empty = Files.writeString(dir.resolve("empty.key"), " \n");
        final Path noPassword = Files.writeString(dir.resolve("machine.yaml"), "login: blocksync\n");
        assertErrors(NODE + "[crowdsec]\nlapi-url = 127.0.0.1:8080\napi-key-file = " + key + "\n",
            "test.conf:7:12: lapi-url: '127.0.0.1:8080' is not an http:// or https:// URL with a host, e.g. " +
                "http://127.0.0.1:8080 (CrowdSec's api.server.listen_uri)");
        assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + dir.resolve("missing") + "\n",
            "test.conf:8:16: api-key-file: " + dir.resolve("missing") + ": no such file");
        assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + empty + "\n",
            "test.conf:8:16: api-key-file: " + empty + " is empty");
        assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + key + "\npush = yes\n",
            "test.conf:9:8: push = yes needs machine-credentials-file: the file `cscli machines add blocksync --auto -f " +
                "FILE` writes");
        assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + key +
                "\npush = yes\nmachine-credentials-file = " + noPassword + "\n",
            "test.conf:10:28: machine-credentials-file: " + noPassword + " has no 'password: ' line (the file `cscli " +
                "machines add NAME --auto -f FILE` writes has both)");
        assertErrors(NODE + "[crowdsec]\napi-key-file = " + key + "\npoll-interval = 10ms\npush = maybe\n",
            "test.conf:6:2: missing required key 'lapi-url' in [crowdsec]",
            "test.conf:8:17: poll-interval: '10ms' is outside 100ms-10m",
            "test.conf:9:8: push: 'maybe' is not one of yes, no");
    }

    /** The reason in strerror's words, as key-file gives it: "cannot be read: PATH" alone left the operator guessing. */
    @Test
    void aKeyFileThatCannotBeReadSaysWhy() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("file"), "k\n");
        final Path directory = Files.createDirectory(dir.resolve("crowdsec-bouncer.key"));
        assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + file.resolve("key") + "\n",
            "test.conf:8:16: api-key-file: " + file.resolve("key") + ": cannot be read: not a directory");
        assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + directory + "\n",
            "test.conf:8:16: api-key-file: " + directory + ": cannot be read: is a directory");
        final Path secret = Files.writeString(dir.resolve("secret.key"), "k\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(secret))
        {
            // Root reads any file: the case the newcomer hit (the unit's user, a root-owned 0600 file) needs a non-root run.
            assertErrors(NODE + "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = " + secret + "\n",
                "test.conf:8:16: api-key-file: " + secret + ": cannot be read: permission denied");
        }
    }
}
