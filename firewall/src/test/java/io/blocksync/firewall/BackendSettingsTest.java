package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each backend reads its own keys from a section, and a wrong value is reported at its file:line:column.
 */
class BackendSettingsTest
{
    @Test
    void nftablesManagedReadsItsKeysInOrder()
    {
        final MapSection section = new MapSection("table", "edge", "priority", "-50", "forward", "yes");
        final NftablesSettings settings = NftablesSettings.parse(section);

        assertEquals(List.of(), section.errors);
        assertEquals(List.of("mode", "table", "priority", "forward", "restrict-port", "kill-states", "kernel-session"),
            section.asked);
        assertEquals(KernelSessionMode.AUTO, settings.kernelSession);
        assertTrue(settings.managed());
        assertEquals("edge", settings.table);
        assertEquals(-50, settings.inputPriority);
        assertTrue(settings.forwardChain);
        assertEquals(-50, settings.forwardPriority);
        assertFalse(settings.killStates);
    }

    @Test
    void nftablesReportsABadPriorityAtItsValue()
    {
        final MapSection section = new MapSection("mode", "managed", "priority", "5000");
        final NftablesSettings settings = NftablesSettings.parse(section);

        assertEquals(List.of("test.conf:3:12: priority: 5000 is outside -1000-1000"), section.errors);
        assertEquals(-10, settings.inputPriority, "the default stands in");
    }

    @Test
    void nftablesExistingModeNeedsASet()
    {
        final MapSection section = new MapSection("mode", "existing", "table", "filter");
        NftablesSettings.parse(section);
        assertEquals(List.of("test.conf:2:8: mode existing needs set4, set6 or both: the sets bans are added to"),
            section.errors);

        final MapSection good = new MapSection("mode", "existing", "family", "ip", "table", "filter", "set4", "bad");
        final NftablesSettings settings = NftablesSettings.parse(good);
        assertEquals(List.of(), good.errors);
        assertFalse(settings.managed());
        assertEquals("ip", settings.family);
        assertEquals("bad", settings.set4);
        assertNull(settings.set6);
    }

    @Test
    void aModeThatIsNeitherIsReportedWithItsLocation()
    {
        final MapSection section = new MapSection("set-prefix", "bs", "mode", "shared");
        IpsetSettings.parse(section);
        assertEquals(List.of("test.conf:3:8: mode: 'shared' is not a mode; expected managed or existing"), section.errors);
    }

    @Test
    void ipsetReadsItsKeys()
    {
        final MapSection section = new MapSection("set-prefix", "bs", "kill-states", "yes");
        final IpsetSettings settings = IpsetSettings.parse(section);

        assertEquals(List.of(), section.errors);
        assertEquals("bs4", settings.set4);
        assertEquals("bs6", settings.set6);
        assertTrue(settings.killStates);

        final MapSection bad = new MapSection("forward", "maybe");
        IpsetSettings.parse(bad);
        assertEquals(List.of("test.conf:2:11: forward: 'maybe': expected yes or no"), bad.errors);
    }

    @Test
    void kernelSessionIsReadInBothModesOfBothBackendsAndAWrongValueNamesTheAcceptedOnes()
    {
        assertEquals(KernelSessionMode.LIBRARY,
            NftablesSettings.parse(new MapSection("kernel-session", "library")).kernelSession);
        assertEquals(KernelSessionMode.PROCESS, NftablesSettings.parse(new MapSection(
            "mode", "existing", "table", "filter", "set4", "blocked4", "kernel-session", "process")).kernelSession);
        assertEquals(KernelSessionMode.PROCESS,
            IpsetSettings.parse(new MapSection("kernel-session", "Process")).kernelSession);
        assertEquals(KernelSessionMode.LIBRARY, IpsetSettings.parse(new MapSection(
            "mode", "existing", "set4", "blocked4", "kernel-session", "library")).kernelSession);

        final MapSection bad = new MapSection("kernel-session", "netlink");
        assertEquals(KernelSessionMode.AUTO, IpsetSettings.parse(bad).kernelSession, "the default stands in");
        assertEquals(List.of("test.conf:2:18: kernel-session: 'netlink': expected auto, library or process"),
            bad.errors);
    }

    @Test
    void managedModesRestrictTheDaemonPortUnlessTurnedOff()
    {
        assertTrue(NftablesSettings.parse(new MapSection()).restrictPort);
        assertTrue(IpsetSettings.parse(new MapSection()).restrictPort);
        assertFalse(NftablesSettings.parse(new MapSection("restrict-port", "no")).restrictPort);
        assertFalse(IpsetSettings.parse(new MapSection("restrict-port", "no")).restrictPort);
        assertEquals("blocksync-port", IpsetSettings.managed("blocksync").portChain);
        assertEquals("abcdefghijklmnopqrstuvw-port", IpsetSettings.managed("abcdefghijklmnopqrstuvwxyz").portChain,
            "cut to iptables' 28 characters");

        final MapSection existing = new MapSection("mode", "existing", "table", "filter", "set4", "blocked4");
        NftablesSettings.parse(existing);
        assertFalse(existing.asked.contains("restrict-port"), "existing sets: the operator's own rules");
    }

    @Test
    void pfReadsReasonTablesAndReportsAMalformedOne()
    {
        final MapSection section = new MapSection("table", "bs", "reason-table", "ssh:brutessh", "reason-table", "web");
        final PfBackend.Settings settings = PfBackend.Settings.parse(section);

        assertEquals(Map.of("ssh", "brutessh"), settings.reasonTables());
        assertEquals(List.of("test.conf:4:16: reason-table: 'web': expected REASON:NAME, e.g. ssh:brutessh"),
            section.errors);
        assertTrue(settings.managed());
    }

    @Test
    void controlNeedsItsScript()
    {
        final MapSection missing = new MapSection("rule", "bs");
        ControlScriptBackend.Settings.parse(missing);
        assertEquals(List.of("test.conf:1:2: missing required key 'script' in [firewall]"), missing.errors);

        final MapSection section = new MapSection("script", "helper", "reason-rule", "ssh:sshd");
        ControlScriptBackend.Settings.parse(section);
        assertEquals(List.of(), section.errors);
        assertEquals(List.of("script", "rule", "reason-rule"), section.asked);
    }

    @Test
    void sshguardSplitsItsCommandAndRejectsAnEmptyOne()
    {
        final MapSection section = new MapSection("command", " ");
        SshguardBackend.Settings.parse(section);
        assertEquals(List.of("test.conf:2:11: command: empty command"), section.errors);

        final MapSection good = new MapSection("command", "/usr/libexec/sshg-fw-nft-sets -v");
        assertInstanceOf(SshguardBackend.class, SshguardBackend.Settings.parse(good).newBackend((line) -> { }));
        assertEquals(List.of(), good.errors);
    }

    @Test
    void theBatcherReadsItsTuningAndTheBackendItsOwnKeys()
    {
        final MapSection section = new MapSection("flush-delay", "5ms", "max-batch", "0", "bulk-interval", "10ms");
        final FirewallSettings settings = FirewallSettings.parse(FirewallSettings.NFTABLES, section);

        assertEquals(List.of("test.conf:3:13: max-batch: 0 is outside 1-1000000"), section.errors);
        assertEquals(5, settings.batcher().flushDelayMs());
        assertEquals(10, settings.batcher().bulkIntervalMs());
        assertEquals(1024, settings.batcher().maxBatch());
        assertInstanceOf(NftablesSettings.class, settings.settings());
        assertEquals(List.of("flush-delay", "bulk-interval", "max-batch", "check-interval", "full-check-interval", "mode",
            "table", "priority", "forward", "restrict-port", "kill-states", "kernel-session"),
            section.asked);
    }

    @Test
    void theLogBackendHasNoKeysOfItsOwn()
    {
        final MapSection section = new MapSection();
        final FirewallSettings settings = FirewallSettings.parse(FirewallSettings.LOG, section);

        assertEquals(List.of("flush-delay", "bulk-interval", "max-batch", "check-interval", "full-check-interval"),
            section.asked);
        assertEquals(0, settings.batcher().bulkIntervalMs(), "off unless asked for");
        assertNull(settings.settings());
        assertInstanceOf(LogBackend.class, settings.newBackend((line) -> { }));
    }

    @Test
    void aHeapTooSmallForTheBansIsNamedWithTheFlagToChange()
    {
        final long heap = 64L << 20;
        final FirewallSettings nftables = FirewallSettings.parse(FirewallSettings.NFTABLES, new MapSection());
        assertNull(nftables.heapShortfall(100_000, heap)); // The default capacity under the launcher's -Xmx64m.
        assertNull(nftables.heapShortfall(240_000, heap));
        assertEquals("1201024 bans need about 230 MiB of Java heap for the firewall (200 bytes a ban), more than this " +
            "JVM's maximum heap of 64 MiB less 16 MiB for the rest of the node: lower [bans] capacity, or raise -Xmx " +
            "(BLOCKSYNC_JAVA_OPTS replaces the launcher's memory flags, e.g. -Xmx512m)",
            nftables.heapShortfall(1_201_024, heap));
        // 1,000,000 bans need 190.7 MiB + 16, a tenth to spare: 256 MiB.
        assertTrue(nftables.heapShortfall(1_000_000, heap).endsWith("e.g. -Xmx256m)"));
        final FirewallException tooSmall = org.junit.jupiter.api.Assertions.assertThrows(FirewallException.class,
            () -> nftables.checkHeap(260_000, heap));
        assertTrue(tooSmall.getMessage().startsWith("the store holds 260000 bans, and 260000 bans need"), tooSmall.getMessage());
        assertNull(FirewallSettings.parse(FirewallSettings.LOG, new MapSection()).heapShortfall(1_201_024, heap));
    }
}
