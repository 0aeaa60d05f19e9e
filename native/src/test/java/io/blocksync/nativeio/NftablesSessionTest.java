package io.blocksync.nativeio;

import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The libnftables session against the real kernel, inside a network namespace of its own; checked against what the
 * {@code nft} tool lists there. Needs root, iproute2, nftables, libnftables1 and the built JNI library.
 */
class NftablesSessionTest
{
    private static final String SET = "inet bs_session s4";
    private static NetworkNamespaces namespaces;
    private static String ns;
    private NftablesSession session;

    @BeforeAll
    static void createNamespace()
    {
        assumeTrue(Tools.isRoot(), "the session test creates a network namespace and needs root");
        assumeTrue(Tools.installed("ip") && Tools.installed("nft"), "needs iproute2 and nftables");
        assumeTrue(NftablesSession.available(), NftablesSession.unavailableReason());
        namespaces = new NetworkNamespaces();
        ns = namespaces.create("bss-nft");
    }

    @AfterAll
    static void deleteNamespace()
    {
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @BeforeEach
    void openSessionWithATable() throws IOException
    {
        session = NftablesSession.open(KernelSessions.path(ns));
        final CommandResult setup = session.run(
            "add table inet bs_session\nadd set " + SET + " { type ipv4_addr; flags timeout; }\nflush set " + SET + "\n");
        assertEquals(0, setup.exitStatus(), setup.error());
    }

    @AfterEach
    void closeSession()
    {
        if (null != session)
        {
            session.close();
        }
    }

    @Test
    void addsListsAndDeletesElementsInTheNamespaceOnly() throws IOException
    {
        final CommandResult added = session.run("add element " + SET + " { 192.0.2.7 timeout 10m, 198.51.100.9 }\n");
        assertEquals(new CommandResult(0, "", ""), added);
        assertTrue(listedByTool().contains("192.0.2.7 timeout 10m"), this::listedByTool);

        final CommandResult listed = session.run("list set " + SET);
        assertEquals(0, listed.exitStatus());
        assertTrue(listed.output().contains("198.51.100.9"), listed.output());

        assertEquals(0, session.run("delete element " + SET + " { 192.0.2.7 }").exitStatus());
        assertFalse(listedByTool().contains("192.0.2.7"), this::listedByTool);
        assertTrue(listedByTool().contains("198.51.100.9"));
        assertFalse(io.blocksync.testkit.Command.of("nft", "list", "tables").run().stdout().contains("bs_session"),
            "the caller's own namespace is untouched");
    }

    @Test
    void anErrorIsTheLibrarysOwnReportWithExitStatusOne() throws IOException
    {
        final CommandResult missing = session.run("add element inet bs_session nosuchset { 192.0.2.1 }\n");
        assertEquals(1, missing.exitStatus());
        assertEquals("", missing.output());
        // As nft -f prints it, without the file location: the message, the line, the unknown set underlined.
        assertEquals("Error: No such file or directory\n" +
            "add element inet bs_session nosuchset { 192.0.2.1 }\n" +
            "                            ^^^^^^^^^\n", missing.error());

        assertEquals(0, session.run("add element " + SET + " { 192.0.2.1 }").exitStatus(), "usable after an error");
    }

    @Test
    void survivesAFlushOfTheWholeRulesetAndReportsTheMissingTable() throws IOException
    {
        namespaces.exec(ns, "nft", "flush", "ruleset");
        final CommandResult afterFlush = session.run("add element " + SET + " { 192.0.2.1 }\n");
        assertEquals(1, afterFlush.exitStatus());
        assertTrue(afterFlush.error().contains("No such file or directory"), afterFlush.error());

        assertEquals(0, session.run("add table inet bs_session\nadd set " + SET + " { type ipv4_addr; flags timeout; }\n" +
            "add element " + SET + " { 192.0.2.1 }\n").exitStatus());
        assertTrue(listedByTool().contains("192.0.2.1"), this::listedByTool);
    }

    @Test
    void aClosedSessionRefusesUse() throws IOException
    {
        session.close();
        session.close();
        assertFalse(session.isOpen());
        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> session.run("list tables"));
        assertEquals("nftables session in " + KernelSessions.path(ns) + " is closed; open a new one",
            closed.getMessage());
    }

    @Test
    void aMissingNamespaceFailsToOpenWithItsPath()
    {
        final IOException missing = assertThrows(IOException.class,
            () -> NftablesSession.open("/run/netns/bs-no-such-namespace"));
        assertTrue(missing.getMessage().contains("/run/netns/bs-no-such-namespace"), missing.getMessage());
    }

    @Test
    void tenThousandElementsInOneScriptAndOnePerCallLeakNothing() throws IOException, InterruptedException
    {
        // In a JVM of its own whose heap cannot move: this JVM's resident set also follows its Java heap, which the
        // collector grows as earlier tests' garbage decides (one CI run: +37 MB over rounds that leak nothing).
        session.close();
        final long grown = KernelSessions.leakProbe("nft", ns, SET);

        assertEquals(10_000, KernelSessions.count(listedByTool(), "expires"), "the last round's elements");
        assertTrue(grown < 8 * 1024, "resident memory grew by " + grown + " KiB over 40,000 commands");
    }

    private String listedByTool()
    {
        return namespaces.exec(ns, "nft", "list", "set", "inet", "bs_session", "s4").stdout();
    }
}
