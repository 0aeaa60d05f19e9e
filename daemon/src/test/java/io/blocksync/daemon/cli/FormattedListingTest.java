package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.BanListing;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;
import io.blocksync.daemon.control.ListingCopy;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bans table} and {@code bans json}: the text the node formats for {@code blocksync bans} is, byte for byte,
 * the text the CLI formats from the node's rows ({@code bans [all]}, the path older nodes still take), for the table
 * and JSON, with and without {@code --all}, across many 64 KiB pieces of the copy ({@link ListingCopy}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FormattedListingTest
{
    private static final int BANS = 3_000;

    @TempDir
    Path dir;

    private OutputStream logOut;
    private EventLog log;
    private Node node;

    @AfterEach
    void stop() throws Exception
    {
        if (null != node)
        {
            node.close();
            log.close();
            logOut.close();
        }
    }

    @Test
    void theNodesTextIsTheTextTheCliFormatsFromTheRows() throws Exception
    {
        final LoopbackCluster files = LoopbackCluster.write(dir, 2, "");
        final NodeConfig config = ConfigReader.read(files.configFile(1));
        final long now = System.currentTimeMillis();
        final Random random = new Random(12);
        final String[] reasons = { "ssh", "web.1", "manual", "perm" };
        try (BanStore store = BanStore.openForDaemon(files.stateDir(1), config.storeCapacity()))
        {
            // Permanent, so that no remaining time ticks between the two reads; origins 1 (self), 2 (node2), 7 (no name).
            for (int i = 0; i < BANS; i++)
            {
                final int origin = new int[]{ 1, 2, 7 }[i % 3];
                final String address = i % 4 == 0 ? "198.51." + (i >> 8) + "." + (i & 255) :
                    "2001:db8:" + Integer.toHexString(i >>> 8) + ":" + Integer.toHexString(i & 255) + "::";
                store.put(ban(address, origin, now - random.nextInt(100_000), reasons[i % reasons.length],
                    i % 5 == 0 ? 6 : i % 7 == 0 ? 132 : 0, i % 5 == 0 ? 22 : 0, i % 11 == 0 ? BanAction.UNBAN : BanAction.BAN));
            }
        }
        logOut = Files.newOutputStream(dir.resolve("node.log"));
        log = new EventLog(logOut);
        node = Node.start(config, log);
        final Map<Integer, String> names = Map.of(1, "self", 2, "node2");
        Poll.until("every ban enforced", Duration.ofSeconds(60),
            () -> !rowPath(config.stateDir(), true, false, names).contains("\"enforced\":false"));

        for (final boolean json : new boolean[]{ false, true })
        {
            for (final boolean all : new boolean[]{ false, true })
            {
                final String request = ControlProtocol.BANS + " " + (json ? ControlProtocol.JSON : ControlProtocol.TABLE) +
                    (all ? " " + ControlProtocol.ALL : "") + " 1=self 2=node2";
                final ByteArrayOutputStream copied = new ByteArrayOutputStream();
                final ListingCopy copy = new ListingCopy(copied);
                final String last = copy.run(config.stateDir(), request);
                final String text = copied.toString(StandardCharsets.UTF_8);
                final long rows = all ? BANS : BANS - (BANS + 10) / 11;
                assertEquals("ok bans " + rows, last, request);
                assertEquals(text.length(), copy.bytesCopied(), request);
                assertEquals(rowPath(config.stateDir(), json, all, names), text, request);
                assertTrue(text.length() > 2 * 64 * 1024, "several 64 KiB pieces: " + text.length());
                assertTrue(json ? text.endsWith("}]\n") : text.endsWith("\n" + rows + " bans\n"), request);
            }
        }
        assertEquals(List.of("error usage: bans [all] | bans table|json [all] [ID=NAME ...]"),
            ControlClient.exchange(config.stateDir(), List.of("bans table 1=self x=node2")));
    }

    /** The listing as the CLI formats the node's {@code bans [all]} rows. */
    private static String rowPath(final Path stateDir, final boolean json, final boolean all, final Map<Integer, String> names)
        throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BanListing listing = new BanListing(json, names, out);
        final BanListing.Row row = new BanListing.Row();
        final String last = ControlClient.stream(stateDir, all ? "bans all" : "bans", line -> listing.add(BansCommand.parse(line, row)));
        assertTrue(last.startsWith("ok bans "), last);
        listing.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Ban ban(final String address, final int origin, final long decided, final String reason,
        final int protocol, final int port, final BanAction action)
    {
        final IpPrefix prefix = new IpPrefix();
        assertEquals(null, AddressText.parse(address, prefix, 32, 64));
        return new Ban().prefix(prefix).action(action).originNodeId(origin).originSequence(1).originTimeMillis(decided)
            .durationSeconds(0).expiresAtMillis(action == BanAction.UNBAN ? decided + 86_400_000L : 0)
            .reason(ReasonCode.of(reason).id()).protocol(protocol).port(port).appliedAtMillis(decided);
    }
}
