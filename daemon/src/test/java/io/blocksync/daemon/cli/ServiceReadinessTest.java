package io.blocksync.daemon.cli;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Readiness for systemd's Type=notify: nothing without NOTIFY_SOCKET, one line and no exception when the message
 * cannot go. PackageInstallIT checks the message that does arrive (READY=1, MAINPID, the barrier).
 */
class ServiceReadinessTest
{
    @TempDir
    Path temp;

    @Test
    void withoutNotifySocketNothingRunsAndNothingIsSaid()
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertFalse(ServiceReadiness.announce(Map.of(), "node 1", new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSocketNobodyListensOnCostsOneLine()
    {
        assumeTrue(Tools.installed("systemd-notify"), "skipped: systemd-notify is not installed (package systemd)");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final boolean sent = ServiceReadiness.announce(Map.of(ServiceReadiness.NOTIFY_SOCKET,
            temp.resolve("missing.sock").toString()), "node 1", new PrintStream(err, true, StandardCharsets.UTF_8));

        final String said = err.toString(StandardCharsets.UTF_8);
        assertFalse(sent, said);
        assertTrue(said.startsWith("blocksync: systemd-notify --ready failed (exit "), said);
        assertEquals(1, said.lines().count(), said);
    }
}
