package io.blocksync.firewall;

import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Feeds a real long-lived script sshguard's backend line protocol.
 */
class SshguardBackendTest
{
    @TempDir
    Path directory;
    private SshguardBackend backend;

    @AfterEach
    void stop()
    {
        if (null != backend)
        {
            backend.close();
        }
    }

    @Test
    void writesBlockReleaseAndFlushLines() throws Exception
    {
        start();
        backend.apply(List.of(add("192.0.2.7", 60), add("2001:db8::/64", 60), add("198.51.100.0/24", 60)));
        backend.apply(List.of(add("192.0.2.7", 120), remove("192.0.2.7"), remove("203.0.113.1")));
        backend.flush();

        awaitLines(
            "block 192.0.2.7 4 32",
            "block 2001:db8:: 6 64",
            "block 198.51.100.0 4 24",
            "release 192.0.2.7 4 32",
            "flush");
    }

    @Test
    void reconcileSendsFlushThenEveryLiveBlock() throws Exception
    {
        start();
        backend.reconcile(List.of(add("192.0.2.7", 60), add("2001:db8::1", 60)));

        awaitLines("flush", "block 192.0.2.7 4 32", "block 2001:db8::1 6 128");
    }

    @Test
    void aDeadBackendIsRestartedAndGivenItsStateAgain() throws Exception
    {
        start();
        backend.apply(List.of(add("192.0.2.7", 60)));
        awaitLines("block 192.0.2.7 4 32");

        final ProcessHandle process = ProcessHandle.of(backend.pid()).orElseThrow();
        process.destroy();
        Poll.until("backend process to exit", Duration.ofSeconds(5), () -> !process.isAlive());

        backend.apply(List.of(add("198.51.100.1", 60)));

        awaitLines("block 192.0.2.7 4 32", "flush", "block 192.0.2.7 4 32", "block 198.51.100.1 4 32");
        assertEquals(2, backend.starts());
    }

    @Test
    void aBackendThatFailsToInitialiseFailsStartWithItsMessage() throws Exception
    {
        final Path broken = Scripts.install(directory, "sshg-fw-broken");
        // The script exits at once; a generous check lets a loaded machine start it (waitFor returns at its exit).
        final SshguardBackend failing = new SshguardBackend(
            new SshguardBackend.Settings(List.of(broken.toString())).startupCheckMs(10_000));

        final FirewallException ex = assertThrows(FirewallException.class, failing::start);

        assertEquals("sshguard backend " + broken + " exited at start with code 69: " +
            "sshg-fw-broken: Could not initialize firewall", ex.getMessage());
    }

    private void start() throws IOException
    {
        final Path script = Scripts.install(directory, "sshg-fw-recorder");
        backend = new SshguardBackend(new SshguardBackend.Settings(List.of(script.toString())));
        backend.start();
    }

    private void awaitLines(final String... expected)
    {
        final List<String> wanted = List.of(expected);
        Poll.until("lines " + wanted, Duration.ofSeconds(5), () -> wanted.equals(lines()));
    }

    private List<String> lines()
    {
        try
        {
            return Scripts.lines(directory.resolve("lines.log"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
