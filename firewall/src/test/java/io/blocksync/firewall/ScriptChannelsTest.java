package io.blocksync.firewall;

import io.blocksync.nativeio.ScriptSession;

import io.blocksync.nativeio.CommandResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a backend picks the library session or the tool process, and what it says: one line at start.
 */
class ScriptChannelsTest
{
    private final List<String> log = new ArrayList<>();
    private final List<String> sessionScripts = new ArrayList<>();
    private final CapturingRunner runner = new CapturingRunner();
    private final ScriptChannel process = ScriptChannels.process(
        new Tool(runner, List.of(), "nft", "install nftables"), List.of("-f", "-"));
    private boolean sessionClosed;

    @Test
    void autoUsesAnOpenableSessionAndSaysSo() throws Exception
    {
        final ScriptChannel channel = ScriptChannels.choose(KernelSessionMode.AUTO, choice(null), log::add);

        assertEquals("libnftables session", channel.description());
        assertEquals(new CommandResult(0, "ran 1 lines", ""), channel.run("add table inet t\n"));
        assertEquals(List.of("add table inet t\n"), sessionScripts);
        assertEquals(List.of(), runner.calls, "no process");
        assertEquals(List.of("nftables: applying through the libnftables session (kernel-session = auto)"), log);
        channel.close();
        assertTrue(sessionClosed);
    }

    @Test
    void autoFallsBackToTheProcessWithTheReasonOnce()
    {
        final ScriptChannel channel = ScriptChannels.choose(KernelSessionMode.AUTO,
            choice("libnftables session unavailable: cannot load libnftables.so.1: not found"), log::add);

        assertSame(process, channel);
        channel.run("add table inet t\n");
        assertEquals("nft -f - <<< add table inet t\\n", runner.calls.get(0).toString());
        assertEquals(List.of("nftables: libnftables session unavailable: cannot load libnftables.so.1: not found; " +
            "using one nft -f - process per batch instead (kernel-session = auto)"), log);
    }

    @Test
    void autoFallsBackWhenTheSessionFailsToOpen()
    {
        final ScriptChannel channel = ScriptChannels.choose(KernelSessionMode.AUTO, new ScriptChannels.Choice(
            "ipset", "libipset", null, () ->
            {
                throw new IOException("cannot enter network namespace /run/netns/x: No such file or directory");
            }, process), log::add);

        assertSame(process, channel);
        assertEquals(List.of("ipset: libipset session cannot open: cannot enter network namespace /run/netns/x: " +
            "No such file or directory; using one nft -f - process per batch instead (kernel-session = auto)"), log);
    }

    @Test
    void libraryRefusesToStartWithoutTheSession()
    {
        final FirewallException refused = assertThrows(FirewallException.class, () -> ScriptChannels.choose(
            KernelSessionMode.LIBRARY, choice("libnftables session unavailable: no JNI library"), log::add));

        assertEquals("nftables: libnftables session unavailable: no JNI library (kernel-session = library; set " +
            "auto or process to use the tool instead)", refused.getMessage());
        assertEquals(List.of(), log);
    }

    @Test
    void processNeverOpensTheSession()
    {
        assertSame(process, ScriptChannels.choose(KernelSessionMode.PROCESS, choice(null), log::add));
        assertEquals(List.of(), sessionScripts);
        assertEquals(List.of(), log);
    }

    @Test
    void aClosedSessionFailsTheCallWithItsMessage()
    {
        final ScriptChannel channel = ScriptChannels.session("libipset session", new ScriptSession()
        {
            @Override
            public CommandResult run(final String script)
            {
                throw new IllegalStateException("ipset session is closed; open a new one");
            }

            @Override
            public void close()
            {
            }
        });

        final FirewallException failed = assertThrows(FirewallException.class, () -> channel.run("add s 1.2.3.4\n"));
        assertEquals("libipset session: ipset session is closed; open a new one", failed.getMessage());
    }

    private ScriptChannels.Choice choice(final String unavailableReason)
    {
        return new ScriptChannels.Choice("nftables", "libnftables", unavailableReason, () -> new ScriptSession()
        {
            @Override
            public CommandResult run(final String script)
            {
                sessionScripts.add(script);
                return new CommandResult(0, "ran " + script.split("\n").length + " lines", "");
            }

            @Override
            public void close()
            {
                sessionClosed = true;
            }
        }, process);
    }
}
