package io.blocksync.nativeio;

import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The raw nf_tables element writer against the real kernel, inside a network namespace of its own; checked with what
 * {@code nft list set} shows there. Needs root, iproute2, nftables and the built JNI library.
 */
class NftElementWriterTest
{
    private static final byte[] TABLE = "bs_write".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOSTS = "h4".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NETS = "n4".getBytes(StandardCharsets.US_ASCII);
    private static NetworkNamespaces namespaces;
    private static String ns;
    private NftElementWriter writer;

    @BeforeAll
    static void createNamespace()
    {
        assumeTrue(Tools.isRoot(), "the writer test creates a network namespace and needs root");
        assumeTrue(Tools.installed("ip") && Tools.installed("nft"), "needs iproute2 and nftables");
        assumeTrue(null == NftElementWriter.unavailableReason(), NftElementWriter.unavailableReason());
        namespaces = new NetworkNamespaces();
        ns = namespaces.create("bss-nftw");
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
    void openWithSets() throws IOException
    {
        namespaces.must(ns, "nft", "add table inet bs_write; " +
            "add set inet bs_write h4 { type ipv4_addr; flags timeout; }; " +
            "add set inet bs_write n4 { type ipv4_addr; flags interval, timeout; }; " +
            "flush set inet bs_write h4; flush set inet bs_write n4");
        writer = NftElementWriter.open(KernelSessions.path(ns));
    }

    @AfterEach
    void close()
    {
        if (null != writer)
        {
            writer.close();
        }
    }

    @Test
    void addsHostAndPrefixElementsWithTimeoutsThenDeletesThem() throws IOException
    {
        NftElementBatch batch = writer.batch();
        host(batch, NftElementBatch.ADD, 192, 0, 2, 7, 60_000);
        prefix(batch, NftElementBatch.ADD, 198, 51, 100, 24, 120_000);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());
        final String listed = list();
        assertTrue(listed.contains("192.0.2.7 timeout 1m"), listed);
        assertTrue(listed.contains("198.51.100.0/24 timeout 2m"), listed);

        batch = writer.batch();
        host(batch, NftElementBatch.DELETE, 192, 0, 2, 7, NftElementBatch.NO_TIMEOUT);
        prefix(batch, NftElementBatch.DELETE, 198, 51, 100, 24, NftElementBatch.NO_TIMEOUT);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());
        final String after = list();
        assertFalse(after.contains("192.0.2.7") || after.contains("198.51.100"), after);
        assertEquals(2 * 4, writer.messagesSent(), "two batches of begin, two elements, end");
    }

    @Test
    void aRefusedElementIsNamedAndNothingOfTheBatchIsCommitted() throws IOException
    {
        final NftElementBatch batch = writer.batch();
        host(batch, NftElementBatch.ADD, 192, 0, 2, 8, 60_000);
        final int absent = host(batch, NftElementBatch.DELETE, 192, 0, 2, 9, NftElementBatch.NO_TIMEOUT);
        prefix(batch, NftElementBatch.ADD, 203, 0, 113, 24, 60_000);
        assertEquals(NftElementWriter.REFUSED, writer.commit());
        assertEquals(0, batch.error(0));
        assertEquals(2, batch.error(absent), "ENOENT for the delete of an absent element");
        assertEquals(0, batch.error(2));
        assertFalse(list().contains("192.0.2.8"), "the kernel commits all or nothing");
    }

    @Test
    void manyElementsShareAMessageAndTheRefusedOneIsGivenByItsOffset() throws IOException
    {
        NftElementBatch batch = writer.batch();
        prefix(batch, NftElementBatch.ADD, 203, 0, 113, 128, 25, 60_000);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());

        // 192.0.2.0/29 ... 192.0.2.248/29 and, 17th, the /24 sharing the /25's end, in one CREATE message.
        batch = writer.batch();
        batch.message(NftElementBatch.CREATE, NftSetDump.FAMILY_INET, TABLE, NETS);
        int refusedAt = -1;
        for (int i = 0; i < 32; i++)
        {
            final int start = 16 == i ? 203 << 24 | 113 << 8 : 192 << 24 | 2 << 8 | i << 3;
            final int end = start + (16 == i ? 256 : 8);
            final int offset = batch.element(bytes(start), 4, 60_000, 0, false);
            batch.element(bytes(end), 4, NftElementBatch.NO_TIMEOUT, NftElementBatch.INTERVAL_END, false);
            refusedAt = 16 == i ? offset : refusedAt;
        }
        assertTrue(batch.elementBytes() > 0);
        batch.endMessage();
        assertEquals(NftElementWriter.REFUSED, writer.commit(), list());
        assertEquals(1, batch.messages(), "one message for the 32 prefixes");
        assertEquals(17, batch.error(0), "EEXIST for the end 203.0.114.0 the /25 holds");
        assertTrue(batch.errorOffset(0) >= refusedAt && batch.errorOffset(0) < refusedAt + 2 * 40,
            "the offset of the /24's start or end element (" + refusedAt + "): " + batch.errorOffset(0));
        assertFalse(list().contains("192.0.2.0/29"), "the kernel commits all or nothing");
    }

    @Test
    void anOverlappingPrefixIsRefusedByTheIntervalSet() throws IOException
    {
        NftElementBatch batch = writer.batch();
        prefix(batch, NftElementBatch.ADD, 198, 51, 100, 24, 60_000);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());
        batch = writer.batch();
        prefix(batch, NftElementBatch.ADD, 198, 51, 100, 25, 60_000);
        final int status = writer.commit();
        assertEquals(NftElementWriter.REFUSED, status, list());
        assertTrue(0 != batch.error(0), "an errno for the overlapping /25");
    }

    @Test
    void anIntervalSharingAnEndIsKeptSilentlyByAddAndRefusedByCreate() throws IOException
    {
        NftElementBatch batch = writer.batch();
        prefix(batch, NftElementBatch.ADD, 203, 0, 113, 128, 25, 60_000);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());

        batch = writer.batch();
        prefix(batch, NftElementBatch.CREATE, 203, 0, 113, 0, 24, 60_000);
        assertEquals(NftElementWriter.REFUSED, writer.commit(), list());
        assertEquals(17, batch.error(0), "EEXIST for the end 203.0.114.0 the /25 holds");

        // Without NLM_F_EXCL the kernel takes the start and keeps the shared end: two starts, one end.
        batch = writer.batch();
        prefix(batch, NftElementBatch.ADD, 203, 0, 113, 0, 24, 60_000);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());
    }

    @Test
    void aFlushMessageEmptiesTheSet() throws IOException
    {
        NftElementBatch batch = writer.batch();
        host(batch, NftElementBatch.ADD, 192, 0, 2, 10, NftElementBatch.NO_TIMEOUT);
        assertEquals(NftElementWriter.COMMITTED, writer.commit());
        assertTrue(list().contains("192.0.2.10"));
        batch = writer.batch();
        batch.message(NftElementBatch.DELETE, NftSetDump.FAMILY_INET, TABLE, HOSTS);
        batch.endMessage();
        assertEquals(NftElementWriter.COMMITTED, writer.commit());
        assertFalse(list().contains("192.0.2.10"), list());
    }

    private static int host(final NftElementBatch batch, final int kind, final int a, final int b, final int c,
        final int d, final long timeoutMs)
    {
        final int message = batch.message(kind, NftSetDump.FAMILY_INET, TABLE, HOSTS);
        batch.element(new byte[] { (byte)a, (byte)b, (byte)c, (byte)d }, 4, timeoutMs, 0, false);
        batch.endMessage();
        return message;
    }

    private static void prefix(final NftElementBatch batch, final int kind, final int a, final int b, final int c,
        final int length, final long timeoutMs)
    {
        prefix(batch, kind, a, b, c, 0, length, timeoutMs);
    }

    private static void prefix(final NftElementBatch batch, final int kind, final int a, final int b, final int c,
        final int d, final int length, final long timeoutMs)
    {
        batch.message(kind, NftSetDump.FAMILY_INET, TABLE, NETS);
        final int start = a << 24 | b << 16 | c << 8 | d;
        final int end = start + (1 << (32 - length));
        batch.element(bytes(start), 4, timeoutMs, 0, false);
        batch.element(bytes(end), 4, NftElementBatch.NO_TIMEOUT, NftElementBatch.INTERVAL_END, false);
        batch.endMessage();
    }

    private static byte[] bytes(final int address)
    {
        return new byte[] { (byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address };
    }

    private String list()
    {
        return namespaces.must(ns, "nft", "list table inet bs_write").stdout();
    }
}
