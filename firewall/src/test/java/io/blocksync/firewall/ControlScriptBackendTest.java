package io.blocksync.firewall;

import io.blocksync.codec.ReasonCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a real control program that records its argv (blocklistd helper convention).
 */
class ControlScriptBackendTest
{
    @TempDir
    Path directory;
    private Path calls;
    private ControlScriptBackend backend;

    @BeforeEach
    void installScript() throws Exception
    {
        final Path script = Scripts.install(directory, "control-recorder");
        calls = directory.resolve("calls.log");
        backend = new ControlScriptBackend(
            new ControlScriptBackend.Settings(script.toString()).reasonRule("ssh", "sshd"));
        backend.start();
    }

    @Test
    void addPassesRuleProtocolAddressMaskAndPortInBlocklistdOrder() throws Exception
    {
        backend.apply(List.of(
            Bans.change(FirewallChange.Op.ADD,
                Bans.ban("192.0.2.7", Bans.SSH, FirewallChange.PROTOCOL_TCP, 22), 60),
            Bans.change(FirewallChange.Op.ADD,
                Bans.ban("2001:db8::/64", ReasonCode.of("http").id(), FirewallChange.PROTOCOL_UDP, 0), 60),
            add("198.51.100.0/24", 60, "scan")));

        assertEquals(List.of(
            "6|add|sshd|tcp|192.0.2.7|32|22",
            "6|add|blocksync|udp|2001:db8::|64|",
            "6|add|blocksync||198.51.100.0|24|"), Scripts.lines(calls));
    }

    @Test
    void remPassesBackTheIdTheAddPrinted() throws Exception
    {
        final FirewallChange ban = Bans.change(
            FirewallChange.Op.ADD, Bans.ban("192.0.2.7", Bans.SSH, FirewallChange.PROTOCOL_TCP, 22), 60);
        final FirewallChange unban = Bans.change(
            FirewallChange.Op.REMOVE, Bans.ban("192.0.2.7", Bans.SSH, FirewallChange.PROTOCOL_TCP, 22), 0);
        backend.apply(List.of(add("192.0.2.1", 60, "scan"), ban));
        backend.apply(List.of(ban));
        backend.apply(List.of(unban, remove("203.0.113.5")));

        assertEquals(List.of(
            "6|add|blocksync||192.0.2.1|32|",
            "6|add|sshd|tcp|192.0.2.7|32|22",
            "7|rem|sshd|tcp|192.0.2.7|32|22|id-2",
            "7|rem|sshd||203.0.113.5|32||"), Scripts.lines(calls), "a repeated add is not run again");
    }

    @Test
    void flushRunsOncePerRuleName() throws Exception
    {
        backend.flush();

        assertEquals(List.of("2|flush|blocksync", "2|flush|sshd"), Scripts.lines(calls));
    }

    @Test
    void reconcileFlushesThenReAddsLikeBlocklistdMinusFR() throws Exception
    {
        backend.reconcile(List.of(add("192.0.2.7", 60)));

        assertEquals(List.of("2|flush|blocksync", "2|flush|sshd", "6|add|sshd||192.0.2.7|32|"), Scripts.lines(calls));
    }

    @Test
    void aFailingAddIsAnErrorWithTheProgramsMessage()
    {
        final FirewallException ex = assertThrows(
            FirewallException.class, () -> backend.apply(List.of(add("198.51.100.66", 60))));

        assertTrue(ex.getMessage().endsWith("control-recorder: refusing 198.51.100.66"), ex.getMessage());
    }

    @Test
    void aMissingProgramFailsAtStart()
    {
        final FirewallException ex = assertThrows(FirewallException.class, () -> new ControlScriptBackend(
            new ControlScriptBackend.Settings(directory.resolve("nope").toString())).start());

        assertEquals("control program " + directory.resolve("nope") + " does not exist", ex.getMessage());
    }

    @Test
    void idIsTheFirstLineWithoutOk()
    {
        assertEquals("17", ControlScriptBackend.id("OK 17\nmore\n"));
        assertEquals("OK", ControlScriptBackend.id("OK\n"));
        assertEquals("rule-5", ControlScriptBackend.id("rule-5\r\n"));
        assertEquals("", ControlScriptBackend.id(""));
    }
}
