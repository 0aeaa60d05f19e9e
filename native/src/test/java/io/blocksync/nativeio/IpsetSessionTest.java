package io.blocksync.nativeio;

import io.blocksync.testkit.Command;
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
 * The libipset session against the real kernel, inside a network namespace of its own; checked against what the
 * {@code ipset} tool lists there. Needs root, iproute2, ipset, libipset13 and the built JNI library.
 */
class IpsetSessionTest
{
    private static final String SET = "bs-session4";
    private static NetworkNamespaces namespaces;
    private static String ns;
    private IpsetSession session;

    @BeforeAll
    static void createNamespace()
    {
        assumeTrue(Tools.isRoot(), "the session test creates a network namespace and needs root");
        assumeTrue(Tools.installed("ip") && Tools.installed("ipset"), "needs iproute2 and ipset");
        assumeTrue(IpsetSession.available(), IpsetSession.unavailableReason());
        namespaces = new NetworkNamespaces();
        ns = namespaces.create("bss-ips");
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
    void openSessionWithASet() throws IOException
    {
        session = IpsetSession.open(KernelSessions.path(ns));
        KernelSessions.mustSucceed(session.run(
            "create " + SET + " hash:net family inet timeout 0 maxelem 65536\nflush " + SET + "\n"));
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
        assertEquals(new CommandResult(0, "", ""),
            session.run("add " + SET + " 192.0.2.7 timeout 600\nadd " + SET + " 198.51.100.0/24 timeout 0\n"));
        assertTrue(listedByTool().contains("192.0.2.7 timeout"), this::listedByTool);

        final CommandResult listed = session.run("list " + SET + "\n");
        assertEquals(0, listed.exitStatus(), listed.error());
        assertTrue(listed.output().contains("198.51.100.0/24"), listed.output());

        // -exist: a second add refreshes, deleting twice is no error.
        KernelSessions.mustSucceed(session.run("add " + SET + " 192.0.2.7 timeout 900\ndel " + SET +
            " 192.0.2.7\ndel " + SET + " 192.0.2.7\n"));
        assertFalse(listedByTool().contains("192.0.2.7"), this::listedByTool);
        assertTrue(listedByTool().contains("198.51.100.0/24"));
        assertFalse(Command.of("ipset", "list", "-n").run().stdout().contains(SET), "the caller's namespace is untouched");
    }

    @Test
    void anErrorIsTheLibrarysOwnReportWithItsLineAndExitStatusOne() throws IOException
    {
        final CommandResult missing = session.run("add " + SET + " 192.0.2.1\nadd bs-nosuchset 192.0.2.2\nadd " +
            SET + " 192.0.2.3\n");
        assertEquals(1, missing.exitStatus());
        assertEquals("Error in line 2: The set with the given name does not exist\n", missing.error());
        assertTrue(listedByTool().contains("192.0.2.1"), "lines before the error are applied, as by ipset restore");
        assertFalse(listedByTool().contains("192.0.2.3"), "the script stops at the error, as ipset restore does");

        // The next call numbers its own lines again.
        final CommandResult again = session.run("add bs-nosuchset 192.0.2.2\n");
        assertEquals("Error in line 1: The set with the given name does not exist\n", again.error());
        KernelSessions.mustSucceed(session.run("add " + SET + " 192.0.2.3\n"));
    }

    @Test
    void optionsOfOneScriptDoNotCarryIntoTheNext() throws IOException
    {
        KernelSessions.mustSucceed(session.run("add " + SET + " 192.0.2.9\n"));
        final CommandResult names = session.run("list -n\n");
        assertEquals(SET + "\n", names.output());
        final CommandResult full = session.run("list " + SET + "\n");
        assertTrue(full.output().contains("192.0.2.9"), full.output());
    }

    @Test
    void aSyntaxErrorIsReportedWithItsLine() throws IOException
    {
        final CommandResult bad = session.run("add " + SET + " not-an-address\n");
        assertEquals(1, bad.exitStatus(), bad.error());
        assertEquals("Error in line 1: Syntax error: cannot parse not: resolving to IPv4 address failed\n",
            bad.error());
    }

    @Test
    void survivesTheSetBeingDestroyedUnderIt() throws IOException
    {
        namespaces.exec(ns, "ipset", "destroy", SET);
        final CommandResult gone = session.run("add " + SET + " 192.0.2.1\n");
        assertEquals(1, gone.exitStatus());
        assertEquals("Error in line 1: The set with the given name does not exist\n", gone.error());

        KernelSessions.mustSucceed(session.run(
            "create " + SET + " hash:net family inet timeout 0\nadd " + SET + " 192.0.2.1\n"));
        assertTrue(listedByTool().contains("192.0.2.1"), this::listedByTool);
    }

    @Test
    void aClosedSessionRefusesUse()
    {
        session.close();
        session.close();
        assertFalse(session.isOpen());
        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> session.run("list -n"));
        assertEquals("ipset session in " + KernelSessions.path(ns) + " is closed; open a new one", closed.getMessage());
    }

    @Test
    void tenThousandElementsInOneScriptAndOnePerCallLeakNothing() throws IOException, InterruptedException
    {
        // In a JVM of its own whose heap cannot move (see NftablesSessionTest's twin).
        session.close();
        final long grown = KernelSessions.leakProbe("ipset", ns, SET);

        assertTrue(namespaces.exec(ns, "ipset", "list", "-t", SET).stdout().contains("Number of entries: 10000"));
        assertTrue(grown < 8 * 1024, "resident memory grew by " + grown + " KiB over 40,000 commands");
    }

    private String listedByTool()
    {
        return namespaces.exec(ns, "ipset", "list", SET).stdout();
    }
}
